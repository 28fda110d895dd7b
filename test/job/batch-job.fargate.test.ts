/**
 * BatchJob on Fargate and Fargate Spot: the task definition, the RunTask
 * parameters, the choice of capacity, the refusals of EC2-only options, and the
 * state machine executed (aws-local-stepfunctions, see state-machine-runner.ts)
 * like ec2-batch-job.execution.test.ts does for EC2.
 */
import { App, CfnParameter, Duration, Stack, TimeZone, aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { BUSYBOX, definitionOf, spotCluster, statesOf, t } from './helpers';
import { ContainerSpec, FakeEcs, FakeSns, RunTaskScript, containersOf, runTask } from './job-service-fakes';
import { ExecutionOutcome, resolvedDefinition, runStateMachine } from './state-machine-runner';
import { BatchJob, BatchJobProps, EcsCluster, JobSchedule, TaskCapacity, TaskCompute } from '../../src';
import { createTestStack, errorOf, validTemplate } from '../helpers/validators';

type JobOptions = Omit<BatchJobProps, 'cluster' | 'image'> & { image?: ecs.ContainerImage };

/** An EcsCluster without EC2 capacity, with the Fargate capacity providers (for Fargate Spot). */
function fargateCluster(stack: Stack, id = 'Cluster'): EcsCluster {
  return new EcsCluster(stack, id, { enableFargateCapacityProviders: true });
}

function jobIn(stack: Stack, options: JobOptions = {}, cluster?: ecs.ICluster): BatchJob {
  return new BatchJob(stack, 'Job', { cluster: cluster ?? fargateCluster(stack), image: BUSYBOX, ...options });
}

/** The RunTask state's Arguments, with references as `${LogicalId}` placeholders. */
function runTaskArguments(template: Template): any {
  return statesOf(definitionOf(template)).RunTask.Arguments;
}

describe('BatchJob on Fargate: template', () => {
  test('a Fargate Spot job passes the validators: Fargate task definition, no launch type, the FARGATE_SPOT strategy', () => {
    // GIVEN
    const stack = createTestStack();
    // WHEN
    const job = jobIn(stack, { command: ['echo', 'hello'], environment: { REPORT: 'daily' }, taskCapacity: TaskCapacity.fargateSpot() });
    // THEN
    const template = validTemplate(stack);
    expect(template.toJSON()).toMatchSnapshot();
    expect(job.compute).toBe(TaskCompute.FARGATE);
    expect(job.capacityProviderStrategies).toEqual([{ capacityProvider: 'FARGATE_SPOT', weight: 1 }]);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['FARGATE'],
      NetworkMode: 'awsvpc',
      Cpu: '256',
      Memory: '512',
      // The task's size is the task definition's; the main container's hard memory limit is the task's memory.
      ContainerDefinitions: [Match.objectLike({ Name: 'job', Essential: true, Cpu: Match.absent(), Memory: 512 })],
    });
    const args = runTaskArguments(template);
    expect(args.LaunchType).toBeUndefined();
    expect(args.CapacityProviderStrategy).toEqual([{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }]);
    expect(args.PlatformVersion).toBe('LATEST');
    expect(args.PlacementStrategy).toBeUndefined();
    // awsvpc: the private subnets of the cluster's VPC, and the security group the job creates.
    expect(args.NetworkConfiguration).toEqual({
      AwsvpcConfiguration: {
        Subnets: ['${ClusterVpcPrivateSubnet1SubnetA4EB481A}', '${ClusterVpcPrivateSubnet2SubnetBD1ECB6E}'],
        SecurityGroups: [expect.stringMatching(/^\$\{JobRunTaskSecurityGroup[0-9A-F]{8}\.GroupId\}$/)],
      },
    });
    expect(statesOf(definitionOf(template)).RunTask.Comment).toMatch(/^Runs the task on Fargate /);
    expect(job.connections.securityGroups).toHaveLength(1);
  });

  test('on-demand Fargate (the default on a cluster without EC2 capacity) runs with the FARGATE launch type and no strategy', () => {
    // GIVEN a cluster without EC2 capacity nor a default task capacity
    const stack = createTestStack();
    // WHEN
    const job = jobIn(stack, { command: ['echo', 'hello'] }, new EcsCluster(stack, 'Cluster'));
    // THEN
    const template = validTemplate(stack);
    expect(job.compute).toBe(TaskCompute.FARGATE);
    expect(job.capacityProviderStrategies).toEqual([]);
    const args = runTaskArguments(template);
    expect(args.LaunchType).toBe('FARGATE');
    expect(args.CapacityProviderStrategy).toBeUndefined();
    expect(args.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBeUndefined();
  });

  test('Spot and on-demand weights become the strategy, with the on-demand base', () => {
    const stack = new Stack(new App(), 'TestStack');
    const job = jobIn(stack, { taskCapacity: TaskCapacity.fargate({ onDemandBase: 1, onDemandWeight: 1, spotWeight: 3 }) });
    expect(runTaskArguments(Template.fromStack(stack)).CapacityProviderStrategy).toEqual([
      { CapacityProvider: 'FARGATE', Base: 1, Weight: 1 },
      { CapacityProvider: 'FARGATE_SPOT', Weight: 3 },
    ]);
    expect(job.capacityProviderStrategies).toHaveLength(2);
  });

  test('cpu and memoryLimitMiB of the main container size the task; added containers keep their own limits', () => {
    const stack = new Stack(new App(), 'TestStack');
    const job = jobIn(stack, { cpu: 1024, memoryLimitMiB: 4096 });
    job.addContainer('sidecar', { image: BUSYBOX, cpu: 128, memoryLimitMiB: 256, memoryReservationMiB: 64, essential: false });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '1024',
      Memory: '4096',
      ContainerDefinitions: [
        Match.objectLike({ Name: 'job', Cpu: Match.absent(), Memory: Match.absent() }),
        Match.objectLike({ Name: 'sidecar', Cpu: 128, Memory: 256, MemoryReservation: 64, Essential: false }),
      ],
    });
  });

  test('assignPublicIp gives the task a public IP in the public subnets; given subnets and security groups are used', () => {
    // GIVEN
    const stack = new Stack(new App(), 'TestStack');
    // WHEN
    jobIn(stack, { assignPublicIp: true });
    const other = new Stack(new App(), 'Other');
    const otherCluster = fargateCluster(other);
    const otherSg = new ec2.SecurityGroup(other, 'Sg', { vpc: otherCluster.vpc });
    const withGroups = new BatchJob(other, 'Job', {
      cluster: otherCluster, image: BUSYBOX, securityGroups: [otherSg], vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });
    // THEN
    expect(runTaskArguments(Template.fromStack(stack)).NetworkConfiguration.AwsvpcConfiguration).toEqual({
      Subnets: [expect.stringMatching(/^\$\{ClusterVpcPublicSubnet1Subnet/), expect.stringMatching(/^\$\{ClusterVpcPublicSubnet2Subnet/)],
      SecurityGroups: [expect.stringMatching(/^\$\{JobRunTaskSecurityGroup/)],
      AssignPublicIp: 'ENABLED',
    });
    expect(runTaskArguments(Template.fromStack(other)).NetworkConfiguration.AwsvpcConfiguration.SecurityGroups).toEqual([
      expect.stringMatching(/^\$\{Sg[0-9A-F]{8}\.GroupId\}$/),
    ]);
    expect(withGroups.connections.securityGroups).toEqual([otherSg]);
  });

  test('a run that fails its exit-code check fails with BatchJob.NonZeroExitCode; the state machine says it runs on Fargate', () => {
    const stack = new Stack(new App(), 'TestStack');
    jobIn(stack);
    const definition = definitionOf(Template.fromStack(stack));
    expect(statesOf(definition).NonZeroExitCode.Error).toBe('BatchJob.NonZeroExitCode');
    expect(definition.Comment).toBe('Runs the batch job TestStack/Job on Fargate');
  });
});

describe('BatchJob: its own names', () => {
  test('its timed-out metric and warnings are named after BatchJob (an Ec2BatchJob keeps its own)', () => {
    // GIVEN a schedule in the daylight-saving gap of Paris
    const stack = new Stack(new App(), 'TestStack');
    const job = jobIn(stack, { schedule: JobSchedule.cron({ hour: '2', minute: '30', timeZone: TimeZone.EUROPE_PARIS }) });
    // THEN
    expect(job.metricRunsTimedOut().namespace).toBe('cdk-ecs-kit/BatchJob');
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::MetricFilter', {
      MetricTransformations: [Match.objectLike({ MetricNamespace: 'cdk-ecs-kit/BatchJob' })],
    });
    Annotations.fromStack(stack).hasWarning('/TestStack/Job', Match.stringLikeRegexp('cdk-ecs-kit:BatchJob.scheduleInDaylightSavingGap'));
  });

  test('a Fargate job needs no EC2 capacity on the cluster, whose token sizes are checked by AWS at deploy time', () => {
    const stack = new Stack(new App(), 'TestStack');
    const cpu = new CfnParameter(stack, 'Cpu', { type: 'Number' }).valueAsNumber;
    jobIn(stack, { cpu, memoryLimitMiB: 2048 });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: { Ref: 'Cpu' }, Memory: '2048' });
  });
});

