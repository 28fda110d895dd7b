import { Duration, Lazy, Stack, Token, aws_ecs as ecs } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import {
  ContainerSettings, ContainerStartCondition, ContainerStartDependency, StartDependencyTarget,
  addScratchVolumes, addStartDependencies, checkContainerSettings, checkStartDependencyTarget, containerDefinitionSettings,
} from '../../src/core/container-settings';
import { Hardening } from '../../src/core/hardening';
import { PropValidator } from '../../src/core/validation';
import { errorOf, expectAcceptedOnlyWhen } from '../helpers/validators';

const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.36');

type CheckOptions = Parameters<typeof checkContainerSettings>[2];

/** The problems `checkContainerSettings` reports, as [prop, received, fix]. */
function problemsOf(settings: ContainerSettings, options: Partial<CheckOptions> = {}): string[][] {
  const validator = new PropValidator(new Stack(), 'Thing');
  checkContainerSettings(validator, settings, { fargate: true, containerName: 'web', ...options });
  if (!validator.hasProblems) return [];
  return errorOf(() => validator.throwIfInvalid()).problems.map(p => [p.prop, p.received, p.fix]);
}

/** The props of the problems `checkContainerSettings` reports. */
function propsOf(settings: ContainerSettings, options: Partial<CheckOptions> = {}): string[] {
  return problemsOf(settings, options).map(([prop]) => prop);
}

/** The container definitions of a Fargate task whose `web` container has the settings (plus `others`, added first). */
function renderedWith(settings: ContainerSettings, others: ecs.ContainerDefinitionOptions[] = []): any[] {
  const stack = new Stack();
  const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
  const containers = others.map(options => taskDefinition.addContainer(options.containerName!, options));
  const web = taskDefinition.addContainer('web', { image: IMAGE, ...containerDefinitionSettings(taskDefinition, 'web', settings) });
  addStartDependencies(web, settings, name => containers.find(c => c.containerName === name));
  const [task] = Object.values(Template.fromStack(stack).findResources('AWS::ECS::TaskDefinition')) as any[];
  return task.Properties.ContainerDefinitions;
}

describe('containerDefinitionSettings', () => {
  test('maps each setting to its container definition field', () => {
    // GIVEN every setting that is a container field of its own
    const [web] = renderedWith({
      command: ['serve', '--port', '8080'],
      entryPoint: ['/docker-entrypoint.sh'],
      workingDirectory: '/srv/app',
      user: '1000:1000',
      stopTimeout: Duration.seconds(45),
      ulimits: [{ name: ecs.UlimitName.NOFILE, softLimit: 4096, hardLimit: 8192 }],
    });
    // THEN each lands where ECS reads it
    expect(web).toMatchObject({
      Command: ['serve', '--port', '8080'],
      EntryPoint: ['/docker-entrypoint.sh'],
      WorkingDirectory: '/srv/app',
      User: '1000:1000',
      StopTimeout: 45,
      Ulimits: [{ Name: 'nofile', SoftLimit: 4096, HardLimit: 8192 }],
    });
    expect(web.LinuxParameters).toBeUndefined();
  });

  test('sets nothing when no setting is given: the image decides', () => {
    // WHEN the settings are empty (and the lists that add to the image's settings are empty)
    const [web] = renderedWith({ ulimits: [], capabilitiesAdd: [], capabilitiesDrop: [], dependsOn: [] });
    // THEN the container definition has none of the fields
    for (const key of ['Command', 'EntryPoint', 'WorkingDirectory', 'User', 'StopTimeout', 'Ulimits', 'LinuxParameters', 'DependsOn']) {
      expect(web[key]).toBeUndefined();
    }
  });

  test('Linux parameters: the init process and the capabilities added and dropped', () => {
    // WHEN the init process and capabilities are set
    const [web] = renderedWith({
      initProcessEnabled: true,
      capabilitiesAdd: [ecs.Capability.SYS_PTRACE],
      capabilitiesDrop: [ecs.Capability.ALL],
    });
    // THEN one LinuxParameters block holds them
    expect(web.LinuxParameters).toEqual({
      InitProcessEnabled: true,
      Capabilities: { Add: ['SYS_PTRACE'], Drop: ['ALL'] },
    });
  });

  test('Linux parameters: capabilities alone leave the init process unset', () => {
    const [web] = renderedWith({ capabilitiesDrop: [ecs.Capability.NET_RAW] });
    expect(web.LinuxParameters).toEqual({ Capabilities: { Drop: ['NET_RAW'] } });
  });

  test('creates the Linux parameters in the given scope, named after the container id', () => {
    // GIVEN a scope
    const stack = new Stack();
    // WHEN the init process is enabled for the container "api"
    const { linuxParameters } = containerDefinitionSettings(stack, 'api', { initProcessEnabled: true });
    // THEN the Linux parameters are the scope's child "apiLinuxParameters"
    expect(linuxParameters?.node.path).toBe('Default/apiLinuxParameters');
    expect(containerDefinitionSettings(stack, 'other', { initProcessEnabled: false }).linuxParameters).toBeUndefined();
  });
});

