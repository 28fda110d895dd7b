/**
 * The web container's settings: `ContainerSettings` (command, entry point,
 * working directory, user, stop timeout, init process, ulimits, capabilities,
 * start order) and its container-level CPU and memory, checked with Fargate's
 * limits and the task size.
 */
import { App, CfnParameter, Duration, Stack, aws_ecs as ecs } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { IMAGE, testCluster } from './cluster';
import { ContainerStartCondition, FargateWebService, FargateWebServiceProps } from '../../src';
import { createTestStack, errorOf, expectAcceptedOnlyWhen, validTemplate } from '../helpers/validators';

const SIDECAR_IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.36');

/** A stack with a test cluster and one service with `props` (a plain stack unless `validated`). */
function serviceStack(props: Partial<FargateWebServiceProps> = {}, validated = false) {
  const stack = validated ? createTestStack() : new Stack(new App(), 'TestStack');
  const cluster = testCluster(stack);
  const web = new FargateWebService(stack, 'Web', { cluster, image: IMAGE, ...props });
  return { stack, web };
}

/** The container definitions of the service's task, by name. */
function containersOf(template: Template): Record<string, any> {
  const [task] = Object.values(template.findResources('AWS::ECS::TaskDefinition')) as any[];
  return Object.fromEntries(task.Properties.ContainerDefinitions.map((c: any) => [c.Name, c]));
}

