import { App, Duration, Stack, StackProps, aws_ecs as ecs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
// In your own app: import { EcsCluster, QueueWorkerService, TaskCapacity } from 'cdk-ecs-kit';
import { EcsCluster, QueueWorkerService, TaskCapacity } from '../../src';

/**
 * A worker that reads a queue on Fargate Spot: the kit creates the queue
 * (encrypted, TLS only) with its dead-letter queue, lets the task role consume
 * it, passes its URL as QUEUE_URL, and scales on the backlog per task, from
 * zero tasks when the queue is empty. Spot tasks can be stopped with two
 * minutes' notice: an unfinished message becomes visible again after the
 * visibility timeout and another task takes it.
 */
export class QueueWorkerStack extends Stack {
  public readonly cluster: EcsCluster;
  public readonly worker: QueueWorkerService;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);

    // No NAT gateway: the tasks run in public subnets with a public IP, and
    // nothing can reach them (their security group lets nothing in).
    this.cluster = new EcsCluster(this, 'Cluster', { natGateways: 0 });

    this.worker = new QueueWorkerService(this, 'Thumbnails', {
      cluster: this.cluster,
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:stable'),
      // Stands in for a real worker: it would receive, process and delete messages from $QUEUE_URL.
      command: ['sh', '-c', 'while true; do echo "polling $QUEUE_URL"; sleep 20; done'],
      initProcessEnabled: true,
      stopTimeout: Duration.seconds(110),
      taskCapacity: TaskCapacity.fargateSpot(),
      assignPublicIp: true,
      visibilityTimeout: Duration.minutes(2),
      maxCapacity: 5,
      targetBacklogPerTask: 20,
      scaleToZero: true,
    });
  }
}

/** Adds the example's stacks to an app (used by main.ts and by the tests). */
export function createStacks(app: App): Stack[] {
  return [new QueueWorkerStack(app, 'QueueWorker')];
}
