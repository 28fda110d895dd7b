import { aws_ecs as ecs, aws_logs as logs } from 'aws-cdk-lib';
import type { ISharedLoadBalancer } from '../shared-load-balancer';
import type { WebLoadBalancerOptions } from '../web-load-balancer-options';
import type { WebServiceOptions } from '../web-service-options';

/**
 * What the shared checks and building steps read of a web service's props,
 * whatever its compute: `FargateWebServiceProps` and `Ec2WebServiceProps` are both one.
 */
export interface WebServiceInput extends WebServiceOptions, WebLoadBalancerOptions {
  readonly cluster: ecs.ICluster;
  readonly loadBalancer?: ISharedLoadBalancer;
  readonly logGroup?: logs.ILogGroup;
}
