import { App, Duration, Stack, StackProps, TimeZone, aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
// In your own app: import { EcsCluster, Ec2BatchJob, JobSchedule } from 'cdk-ecs-kit';
import { Ec2BatchJob, EcsCluster, JobSchedule } from '../../src';

const BUSYBOX = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:stable');

/**
 * A nightly ETL job on Spot capacity that scales from zero: at 03:00 Paris time
 * a helper container extracts the input onto a host scratch directory, the ETL
 * container reads it through `volumesFrom`, works in a Docker scratch volume and
 * loads the result. A failed or timed-out run is retried, then reported on the
 * failure topic.
 */
export class NightlyEtlStack extends Stack {
  public readonly cluster: EcsCluster;
  public readonly job: Ec2BatchJob;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);

    // No instance runs between jobs: the capacity provider starts Spot instances
    // when the task is placed and scales back to zero afterwards.
    this.cluster = new EcsCluster(this, 'Cluster', {
      ec2Capacity: {
        spot: true,
        minCapacity: 0,
        maxCapacity: 2,
        instanceTypes: ['m7i.large', 'm6i.large', 'm5.large', 'm6a.large'].map(t => new ec2.InstanceType(t)),
      },
    });

    this.job = new Ec2BatchJob(this, 'NightlyEtl', {
      cluster: this.cluster,
      image: BUSYBOX,
      command: ['sh', '-c', 'wc -l < /input/orders.csv > /work/count && cp /work/count /input/loaded-count'],
      environment: { ETL_TARGET: 'warehouse', ETL_BATCH_SIZE: '500' },
      cpu: 512,
      memoryLimitMiB: 1024,
      memoryReservationMiB: 512,
      volumes: [
        // A host directory: its data stays on the instance after the task.
        { name: 'input', sourcePath: '/mnt/etl-input' },
        // A Docker scratch volume: empty at start, deleted with the task.
        { name: 'work' },
      ],
      mountPoints: [{ sourceVolume: 'work', containerPath: '/work' }],
      // The input arrives through the helper's volumes (its /input mount).
      volumesFrom: [{ sourceContainer: 'extract' }],
      schedule: JobSchedule.cron({ hour: '3', timeZone: TimeZone.EUROPE_PARIS }),
      retries: 2,
      retryInterval: Duration.minutes(2),
      timeout: Duration.minutes(45),
      enableFailureAlarm: true,
    });

    // The helper extracts the input, then exits. It is not essential: its exit does
    // not stop the task, and the ETL container starts only once it exited with 0.
    const extract = this.job.addContainer('extract', {
      image: BUSYBOX,
      command: ['sh', '-c', 'seq 1 1000 > /input/orders.csv'],
      memoryReservationMiB: 64,
      essential: false,
      mountPoints: [{ sourceVolume: 'input', containerPath: '/input' }],
    });
    this.job.container.addContainerDependencies({ container: extract, condition: ecs.ContainerDependencyCondition.SUCCESS });
  }
}

/** Adds the example's stacks to an app (used by main.ts and by the tests). */
export function createStacks(app: App): Stack[] {
  return [new NightlyEtlStack(app, 'NightlyEtlOnSpot')];
}
