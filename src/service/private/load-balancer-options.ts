import type { WebLoadBalancerOptions } from '../shared-load-balancer';

/**
 * The load balancer options of a construct's props, and nothing else: what a
 * construct that creates its own `SharedLoadBalancer` passes on to it.
 */
export function webLoadBalancerOptions(props: WebLoadBalancerOptions): WebLoadBalancerOptions {
  return {
    internetFacing: props.internetFacing,
    loadBalancerSubnets: props.loadBalancerSubnets,
    ingressCidrs: props.ingressCidrs,
    certificate: props.certificate,
    domainName: props.domainName,
    hostedZone: props.hostedZone,
    accessLogsBucket: props.accessLogsBucket,
    accessLogsPrefix: props.accessLogsPrefix,
    accessLogsRetention: props.accessLogsRetention,
  };
}
