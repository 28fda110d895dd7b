import { Stack, aws_ec2 as ec2, aws_ecs as ecs, aws_logs as logs } from 'aws-cdk-lib';

/**
 * A cluster the way cdk-nag wants it for tests: a two-AZ VPC with flow logs,
 * one NAT gateway and its default security group restricted, Container
 * Insights on, and the Fargate capacity providers enabled.
 */
export function testCluster(stack: Stack, props: Partial<ecs.ClusterProps> = {}): ecs.Cluster {
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 1,
    restrictDefaultSecurityGroup: true,
    flowLogs: {
      all: {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(
          new logs.LogGroup(stack, 'FlowLogs', { retention: logs.RetentionDays.ONE_WEEK })),
      },
    },
  });
  return new ecs.Cluster(stack, 'Cluster', {
    vpc,
    enableFargateCapacityProviders: true,
    containerInsightsV2: ecs.ContainerInsights.ENABLED,
    ...props,
  });
}

/** A public image, so that tests need no ECR repository. */
export const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27');

/** Every resource of a type, as [logicalId, resource] pairs. */
export function resourcesOfType(template: { findResources(type: string): Record<string, any> }, type: string): [string, any][] {
  return Object.entries(template.findResources(type));
}