describe('addStartDependencies', () => {
  test('adds the start order in the order given, START by default', () => {
    // GIVEN two other containers
    const others = [
      { image: IMAGE, containerName: 'migrate', essential: false },
      { image: IMAGE, containerName: 'proxy', essential: false, healthCheck: { command: ['CMD', 'true'] } },
    ];
    // WHEN the web container waits for both, and for a container the task lacks
    const definitions = renderedWith({
      dependsOn: [
        { containerName: 'migrate', condition: ContainerStartCondition.SUCCESS },
        { containerName: 'proxy' },
        { containerName: 'missing' },
      ],
    }, others);
    // THEN the known ones are in DependsOn with their ECS condition; the unknown one is left to the check
    expect(definitions[2].DependsOn).toEqual([
      { ContainerName: 'migrate', Condition: 'SUCCESS' },
      { ContainerName: 'proxy', Condition: 'START' },
    ]);
  });

  test('maps each condition to the ECS condition of the same name', () => {
    for (const condition of Object.values(ContainerStartCondition)) {
      const definitions = renderedWith({ dependsOn: [{ containerName: 'other', condition }] },
        [{ image: IMAGE, containerName: 'other', essential: false }]);
      expect(definitions[1].DependsOn).toEqual([{ ContainerName: 'other', Condition: condition }]);
    }
  });
});

