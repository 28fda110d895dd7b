export * from './shared-load-balancer';
export * from './fargate-web-service';