describe('FargateWebService container settings', () => {
  test('every setting reaches the web container, and the template passes the validators', () => {
    // GIVEN every container setting
    const { stack } = serviceStack({
      command: ['serve', '--port', '80'],
      entryPoint: ['/docker-entrypoint.sh'],
      workingDirectory: '/usr/share/nginx',
      user: '101:101',
      stopTimeout: Duration.seconds(90),
      initProcessEnabled: true,
      ulimits: [{ name: ecs.UlimitName.NOFILE, softLimit: 100_000, hardLimit: 100_000 }],
      capabilitiesAdd: [ecs.Capability.SYS_PTRACE],
      capabilitiesDrop: [ecs.Capability.NET_RAW],
      containerCpu: 128,
      containerMemoryLimitMiB: 512,
      containerMemoryReservationMiB: 256,
      cpu: 256,
      memoryLimitMiB: 512,
    }, true);
    // THEN the web container has them, and CloudFormation's rules and cdk-nag find nothing
    const { web } = containersOf(validTemplate(stack));
    expect(web).toMatchObject({
      Command: ['serve', '--port', '80'],
      EntryPoint: ['/docker-entrypoint.sh'],
      WorkingDirectory: '/usr/share/nginx',
      User: '101:101',
      StopTimeout: 90,
      LinuxParameters: { InitProcessEnabled: true, Capabilities: { Add: ['SYS_PTRACE'], Drop: ['NET_RAW'] } },
      Ulimits: [{ Name: 'nofile', SoftLimit: 100_000, HardLimit: 100_000 }],
      Cpu: 128,
      Memory: 512,
      MemoryReservation: 256,
      Essential: true,
    });
  });

  test('without the settings the web container has none of their fields, and the task\'s memory as its hard limit', () => {
    const { web } = containersOf(Template.fromStack(serviceStack().stack));
    for (const key of ['Command', 'EntryPoint', 'WorkingDirectory', 'User', 'StopTimeout', 'LinuxParameters', 'Ulimits', 'Cpu',
      'MemoryReservation', 'DependsOn']) {
      expect(web[key]).toBeUndefined();
    }
    expect(web.Memory).toBe(512);
    expect(web.ReadonlyRootFilesystem).toBe(false);
  });

  test('dependsOn names sidecars added later: the wait is added when addSidecar adds them', () => {
    // GIVEN a web container that waits for a migration to succeed and a proxy to be healthy
    const { stack, web } = serviceStack({
      dependsOn: [
        { containerName: 'migrate', condition: ContainerStartCondition.SUCCESS },
        { containerName: 'proxy', condition: ContainerStartCondition.HEALTHY },
      ],
    });
    // WHEN the sidecars are added (in another order)
    web.addSidecar('proxy', { image: SIDECAR_IMAGE, healthCheck: { command: ['CMD', 'true'] } });
    expect(web.container.containerDependencies.map(d => d.container.containerName)).toEqual(['proxy']);
    web.addSidecar('migrate', { image: SIDECAR_IMAGE, command: ['migrate'] });
    // THEN the web container waits for both, in the order they were added
    expect(containersOf(Template.fromStack(stack)).web.DependsOn).toEqual([
      { ContainerName: 'proxy', Condition: 'HEALTHY' },
      { ContainerName: 'migrate', Condition: 'SUCCESS' },
    ]);
  });

  test('dependsOn on a container added to the task definition directly is added at synthesis', () => {
    const { stack, web } = serviceStack({ dependsOn: [{ containerName: 'agent' }] });
    web.taskDefinition.addContainer('agent', { image: SIDECAR_IMAGE, essential: false });
    expect(containersOf(Template.fromStack(stack)).web.DependsOn).toEqual([{ ContainerName: 'agent', Condition: 'START' }]);
  });

  test('fails at synthesis when dependsOn names a container the task never gets', () => {
    // GIVEN a web container waiting for "proxi", and a sidecar "proxy"
    const { stack, web } = serviceStack({ dependsOn: [{ containerName: 'proxi' }] });
    web.addSidecar('proxy', { image: SIDECAR_IMAGE });
    // THEN synthesis names the prop, the name and the containers the task has
    expect(() => Template.fromStack(stack)).toThrow(
      'FargateWebService: dependsOn received "proxi". The task has no container of this name (it has "proxy"): add it with addSidecar, or fix the name.');
  });

  test('fails at synthesis when the web container waits for a directly added essential container to complete', () => {
    const { stack, web } = serviceStack({ dependsOn: [{ containerName: 'init', condition: ContainerStartCondition.COMPLETE }] });
    web.taskDefinition.addContainer('init', { image: SIDECAR_IMAGE });
    expect(() => Template.fromStack(stack)).toThrow(/dependsOn received "init \(COMPLETE, essential\)"/);
  });

  test('fails when addSidecar adds a container the web container cannot wait for as asked', () => {
    // GIVEN waits for completion and for health
    const { web } = serviceStack({
      dependsOn: [
        { containerName: 'migrate', condition: ContainerStartCondition.SUCCESS },
        { containerName: 'proxy', condition: ContainerStartCondition.HEALTHY },
      ],
    });
    // WHEN the one to complete is essential, the one to be healthy has no health check
    const essential = errorOf(() => web.addSidecar('migrate', { image: SIDECAR_IMAGE, essential: true }));
    const unhealthy = errorOf(() => web.addSidecar('proxy', { image: SIDECAR_IMAGE }));
    // THEN addSidecar refuses each, naming the wait
    expect(essential.problems.map(p => [p.prop, p.received])).toEqual([['dependsOn', '"migrate (SUCCESS, essential)"']]);
    expect(unhealthy.problems.map(p => [p.prop, p.received])).toEqual([['dependsOn', '"proxy (HEALTHY)"']]);
    // and nothing was added
    expect(web.taskDefinition.findContainer('migrate')).toBeUndefined();
  });

  test('fails when the settings break Fargate\'s limits, naming each prop', () => {
    const error = errorOf(() => serviceStack({
      containerName: 'app',
      workingDirectory: 'srv',
      stopTimeout: Duration.seconds(300),
      capabilitiesAdd: [ecs.Capability.NET_ADMIN],
      ulimits: [{ name: ecs.UlimitName.MEMLOCK, softLimit: 1, hardLimit: 1 }],
      dependsOn: [{ containerName: 'app' }],
    }));
    expect(error.problems.map(p => p.prop)).toEqual(['workingDirectory', 'stopTimeout', 'capabilitiesAdd', 'ulimits', 'dependsOn']);
  });

  test('fails when the container-level CPU or memory does not fit in the task', () => {
    // GIVEN a task of 256 CPU units and 512 MiB
    const error = errorOf(() => serviceStack({
      cpu: 256, memoryLimitMiB: 512, containerCpu: 512, containerMemoryLimitMiB: 1024, containerMemoryReservationMiB: 4,
    }));
    expect(error.problems.map(p => [p.prop, p.received, p.fix])).toEqual([
      ['containerCpu', '512', 'Use a whole number of CPU units from 0 to the task\'s cpu (256), or raise cpu.'],
      ['containerMemoryLimitMiB', '1024', 'Use a whole number of MiB from 6 to the task\'s memoryLimitMiB (512), or raise memoryLimitMiB.'],
      ['containerMemoryReservationMiB', '4', 'Use a whole number of MiB from 6 to the task\'s memoryLimitMiB (512), or raise memoryLimitMiB.'],
    ]);
  });

  test('fails when the memory reservation exceeds the container\'s memory limit (with our error, not aws-cdk-lib\'s)', () => {
    const error = errorOf(() => serviceStack({ memoryLimitMiB: 1024, containerMemoryLimitMiB: 256, containerMemoryReservationMiB: 512 }));
    expect(error.problems.map(p => [p.prop, p.received, p.fix])).toEqual([
      ['containerMemoryReservationMiB', '512', 'The reservation must not exceed containerMemoryLimitMiB (256): lower it, or raise the limit.'],
    ]);
  });

  test('tokens: strings, numbers and a stop timeout in seconds pass end to end; a stop timeout token in minutes is refused', () => {
    // GIVEN CloudFormation parameters
    const { stack, web } = (() => {
      const s = new Stack(new App(), 'TestStack');
      const cluster = testCluster(s);
      const text = new CfnParameter(s, 'Text').valueAsString;
      const number = new CfnParameter(s, 'Number', { type: 'Number' }).valueAsNumber;
      const w = new FargateWebService(s, 'Web', {
        cluster,
        image: IMAGE,
        workingDirectory: text,
        user: text,
        entryPoint: [text],
        stopTimeout: Duration.seconds(number),
        containerCpu: number,
        containerMemoryLimitMiB: number,
        containerMemoryReservationMiB: number,
        ulimits: [{ name: ecs.UlimitName.NOFILE, softLimit: number, hardLimit: number }],
      });
      return { stack: s, web: w };
    })();
    // THEN they reach the template as references
    const container = containersOf(Template.fromStack(stack)).web;
    expect(container.WorkingDirectory).toEqual({ Ref: 'Text' });
    expect(container.StopTimeout).toEqual({ Ref: 'Number' });
    expect(container.Memory).toEqual({ Ref: 'Number' });
    expect(web.container.containerName).toBe('web');
    // and a duration token in minutes is refused with our error
    const s2 = new Stack(new App(), 'Other');
    const minutes = new CfnParameter(s2, 'Minutes', { type: 'Number' }).valueAsNumber;
    const error = errorOf(() => new FargateWebService(s2, 'Web', { cluster: testCluster(s2), image: IMAGE, stopTimeout: Duration.minutes(minutes) }));
    expect(error.problems.map(p => [p.prop, p.received])).toEqual([['stopTimeout', '"a token in minutes"']]);
  });

  test('property: container CPU and memory are accepted exactly when they fit in the task', () => {
    const sizes = fc.constantFrom([256, 512], [512, 1024], [1024, 2048]);
    const option = (max: number) => fc.option(fc.integer({ min: -1, max }), { nil: undefined });
    fc.assert(fc.property(sizes, option(1100), option(2100), option(2100), ([cpu, memory], containerCpu, limit, reservation) => {
      const valid = (containerCpu === undefined || (containerCpu >= 0 && containerCpu <= cpu))
        && (limit === undefined || (limit >= 6 && limit <= memory))
        && (reservation === undefined || (reservation >= 6 && reservation <= memory))
        && (limit === undefined || reservation === undefined || reservation <= limit);
      expectAcceptedOnlyWhen(valid, () => {
        const { stack } = serviceStack({
          cpu, memoryLimitMiB: memory, containerCpu, containerMemoryLimitMiB: limit, containerMemoryReservationMiB: reservation,
        });
        const { web } = containersOf(Template.fromStack(stack));
        expect([web.Cpu, web.Memory, web.MemoryReservation]).toEqual([containerCpu, limit, reservation]);
      });
    }), { numRuns: 25 });
  });
});
