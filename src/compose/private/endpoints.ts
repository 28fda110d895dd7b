/**
 * The listeners a ComposeApp adds for published ports: HTTP ports on listeners
 * of their own on the app's Application Load Balancer, other TCP and UDP ports
 * on the app's Network Load Balancer. Both are made when first needed.
 */
import { Token, aws_certificatemanager as acm, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AppNetworkLoadBalancer, AppNetworkLoadBalancerProps, IngressSource } from './network-load-balancer';
import { PortListener } from './port-listener';
import type { ComposeAppContext, CreatedUnit } from './unit';
import type { ISharedLoadBalancer } from '../../service/shared-load-balancer';

export interface AppEndpointsProps {
  /** The app's Application Load Balancer, when it has one. */
  readonly loadBalancer?: ISharedLoadBalancer;
  /** The certificate of its HTTPS listener, if any: the port listeners are HTTPS too. */
  readonly certificate?: acm.ICertificate;
  /** The host of the port listeners' URLs. */
  readonly host?: string;
  /** The Network Load Balancer's settings (the app's load balancer options). */
  readonly network: AppNetworkLoadBalancerProps;
}

/** The port listeners and the Network Load Balancer of an app. */
export class AppEndpoints {
  private readonly listeners = new Map<number, PortListener>();
  private nlb?: AppNetworkLoadBalancer;

  constructor(private readonly scope: Construct, private readonly props: AppEndpointsProps) {}

  /** The listener on a port of the Application Load Balancer (`Listener<port>` in the app). */
  public httpListener(port: number): PortListener {
    let listener = this.listeners.get(port);
    if (!listener) {
      listener = new PortListener(this.scope, `Listener${port}`, {
        shared: this.props.loadBalancer!,
        port,
        certificate: this.props.certificate,
        ingress: this.props.network.ingress,
        host: this.props.host ?? this.props.loadBalancer!.loadBalancer.loadBalancerDnsName,
      });
      this.listeners.set(port, listener);
    }
    return listener;
  }

  /** The Network Load Balancer (`NetworkLoadBalancer` in the app), if a published port needed one. */
  public get networkLoadBalancer(): AppNetworkLoadBalancer | undefined {
    return this.nlb;
  }

  /** Adds a unit's published ports (other than its web port) to the load balancers. */
  public attach(context: ComposeAppContext, created: CreatedUnit): void {
    for (const endpoint of created.unit.endpoints) {
      if (endpoint.kind === 'http') {
        this.httpListener(endpoint.listenerPort).attachService(created.service, endpoint.service, endpoint.containerPort, endpoint.healthCheckPath ?? '/');
      } else {
        this.nlb ??= new AppNetworkLoadBalancer(this.scope, 'NetworkLoadBalancer', this.props.network);
        this.nlb.addEndpoint(endpoint, { service: created.service, connections: created.connections, fargate: context.fargate });
      }
    }
  }
}

/** Where clients may connect from: `ingressCidrs`, else the internet (internet-facing) or the VPC (internal). */
export function ingressSources(vpc: ec2.IVpc, ingressCidrs: string[] | undefined, internetFacing: boolean): IngressSource[] {
  if (ingressCidrs === undefined) {
    return internetFacing
      ? [{ peer: ec2.Peer.anyIpv4(), label: '0.0.0.0/0', world: true }]
      : [{ peer: ec2.Peer.ipv4(vpc.vpcCidrBlock), label: 'the VPC', world: false }];
  }
  return ingressCidrs.map(cidr => Token.isUnresolved(cidr)
    ? { peer: ec2.Peer.ipv4(cidr), label: 'a referenced CIDR block', world: false }
    : { peer: cidr.includes(':') ? ec2.Peer.ipv6(cidr) : ec2.Peer.ipv4(cidr), label: cidr, world: cidr === '0.0.0.0/0' || cidr === '::/0' });
}