describe('checkContainerSettings', () => {
  test('accepts settings ECS and Fargate accept', () => {
    const settings: ContainerSettings = {
      command: ['sh', '-c', 'exec my-app'],
      entryPoint: ['/usr/bin/tini', '--'],
      workingDirectory: '/srv/my app',
      user: 'www-data:1000',
      stopTimeout: Duration.seconds(120),
      initProcessEnabled: true,
      ulimits: [{ name: ecs.UlimitName.NOFILE, softLimit: 1_048_576, hardLimit: 1_048_576 }],
      capabilitiesAdd: [ecs.Capability.SYS_PTRACE],
      capabilitiesDrop: [ecs.Capability.ALL],
      dependsOn: [{ containerName: 'proxy', condition: ContainerStartCondition.HEALTHY }],
    };
    expect(problemsOf(settings, { containerNames: ['proxy'] })).toEqual([]);
    expect(problemsOf({ stopTimeout: Duration.seconds(0) })).toEqual([]);
    for (const user of ['root', '0', '1000', 'nginx', '1000:1000', 'app:app', 'app:1000', '1000:staff']) {
      expect(problemsOf({ user })).toEqual([]);
    }
  });

  test('fails when command or entryPoint is not a list of strings; an empty list is passed on (it once was refused)', () => {
    expect(problemsOf({ command: ['run', 3 as unknown as string], entryPoint: 'sh -c' as unknown as string[] })).toEqual([
      ['command', '["run",3]', 'Give a list of strings, e.g. ["sh", "-c", "exec my-app"].'],
      ['entryPoint', '"sh -c"', 'Give a list of strings, e.g. ["sh", "-c", "exec my-app"].'],
    ]);
    expect(problemsOf({ command: [], entryPoint: [] })).toEqual([]);
    const [web] = renderedWith({ entryPoint: [] });
    expect(web.EntryPoint).toEqual([]);
  });

  test('fails when workingDirectory is a relative path', () => {
    expect(problemsOf({ workingDirectory: 'app' })).toEqual([
      ['workingDirectory', '"app"', 'Use an absolute path (Docker refuses a relative one), e.g. "/app".'],
    ]);
    // A path with spaces is absolute all the same (it once was refused).
    expect(problemsOf({ workingDirectory: '/srv/my app' })).toEqual([]);
  });

  test('fails when user is not a user or uid with an optional group or gid', () => {
    for (const user of ['', 'a b', 'app:', ':app', 'a:b:c', '-1', 'x'.repeat(33)]) {
      expect(propsOf({ user })).toEqual(['user']);
    }
  });

  test('fails when stopTimeout is not a whole number of seconds, or over 120 seconds on Fargate', () => {
    expect(problemsOf({ stopTimeout: Duration.seconds(121) })).toEqual([
      ['stopTimeout', '"2 minutes 1 second"', 'Use a whole number of seconds up to 120 (Fargate\'s maximum), e.g. Duration.seconds(30).'],
    ]);
    expect(propsOf({ stopTimeout: Duration.millis(1500) })).toEqual(['stopTimeout']);
    // On EC2, 121 seconds is fine; more than a day is not.
    expect(problemsOf({ stopTimeout: Duration.seconds(121) }, { fargate: false })).toEqual([]);
    expect(propsOf({ stopTimeout: Duration.days(2) }, { fargate: false })).toEqual(['stopTimeout']);
  });

  test('fails when Fargate would refuse a capability: only SYS_PTRACE can be added', () => {
    expect(problemsOf({ capabilitiesAdd: [ecs.Capability.SYS_PTRACE, ecs.Capability.NET_ADMIN, ecs.Capability.SYS_ADMIN] })).toEqual([
      ['capabilitiesAdd', '["NET_ADMIN","SYS_ADMIN"]', 'Fargate can only add SYS_PTRACE: remove the others, or run on EC2.'],
    ]);
    // On EC2 any capability can be added.
    expect(problemsOf({ capabilitiesAdd: [ecs.Capability.NET_ADMIN] }, { fargate: false })).toEqual([]);
  });

  test('fails when Fargate would refuse a ulimit: only NOFILE, up to 1048576', () => {
    expect(problemsOf({
      ulimits: [
        { name: ecs.UlimitName.MEMLOCK, softLimit: 1, hardLimit: 1 },
        { name: ecs.UlimitName.NOFILE, softLimit: 1024, hardLimit: 1_048_577 },
      ],
    })).toEqual([
      ['ulimits', '"memlock"', 'Fargate can only change the NOFILE ulimit: remove the others, or run on EC2.'],
      ['ulimits', '"NOFILE 1048577"', 'Fargate allows a NOFILE limit of at most 1048576.'],
    ]);
    expect(problemsOf({ ulimits: [{ name: ecs.UlimitName.MEMLOCK, softLimit: 1, hardLimit: 1 }] }, { fargate: false })).toEqual([]);
  });

  test('fails when a ulimit\'s soft limit exceeds its hard limit, or a limit is not a whole number of 0 or more', () => {
    expect(problemsOf({ ulimits: [{ name: ecs.UlimitName.NOFILE, softLimit: 2048, hardLimit: 1024 }] })).toEqual([
      ['ulimits', '"nofile 2048/1024"', 'The soft limit must not exceed the hard limit: lower softLimit or raise hardLimit.'],
    ]);
    expect(problemsOf({ ulimits: [{ name: ecs.UlimitName.CORE, softLimit: -1, hardLimit: 0.5 }] }, { fargate: false })).toEqual([
      ['ulimits', '"core -1/0.5"', 'Use whole numbers, 0 or more, for softLimit and hardLimit.'],
    ]);
  });

  test('fails when dependsOn names the container itself, a container the task lacks, or one container twice', () => {
    const problems = problemsOf({
      dependsOn: [{ containerName: 'web' }, { containerName: 'proxi' }, { containerName: 'proxy' }, { containerName: 'proxy' }],
    }, { containerNames: ['proxy', 'log-router'] });
    expect(problems).toEqual([
      ['dependsOn', '"web"', 'A container cannot wait for itself: name another container of the task.'],
      ['dependsOn', '"proxi"', 'The task has no container of this name (it has "proxy", "log-router"): add it first (e.g. with addSidecar), or fix the name.'],
      ['dependsOn', '"proxy"', 'Name each container once, with the one condition it must reach.'],
    ]);
    // Unknown names are not reported while the other containers are not known yet.
    expect(problemsOf({ dependsOn: [{ containerName: 'later' }] })).toEqual([]);
    expect(problemsOf({ dependsOn: [{ containerName: 'x' }] }, { containerNames: [] })[0][2]).toContain('(it has no other)');
  });

  test('names props under the prefix', () => {
    expect(propsOf({ user: 'a b', workingDirectory: 'x' }, { prefix: 'containers.api' }))
      .toEqual(['containers.api.workingDirectory', 'containers.api.user']);
  });

  test('skips values that are unresolved tokens', () => {
    const seconds = Token.asNumber(Lazy.number({ produce: () => 10 }));
    expect(problemsOf({
      command: Token.asList(Lazy.list({ produce: () => [] })),
      entryPoint: ['sh', Lazy.string({ produce: () => '' })],
      workingDirectory: Lazy.string({ produce: () => 'x' }),
      user: Lazy.string({ produce: () => '' }),
      stopTimeout: Duration.seconds(seconds),
      ulimits: [{ name: ecs.UlimitName.NOFILE, softLimit: seconds, hardLimit: Token.asNumber(Lazy.number({ produce: () => 1 })) }],
    })).toEqual([]);
  });

  test('fails when stopTimeout is a token in another unit than seconds (it cannot be converted before deployment)', () => {
    const minutes = Token.asNumber(Lazy.number({ produce: () => 1 }));
    expect(problemsOf({ stopTimeout: Duration.minutes(minutes) })).toEqual([
      ['stopTimeout', '"a token in minutes"', 'A duration from a token (e.g. a parameter) must be given in seconds, e.g. Duration.seconds(param.valueAsNumber).'],
    ]);
  });

  test('property: every setting is accepted exactly when ECS (and Fargate) accept it, never with another error', () => {
    const ulimitName = fc.constantFrom(...Object.values(ecs.UlimitName));
    const limit = fc.oneof(fc.integer({ min: -2, max: 2_000_000 }), fc.constant(0.5));
    const arbitrary = fc.record({
      fargate: fc.boolean(),
      stopTimeoutSeconds: fc.option(fc.oneof(fc.integer({ min: 0, max: 200 }), fc.constant(1.5)), { nil: undefined }),
      workingDirectory: fc.option(fc.constantFrom('/app', 'app', '/my app', '/', ''), { nil: undefined }),
      ulimits: fc.array(fc.record({ name: ulimitName, softLimit: limit, hardLimit: limit }), { maxLength: 2 }),
      capabilitiesAdd: fc.subarray([ecs.Capability.SYS_PTRACE, ecs.Capability.NET_ADMIN]),
      dependsOn: fc.array(fc.record({
        containerName: fc.constantFrom('web', 'proxy', 'missing'),
        condition: fc.constantFrom(...Object.values(ContainerStartCondition)),
      }), { maxLength: 2 }),
    });
    fc.assert(fc.property(arbitrary, input => {
      const settings: ContainerSettings = {
        stopTimeout: input.stopTimeoutSeconds === undefined ? undefined : Duration.millis(input.stopTimeoutSeconds * 1000),
        workingDirectory: input.workingDirectory,
        ulimits: input.ulimits,
        capabilitiesAdd: input.capabilitiesAdd,
        dependsOn: input.dependsOn,
      };
      const s = input.stopTimeoutSeconds;
      const names = input.dependsOn.map(d => d.containerName);
      const valid = (s === undefined || (Number.isInteger(s) && s <= (input.fargate ? 120 : 86_400)))
        && (input.workingDirectory === undefined || input.workingDirectory.startsWith('/'))
        && input.ulimits.every(u => Number.isInteger(u.softLimit) && Number.isInteger(u.hardLimit) && u.softLimit >= 0 && u.hardLimit >= 0
          && u.softLimit <= u.hardLimit && (!input.fargate || (u.name === ecs.UlimitName.NOFILE && u.hardLimit <= 1_048_576)))
        && (!input.fargate || input.capabilitiesAdd.every(c => c === ecs.Capability.SYS_PTRACE))
        && names.every(n => n === 'proxy') && new Set(names).size === names.length;
      expectAcceptedOnlyWhen(valid, () => {
        // The check, then the mapping onto a real container (which must not throw for accepted settings).
        const stack = new Stack();
        const validator = new PropValidator(stack, 'Thing');
        checkContainerSettings(validator, settings, { fargate: input.fargate, containerName: 'web', containerNames: ['proxy'] });
        validator.throwIfInvalid();
        const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
        const proxy = taskDefinition.addContainer('proxy', { image: IMAGE, healthCheck: { command: ['CMD', 'true'] }, essential: false });
        const web = taskDefinition.addContainer('web', { image: IMAGE, ...containerDefinitionSettings(taskDefinition, 'web', settings) });
        addStartDependencies(web, settings, name => (name === 'proxy' ? proxy : undefined));
        Template.fromStack(stack);
      });
    }), { numRuns: 60 });
  });
});

