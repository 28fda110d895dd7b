/**
 * The shared container settings (ContainerSettings) on a batch job's
 * containers, on EC2 and on Fargate.
 */
import { App, Duration, Stack, aws_ecs as ecs } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { BUSYBOX, spotCluster } from './helpers';
import { BatchJob, BatchJobProps, ContainerStartCondition, Ec2BatchJob, EcsCluster, TaskCapacity } from '../../src';
import { errorOf } from '../helpers/validators';

type JobOptions = Omit<BatchJobProps, 'cluster' | 'image'>;

function ec2Job(stack: Stack, options: JobOptions = {}): BatchJob {
  return new Ec2BatchJob(stack, 'Job', { cluster: spotCluster(stack), image: BUSYBOX, memoryLimitMiB: 256, ...options });
}

function fargateJob(stack: Stack, options: JobOptions = {}): BatchJob {
  return new BatchJob(stack, 'Job', { cluster: new EcsCluster(stack, 'Cluster'), image: BUSYBOX, taskCapacity: TaskCapacity.fargateSpot(), ...options });
}

function containerNamed(stack: Stack, name: string): any {
  const definitions = Object.values(Template.fromStack(stack).findResources('AWS::ECS::TaskDefinition')) as any[];
  return definitions[0].Properties.ContainerDefinitions.find((c: any) => c.Name === name);
}

describe('BatchJob container settings', () => {
  test('the main container of an EC2 job takes every setting', () => {
    // GIVEN
    const stack = new Stack(new App(), 'TestStack');
    // WHEN
    ec2Job(stack, {
      entryPoint: ['/bin/sh', '-c'],
      command: ['exec ./etl'],
      workingDirectory: '/app',
      user: '1000:1000',
      stopTimeout: Duration.seconds(90),
      initProcessEnabled: true,
      ulimits: [{ name: ecs.UlimitName.NPROC, softLimit: 512, hardLimit: 1024 }],
      capabilitiesAdd: [ecs.Capability.NET_ADMIN],
      capabilitiesDrop: [ecs.Capability.ALL],
    });
    // THEN
    expect(containerNamed(stack, 'job')).toEqual(expect.objectContaining({
      EntryPoint: ['/bin/sh', '-c'],
      Command: ['exec ./etl'],
      WorkingDirectory: '/app',
      User: '1000:1000',
      StopTimeout: 90,
      Ulimits: [{ Name: 'nproc', SoftLimit: 512, HardLimit: 1024 }],
      LinuxParameters: { InitProcessEnabled: true, Capabilities: { Add: ['NET_ADMIN'], Drop: ['ALL'] } },
    }));
  });

  test('a Fargate job takes the settings Fargate allows (SYS_PTRACE, NOFILE, a stop timeout up to 120 s)', () => {
    const stack = new Stack(new App(), 'TestStack');
    const job = fargateJob(stack, {
      stopTimeout: Duration.seconds(120),
      initProcessEnabled: true,
      capabilitiesAdd: [ecs.Capability.SYS_PTRACE],
      ulimits: [{ name: ecs.UlimitName.NOFILE, softLimit: 65536, hardLimit: 1_048_576 }],
    });
    job.addContainer('helper', { image: BUSYBOX, essential: false, user: 'nobody', workingDirectory: '/tmp' });
    expect(containerNamed(stack, 'job')).toEqual(expect.objectContaining({
      StopTimeout: 120,
      Ulimits: [{ Name: 'nofile', SoftLimit: 65536, HardLimit: 1_048_576 }],
      LinuxParameters: { InitProcessEnabled: true, Capabilities: { Add: ['SYS_PTRACE'] } },
    }));
    expect(containerNamed(stack, 'helper')).toEqual(expect.objectContaining({ User: 'nobody', WorkingDirectory: '/tmp' }));
  });

  test('dependsOn may name a container added later: the start order is set once it exists', () => {
    // GIVEN the main container waits for a helper that is added after it
    const stack = new Stack(new App(), 'TestStack');
    const job = ec2Job(stack, { dependsOn: [{ containerName: 'fetch', condition: ContainerStartCondition.SUCCESS }] });
    // WHEN
    job.addContainer('fetch', { image: BUSYBOX, memoryReservationMiB: 32, essential: false });
    job.addContainer('post', { image: BUSYBOX, memoryReservationMiB: 32, dependsOn: [{ containerName: 'job', condition: ContainerStartCondition.COMPLETE }] });
    // THEN
    expect(containerNamed(stack, 'job').DependsOn).toEqual([{ ContainerName: 'fetch', Condition: 'SUCCESS' }]);
    expect(containerNamed(stack, 'post').DependsOn).toEqual([{ ContainerName: 'job', Condition: 'COMPLETE' }]);
    expect(containerNamed(stack, 'fetch').DependsOn).toBeUndefined();
  });

  test('without settings, no setting appears in the container definition', () => {
    const stack = new Stack(new App(), 'TestStack');
    ec2Job(stack);
    const container = containerNamed(stack, 'job');
    for (const key of ['EntryPoint', 'Command', 'WorkingDirectory', 'User', 'StopTimeout', 'Ulimits', 'LinuxParameters', 'DependsOn']) {
      expect(container[key]).toBeUndefined();
    }
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::TaskDefinition', { ContainerDefinitions: [Match.objectLike({ Name: 'job' })] });
  });

  test('fails when dependsOn names a container the task never gets', () => {
    const stack = new Stack(new App(), 'TestStack');
    ec2Job(stack, { dependsOn: [{ containerName: 'migrate' }] });
    expect(() => Template.fromStack(stack))
      .toThrow(/Ec2BatchJob: dependsOn of container "job" received "migrate"\. The task has no container of that name \(it has "job"\)/);
  });

  test('fails when a container waits for itself, or a setting is malformed', () => {
    const stack = new Stack(new App(), 'TestStack');
    const error = errorOf(() => ec2Job(stack, {
      dependsOn: [{ containerName: 'job' }],
      workingDirectory: 'relative/dir',
      user: 'two words',
    }));
    expect(error.problems.map(p => p.prop)).toEqual(['workingDirectory', 'user', 'dependsOn']);
  });

  test('fails when an added container\'s settings are beyond Fargate\'s limits, naming the container', () => {
    const stack = new Stack(new App(), 'TestStack');
    const job = fargateJob(stack);
    const error = errorOf(() => job.addContainer('debug', { image: BUSYBOX, capabilitiesAdd: [ecs.Capability.SYS_ADMIN], stopTimeout: Duration.minutes(5) }));
    expect(error.problems.map(p => p.prop)).toEqual(['addContainer(debug).stopTimeout', 'addContainer(debug).capabilitiesAdd']);
    expect(error.problems[1].fix).toMatch(/Fargate can only add SYS_PTRACE/);
  });
});