describe('BatchJob: where the task runs by default', () => {
  test('the cluster\'s EC2 capacity when it has some: exactly an EC2 job (bridge mode, the Spot group, binpack)', () => {
    const stack = new Stack(new App(), 'TestStack');
    const job = jobIn(stack, { memoryLimitMiB: 256 }, spotCluster(stack));
    const template = Template.fromStack(stack);
    expect(job.compute).toBe(TaskCompute.EC2);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { NetworkMode: 'bridge', RequiresCompatibilities: ['EC2'] });
    const args = runTaskArguments(template);
    expect(args.CapacityProviderStrategy).toEqual([{ CapacityProvider: expect.stringMatching(/^\$\{ClusterEc2CapacityCapacityProvider/), Weight: 1 }]);
    expect(args.PlacementStrategy).toEqual([{ Type: 'binpack', Field: 'MEMORY' }]);
    expect(statesOf(definitionOf(template)).NonZeroExitCode.Error).toBe('BatchJob.NonZeroExitCode');
  });

  test('the cluster\'s defaultTaskCapacity first, even a Fargate one on a cluster with EC2 capacity', () => {
    const stack = new Stack(new App(), 'TestStack');
    const cluster = new EcsCluster(stack, 'Cluster', {
      ec2Capacity: { spot: true, instanceTypes: [t('m6i.large')] },
      enableFargateCapacityProviders: true,
      defaultTaskCapacity: TaskCapacity.fargateSpot(),
    });
    const job = jobIn(stack, {}, cluster);
    expect(job.compute).toBe(TaskCompute.FARGATE);
    expect(runTaskArguments(Template.fromStack(stack)).CapacityProviderStrategy).toEqual([{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }]);
  });

  test('TaskCapacity.ec2() given on a cluster with both runs on EC2', () => {
    const stack = new Stack(new App(), 'TestStack');
    const cluster = new EcsCluster(stack, 'Cluster', {
      ec2Capacity: { instanceTypes: [t('m6i.large')] }, enableFargateCapacityProviders: true, defaultTaskCapacity: TaskCapacity.fargate(),
    });
    const job = jobIn(stack, { memoryLimitMiB: 256, taskCapacity: TaskCapacity.ec2() }, cluster);
    expect(job.compute).toBe(TaskCompute.EC2);
  });
});