describe('checkStartDependencyTarget', () => {
  function targetProblems(dependency: ContainerStartDependency, target: StartDependencyTarget): string[][] {
    const validator = new PropValidator(new Stack(), 'Thing');
    checkStartDependencyTarget(validator, 'dependsOn', dependency, target);
    if (!validator.hasProblems) return [];
    return errorOf(() => validator.throwIfInvalid()).problems.map(p => [p.prop, p.received, p.fix]);
  }

  test('fails when a container waited for to complete is essential', () => {
    for (const condition of [ContainerStartCondition.COMPLETE, ContainerStartCondition.SUCCESS]) {
      expect(targetProblems({ containerName: 'migrate', condition }, { essential: true })).toEqual([[
        'dependsOn', `"migrate (${condition}, essential)"`,
        'A container waited for to complete must not be essential (the task stops when an essential container exits): ' +
        'make that container non-essential, or wait for START or HEALTHY.',
      ]]);
      expect(targetProblems({ containerName: 'migrate', condition }, { essential: false })).toEqual([]);
    }
  });

  test('fails when a container waited for to be healthy has no health check', () => {
    expect(targetProblems({ containerName: 'proxy', condition: ContainerStartCondition.HEALTHY }, { essential: true, hasHealthCheck: false }))
      .toEqual([['dependsOn', '"proxy (HEALTHY)"', 'That container has no health check, so it never becomes healthy: give it a healthCheck, or wait for START.']]);
    // Unknown health check: not reported.
    expect(targetProblems({ containerName: 'proxy', condition: ContainerStartCondition.HEALTHY }, { essential: true })).toEqual([]);
    // START waits for neither.
    expect(targetProblems({ containerName: 'proxy' }, { essential: true, hasHealthCheck: false })).toEqual([]);
  });
});

