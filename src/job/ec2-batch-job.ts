import { Construct } from 'constructs';
import { BatchJob } from './batch-job';
import { BatchJobProps } from './batch-job-props';
import { EC2_BATCH_JOB, propsOfKind } from './job-kind';

/**
 * Properties of an `Ec2BatchJob`: those of a `BatchJob`, whose `taskCapacity`
 * must be EC2.
 */
export interface Ec2BatchJobProps extends BatchJobProps {}

/**
 * A `BatchJob` that runs on a cluster's EC2 capacity only (Spot-friendly,
 * scale from zero), kept for the apps written before `BatchJob` ran on
 * Fargate: it refuses Fargate capacity, and without `taskCapacity` it always
 * chooses the cluster's EC2 capacity. Its task definition is an
 * `ecs.Ec2TaskDefinition`, and a run that fails its exit-code check fails with
 * the error `Ec2BatchJob.NonZeroExitCode`.
 *
 * @example
 * import { TimeZone, aws_sns_subscriptions as subscriptions } from 'aws-cdk-lib';
 * import { Ec2BatchJob, JobSchedule } from 'cdk-ecs-kit';
 *
 * declare const cluster: EcsCluster;
 * const job = new Ec2BatchJob(this, 'NightlyEtl', {
 *   cluster,
 *   image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:stable'),
 *   command: ['sh', '-c', 'echo extract transform load'],
 *   memoryLimitMiB: 512,
 *   schedule: JobSchedule.cron({ hour: '3', timeZone: TimeZone.EUROPE_PARIS }),
 * });
 * job.failureTopic.addSubscription(new subscriptions.EmailSubscription('oncall@example.com'));
 */
export class Ec2BatchJob extends BatchJob {
  constructor(scope: Construct, id: string, props: Ec2BatchJobProps) {
    super(scope, id, propsOfKind(props, EC2_BATCH_JOB));
  }
}