describe('BatchJob on Fargate: refusals', () => {
  test('fails when EC2-only options are given: host volume, links, bridge mode, GPUs, placement, a main memory reservation', () => {
    // GIVEN
    const stack = new Stack(new App(), 'TestStack');
    // WHEN
    const error = errorOf(() => jobIn(stack, {
      taskCapacity: TaskCapacity.fargateSpot(),
      networkMode: ecs.NetworkMode.BRIDGE,
      volumes: [{ name: 'data', sourcePath: '/mnt/data' }],
      links: [{ containerName: 'db' }],
      gpuCount: 1,
      memoryReservationMiB: 256,
      placementStrategies: [ecs.PlacementStrategy.spreadAcrossInstances()],
      placementConstraints: [ecs.PlacementConstraint.distinctInstances()],
    }));
    // THEN one error lists every problem, each with the value received and a fix
    expect(error.constructPath).toBe('TestStack/Job');
    expect(error.problems.map(p => [p.prop, p.received])).toEqual([
      ['networkMode', '"ecs.NetworkMode.BRIDGE"'],
      ['volumes[].sourcePath', '"/mnt/data"'],
      ['placementStrategies', '"1 strateg(ies)"'],
      ['placementConstraints', '"1 constraint(s)"'],
      ['gpuCount', '1'],
      ['memoryReservationMiB', '256'],
      ['links', '"db"'],
    ]);
    for (const problem of error.problems) expect(problem.fix).toMatch(/Fargate/);
    expect(error.message).toMatch(/^BatchJob/);
  });

  test('fails when the task size is not one Fargate offers', () => {
    const stack = new Stack(new App(), 'TestStack');
    const error = errorOf(() => jobIn(stack, { cpu: 256, memoryLimitMiB: 4096 }));
    expect(error.problems).toEqual([{ prop: 'memoryLimitMiB', received: '4096', fix: 'With cpu 256, Fargate accepts memoryLimitMiB 512, 1024 or 2048.' }]);
    const cpuError = errorOf(() => jobIn(new Stack(new App(), 'S'), { cpu: 300 }));
    expect(cpuError.problems[0]).toEqual(expect.objectContaining({ prop: 'cpu', received: '300' }));
  });

  test('fails when an added container asks more than the task has', () => {
    const stack = new Stack(new App(), 'TestStack');
    const job = jobIn(stack, { cpu: 512, memoryLimitMiB: 1024 });
    const error = errorOf(() => job.addContainer('big', { image: BUSYBOX, cpu: 1024, memoryLimitMiB: 2048, gpuCount: 1 }));
    expect(error.problems.map(p => p.prop)).toEqual(['addContainer(big).gpuCount', 'addContainer(big).cpu', 'addContainer(big).memoryLimitMiB']);
    expect(error.problems[1].fix).toMatch(/512 CPU units/);
  });

  test('fails when the container settings are beyond Fargate\'s limits', () => {
    const stack = new Stack(new App(), 'TestStack');
    const error = errorOf(() => jobIn(stack, {
      stopTimeout: Duration.seconds(300),
      capabilitiesAdd: [ecs.Capability.NET_ADMIN],
      ulimits: [{ name: ecs.UlimitName.NPROC, softLimit: 10, hardLimit: 10 }],
    }));
    expect(error.problems.map(p => p.prop)).toEqual(['stopTimeout', 'capabilitiesAdd', 'ulimits']);
  });

  test('fails when Fargate Spot is asked on a cluster without the Fargate capacity providers', () => {
    const stack = new Stack(new App(), 'TestStack');
    const cluster = new EcsCluster(stack, 'Cluster', { enableFargateCapacityProviders: false });
    const error = errorOf(() => jobIn(stack, { taskCapacity: TaskCapacity.fargateSpot() }, cluster));
    expect(error.problems[0].prop).toBe('taskCapacity[].capacityProvider');
    expect(error.problems[0].fix).toMatch(/enableFargateCapacityProviders/);
  });

  test('fails when assignPublicIp is given to a job on EC2', () => {
    const stack = new Stack(new App(), 'TestStack');
    const error = errorOf(() => jobIn(stack, { memoryLimitMiB: 256, assignPublicIp: true }, spotCluster(stack)));
    expect(error.problems).toEqual([expect.objectContaining({ prop: 'assignPublicIp', received: 'true' })]);
    expect(error.problems[0].fix).toMatch(/Only Fargate tasks can get a public IP address/);
  });
});