describe('read-only root file system and scratch volumes', () => {
  function taskWith(settings: ContainerSettings, hardened = false) {
    const stack = new Stack();
    if (hardened) Hardening.enable(stack);
    const task = new ecs.FargateTaskDefinition(stack, 'Task');
    const container = task.addContainer('web', { image: IMAGE, ...containerDefinitionSettings(stack, 'web', settings) });
    addScratchVolumes(stack, container, settings);
    return { stack, task, container };
  }

  test('the default profile keeps the image\'s user and a writable root, with no scratch volume', () => {
    const { stack } = taskWith({});
    const [container] = Object.values(Template.fromStack(stack).findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions;
    expect(container.User).toBeUndefined();
    expect(container.ReadonlyRootFilesystem).toBeUndefined();
    expect(container.MountPoints).toBeUndefined();
  });

  test('the hardened profile runs as 1000:1000 with a read-only root and a writable /tmp; the settings win', () => {
    const hardened = Template.fromStack(taskWith({}, true).stack);
    hardened.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [{ User: '1000:1000', ReadonlyRootFilesystem: true, MountPoints: [{ ContainerPath: '/tmp', SourceVolume: 'web-scratch-1', ReadOnly: false }] }],
      Volumes: [{ Name: 'web-scratch-1' }],
    });
    const chosen = Template.fromStack(taskWith({ user: 'nginx', readonlyRootFilesystem: false }, true).stack);
    chosen.hasResourceProperties('AWS::ECS::TaskDefinition', { ContainerDefinitions: [{ User: 'nginx', ReadonlyRootFilesystem: false }] });
    const definitions = Object.values(chosen.findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions;
    expect(definitions[0].MountPoints).toBeUndefined();
  });

  test('adding the scratch volumes twice, or over a path already mounted, mounts each path once', () => {
    const settings = { scratchVolumes: ['/tmp', '/var/cache/app'] };
    const { stack, container } = taskWith(settings);
    addScratchVolumes(stack, container, settings);
    const definitions = Object.values(Template.fromStack(stack).findResources('AWS::ECS::TaskDefinition'))[0].Properties;
    expect(definitions.ContainerDefinitions[0].MountPoints.map((m: any) => m.ContainerPath)).toEqual(['/tmp', '/var/cache/app']);
    expect(definitions.Volumes.map((v: any) => v.Name)).toEqual(['web-scratch-1', 'web-scratch-2']);
  });

  test('fails when a scratch path is relative, the root, or repeated', () => {
    expect(problemsOf({ scratchVolumes: ['tmp', '/', '/a', '/a'] }).map(([prop, received]) => [prop, received])).toEqual([
      ['scratchVolumes', '["tmp","/"]'],
      ['scratchVolumes', '["/a"]'],
    ]);
  });
});
