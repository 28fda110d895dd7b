import { App, Duration, Stack, StackProps, TimeZone, aws_ecs as ecs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
// In your own app: import { BatchJob, EcsCluster, JobSchedule, TaskCapacity } from 'cdk-ecs-kit';
import { BatchJob, EcsCluster, JobSchedule, TaskCapacity } from '../../src';

/**
 * A nightly report on Fargate Spot: no instance to manage and nothing running
 * between runs. At 03:30 New York time (an hour that daylight saving time neither skips nor repeats)
 * EventBridge Scheduler starts the job's state machine, which runs the task on
 * Fargate Spot, checks its exit code, retries a failed or interrupted task, and
 * reports a run that still fails (or runs past its timeout) on the failure topic.
 */
export class NightlyFargateSpotJobStack extends Stack {
  public readonly cluster: EcsCluster;
  public readonly job: BatchJob;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);

    // A cluster without EC2 capacity; its Fargate capacity providers (FARGATE, FARGATE_SPOT) are on by default.
    this.cluster = new EcsCluster(this, 'Cluster');

    this.job = new BatchJob(this, 'NightlyReport', {
      cluster: this.cluster,
      // Fargate Spot costs about 70% less than on-demand Fargate; AWS may stop a task with two
      // minutes' notice, and the job retries it.
      taskCapacity: TaskCapacity.fargateSpot(),
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:stable'),
      command: ['sh', '-c', 'echo "building the report for $REPORT_DATE_ZONE" && sleep 30 && echo done'],
      environment: { REPORT_DATE_ZONE: 'America/New_York' },
      // The task's size on Fargate: half a vCPU and 1 GiB.
      cpu: 512,
      memoryLimitMiB: 1024,
      // The report script spawns children: tini forwards SIGTERM (a Spot interruption) and reaps them.
      initProcessEnabled: true,
      stopTimeout: Duration.seconds(110),
      schedule: JobSchedule.cron({ hour: '3', minute: '30', timeZone: TimeZone.AMERICA_NEW_YORK }),
      retries: 3,
      retryInterval: Duration.minutes(2),
      timeout: Duration.minutes(30),
      enableFailureAlarm: true,
    });
  }
}

/** Adds the example's stacks to an app (used by main.ts and by the tests). */
export function createStacks(app: App): Stack[] {
  return [new NightlyFargateSpotJobStack(app, 'NightlyFargateSpotJob')];
}
