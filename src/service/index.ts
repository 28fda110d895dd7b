export * from './shared-load-balancer';
export * from './shared-load-balancer-props';
export * from './fargate-web-service';
export * from './fargate-web-service-props';
export * from './fargate-web-service-group';
export { WebLoadBalancerOptions } from './web-load-balancer-options';
export * from './ec2-web-service';
export * from './ec2-web-service-props';
export * from './web-service-options';