// --- Execution ---------------------------------------------------------------------

interface SynthesizedJob {
  readonly definition: any;
  readonly containers: ContainerSpec[];
}

function synthesize(options: JobOptions = {}, configure?: (job: BatchJob) => void): SynthesizedJob {
  const stack = new Stack(new App(), 'TestStack');
  const job = jobIn(stack, { taskCapacity: TaskCapacity.fargateSpot(), ...options });
  configure?.(job);
  const template = Template.fromStack(stack);
  return { definition: resolvedDefinition(template), containers: containersOf(template) };
}

interface Run extends ExecutionOutcome {
  readonly ecs: FakeEcs;
  readonly sns: FakeSns;
}

async function run(job: SynthesizedJob, script: RunTaskScript): Promise<Run> {
  const ecsFake = new FakeEcs(job.containers, script);
  const sns = new FakeSns();
  const outcome = await runStateMachine(job.definition, {
    integrations: { 'ecs:runTask.sync': ecsFake.handler, 'sns:publish': sns.handler },
    executionName: 'nightly-2026-01-05',
  });
  return { ...outcome, ecs: ecsFake, sns };
}

const minutes = (n: number) => n * 60_000;

describe('BatchJob on Fargate Spot: execution', () => {
  const spotJob = synthesize({}, job => job.addContainer('post', { image: BUSYBOX }));

  test('succeeds when every essential container exits with 0; RunTask asks for Fargate Spot in awsvpc mode', async () => {
    // WHEN
    const result = await run(spotJob, [runTask.exits({ job: 0, post: 0 }, minutes(15))]);
    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.sns.attempts).toBe(0);
    expect(result.ecs.calls).toHaveLength(1);
    expect(result.ecs.calls[0].request).toEqual({
      Cluster: expect.stringMatching(/^arn:aws:ecs:eu-west-1:123456789012:cluster\/Cluster/),
      TaskDefinition: expect.stringMatching(/^TestStackJobTaskDefinition/),
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }],
      PlatformVersion: 'LATEST',
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          Subnets: [expect.stringMatching(/^subnet-ClusterVpcPrivateSubnet1/), expect.stringMatching(/^subnet-ClusterVpcPrivateSubnet2/)],
          SecurityGroups: [expect.stringMatching(/^sg-JobRunTaskSecurityGroup/)],
        },
      },
    });
    expect(result.ecs.calls[0].request.LaunchType).toBeUndefined();
  });

  test('a non-zero exit code is retried twice with backoff, then fails with BatchJob.NonZeroExitCode and notifies', async () => {
    const result = await run(spotJob, [runTask.exits({ job: 0, post: 2 }, minutes(10))]);
    expect(result.ecs.calls.map(c => c.elapsedMs)).toEqual([0, minutes(11), minutes(23)]);
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('BatchJob.NonZeroExitCode');
    expect(result.cause).toContain('{"name":"post","exitCode":2}');
    expect(result.sns.published).toHaveLength(1);
    expect(result.sns.published[0].subject).toBe('Failed: TestStack/Job');
    expect(JSON.parse(result.sns.published[0].message)).toEqual(expect.objectContaining({ status: 'FAILED', error: 'BatchJob.NonZeroExitCode' }));
  });

  test('a task stopped by a Fargate Spot interruption is retried, and the retry can succeed', async () => {
    const result = await run(spotJob, [runTask.spotInterrupted(minutes(5)), runTask.exits({ job: 0, post: 0 })]);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.ecs.calls.map(c => c.elapsedMs)).toEqual([0, minutes(6)]);
    expect(result.sns.published).toEqual([]);
  });

  test('a task past the timeout is stopped, not retried, and notified as TIMED_OUT', async () => {
    const job = synthesize({ timeout: Duration.minutes(20), retries: 3 });
    const result = await run(job, [runTask.runsForever()]);
    expect(result.ecs.calls).toHaveLength(1);
    expect(result.durationMs).toBe(minutes(20));
    expect(result.error).toBe('States.Timeout');
    expect(result.sns.published[0].subject).toBe('Timed out: TestStack/Job');
    expect(JSON.parse(result.sns.published[0].message).status).toBe('TIMED_OUT');
  });

  test('on-demand Fargate asks RunTask for the FARGATE launch type', async () => {
    const job = synthesize({ taskCapacity: TaskCapacity.fargate(), assignPublicIp: true });
    const result = await run(job, [runTask.exits({ job: 0 })]);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.ecs.calls[0].request).toEqual(expect.objectContaining({ LaunchType: 'FARGATE', PlatformVersion: 'LATEST' }));
    expect(result.ecs.calls[0].request.CapacityProviderStrategy).toBeUndefined();
    expect(result.ecs.calls[0].request.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBe('ENABLED');
  });
});
