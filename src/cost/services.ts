/**
 * Readers of the ECS services of a template for the cost estimate: where a
 * service's tasks run (Fargate, or which Auto Scaling groups), how many it keeps
 * running at least, and how big each task is. Like every reader of the estimate,
 * none of them throws: what is not a literal is reported as a note.
 */
import { arrayOf, numberOf, objectOf, pathOf, propertyOf, refOf, resourceOf, shown, stringOf, unknownNote } from './template-values';

/** Whether a service's tasks run on Fargate; undefined when the template does not say, with the reason. */
export function runsOnFargate(props: Record<string, unknown>, resources: Record<string, unknown>):
{ fargate?: boolean; unknown?: [string, unknown]; clusterDefault?: boolean } {
  const launchType = propertyOf(props, 'LaunchType');
  if (launchType === 'FARGATE') return { fargate: true };
  if (launchType !== undefined) return stringOf(launchType) === undefined ? { unknown: ['LaunchType', launchType] } : { fargate: false };
  const strategy = capacityProviderStrategyOf(props, resources);
  if (strategy === undefined) return { clusterDefault: true };
  const entries = arrayOf(strategy);
  if (entries === undefined) return { unknown: ['CapacityProviderStrategy', strategy] };
  if (entries.some(entry => isFargateProvider(propertyOf(entry, 'CapacityProvider')))) return { fargate: true };
  // A reference to a capacity provider of the template is an EC2 one; anything else might be FARGATE.
  const unknown = entries.find(entry => {
    const provider = propertyOf(entry, 'CapacityProvider');
    return stringOf(provider) === undefined && resourceOf(provider, resources) === undefined;
  });
  if (entries.length === 0 || unknown !== undefined) {
    return { unknown: ['CapacityProviderStrategy', entries.length === 0 ? strategy : unknown] };
  }
  return { fargate: false };
}

/**
 * A service's CapacityProviderStrategy (any JSON value) or, when it sets
 * neither that nor a LaunchType, the non-empty DefaultCapacityProviderStrategy
 * of its cluster's capacity provider associations in the template; else undefined.
 */
export function capacityProviderStrategyOf(props: Record<string, unknown>, resources: Record<string, unknown>): unknown {
  const own = propertyOf(props, 'CapacityProviderStrategy');
  if (own !== undefined || propertyOf(props, 'LaunchType') !== undefined) return own;
  const clusterId = refOf(propertyOf(props, 'Cluster'));
  if (clusterId === undefined) return undefined;
  for (const resource of Object.values(resources)) {
    if (propertyOf(resource, 'Type') !== 'AWS::ECS::ClusterCapacityProviderAssociations') continue;
    if (refOf(pathOf(resource, 'Properties', 'Cluster')) !== clusterId) continue;
    const strategy = arrayOf(pathOf(resource, 'Properties', 'DefaultCapacityProviderStrategy'));
    if (strategy !== undefined && strategy.length > 0) return strategy;
  }
  return undefined;
}

function isFargateProvider(provider: unknown): boolean {
  return provider === 'FARGATE' || provider === 'FARGATE_SPOT';
}

/**
 * The number of tasks a service keeps running at least: the MinCapacity of the
 * scalable target that scales it when there is one (it scales in to that
 * whatever its DesiredCount), else its DesiredCount, else 1 (CloudFormation's
 * default). `tasks` is undefined when that value is not a literal; `source` and
 * `value` say which value it was.
 */
export function minimumTaskCount(logicalId: string, props: Record<string, unknown>, resources: Record<string, unknown>):
{ tasks?: number; source: string; value: unknown } {
  const minCapacity = minCapacityOf(logicalId, resources);
  const desiredCount = propertyOf(props, 'DesiredCount');
  const [source, value] = minCapacity !== undefined ? ['the MinCapacity of its scalable target', minCapacity]
    : desiredCount !== undefined ? ['DesiredCount', desiredCount] : ['DesiredCount', 1];
  return { tasks: numberOf(value), source, value };
}

/** The MinCapacity (any JSON value; null when missing) of the scalable target of a service, when one targets it. */
function minCapacityOf(serviceLogicalId: string, resources: Record<string, unknown>): unknown {
  for (const resource of Object.values(resources)) {
    if (propertyOf(resource, 'Type') !== 'AWS::ApplicationAutoScaling::ScalableTarget') continue;
    if ((JSON.stringify(pathOf(resource, 'Properties', 'ResourceId')) ?? '').includes(`"${serviceLogicalId}"`)) {
      return pathOf(resource, 'Properties', 'MinCapacity') ?? null;
    }
  }
  return undefined;
}

/**
 * A task definition's Cpu in vCPU or Memory in GB: CPU units or MiB as a number
 * (`256`, `"512"`), or the `"1 vCPU"` / `"2 GB"` form CloudFormation also accepts.
 */
export function taskSize(value: unknown, unit: 'vcpu' | 'gb'): number | undefined {
  const units = numberOf(value);
  if (units !== undefined) return units > 0 ? units / 1024 : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(vcpu|gb)\s*$/i.exec(stringOf(value) ?? '');
  return match && match[2].toLowerCase() === unit && Number(match[1]) > 0 ? Number(match[1]) : undefined;
}

/** What the minimum tasks of one service place on one Auto Scaling group. */
export interface TaskDemand {
  /** Logical id of the service. */
  readonly service: string;
  /** Tasks placed on the group; 1 for a daemon service (one on every instance). */
  readonly tasks: number;
  /** CPU units reserved by one task. */
  readonly cpuUnits: number;
  /** MiB reserved by one task. */
  readonly memoryMiB: number;
  /** Static host ports of one task (`80/tcp`): two tasks binding one cannot share an instance. */
  readonly hostPorts: string[];
  /** A `distinctInstance` placement constraint: one task of the service per instance. */
  readonly distinctInstance: boolean;
  /** A DAEMON service: one task on every instance, which leaves less to the others. */
  readonly daemon: boolean;
}

/** What the EC2 services of a template place on its Auto Scaling groups. */
export interface Ec2TaskDemands {
  /** By the logical id of the Auto Scaling group. */
  readonly byGroup: Map<string, TaskDemand[]>;
  /** What could not be counted, by the logical id of the service. */
  readonly notes: Map<string, string[]>;
}

/**
 * The tasks that the EC2 services of a template keep running at least, by the
 * Auto Scaling group they are placed on: the groups behind the capacity providers
 * of the service's strategy (tasks apportioned by Base, then Weight, as ECS
 * does), or, with LaunchType EC2, the group of its cluster (the first one when
 * there are several, with a note).
 */
export function ec2TaskDemands(resources: Record<string, unknown>): Ec2TaskDemands {
  const byGroup = new Map<string, TaskDemand[]>();
  const notes = new Map<string, string[]>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (propertyOf(resource, 'Type') !== 'AWS::ECS::Service') continue;
    const props = objectOf(propertyOf(resource, 'Properties'));
    if (props === undefined) continue;
    const serviceNotes: string[] = [];
    for (const [group, demand] of serviceDemands(logicalId, props, resources, serviceNotes)) {
      byGroup.set(group, [...byGroup.get(group) ?? [], demand]);
    }
    if (serviceNotes.length > 0) notes.set(logicalId, serviceNotes);
  }
  return { byGroup, notes };
}

const NOT_COUNTED = 'the instances its tasks need are not counted';

function serviceDemands(logicalId: string, props: Record<string, unknown>, resources: Record<string, unknown>, notes: string[]):
[string, TaskDemand][] {
  // Fargate, unknown or the cluster's default strategy: the estimate prices or notes those itself.
  if (runsOnFargate(props, resources).fargate !== false) return [];
  const launchType = propertyOf(props, 'LaunchType');
  // EXTERNAL: the user's own servers.
  if (launchType !== undefined && launchType !== 'EC2') return [];
  const daemon = propertyOf(props, 'SchedulingStrategy') === 'DAEMON';
  let tasks = 1;
  if (!daemon) {
    const count = minimumTaskCount(logicalId, props, resources);
    if (count.tasks === undefined) {
      notes.push(unknownNote(logicalId, count.source, count.value, NOT_COUNTED));
      return [];
    }
    if (count.tasks <= 0) return [];
    tasks = count.tasks;
  }
  const size = taskSizeOf(logicalId, props, resources, notes);
  if (size === undefined) return [];
  const placed = launchType === 'EC2'
    ? onClusterInstances(logicalId, propertyOf(props, 'Cluster'), tasks, daemon, resources, notes)
    : apportioned(logicalId, arrayOf(capacityProviderStrategyOf(props, resources)) ?? [], tasks, daemon, resources, notes);
  const distinctInstance = (arrayOf(propertyOf(props, 'PlacementConstraints')) ?? [])
    .some(constraint => propertyOf(constraint, 'Type') === 'distinctInstance');
  return placed.map(([group, count]) => [group, { service: logicalId, tasks: count, ...size, distinctInstance, daemon }]);
}

/** LaunchType EC2: the tasks go to the instances of the service's cluster. */
function onClusterInstances(logicalId: string, cluster: unknown, tasks: number, daemon: boolean, resources: Record<string, unknown>, notes: string[]):
[string, number][] {
  const groups = clusterGroups(cluster, resources);
  if (groups.length === 0) {
    notes.push(`${logicalId}: its tasks run on the EC2 instances of its cluster${cluster === undefined ? '' : ` (${shown(cluster)})`}, which no Auto Scaling group ` +
      `of this template provides: ${NOT_COUNTED}.`);
    return [];
  }
  if (daemon) return groups.map(group => [group, 1]);
  if (groups.length > 1) {
    notes.push(`${logicalId}: its cluster has ${groups.length} Auto Scaling groups: its tasks are counted on the first, ${groups[0]}.`);
  }
  return [[groups[0], tasks]];
}

/**
 * A strategy's tasks by Auto Scaling group: each provider's Base first, in
 * order, then the rest in proportion to the weights (rounded so that they add up).
 */
function apportioned(logicalId: string, entries: unknown[], tasks: number, daemon: boolean, resources: Record<string, unknown>, notes: string[]):
[string, number][] {
  const parsed: { provider: unknown; weight: number; base: number }[] = [];
  for (const entry of entries) {
    const provider = propertyOf(entry, 'CapacityProvider');
    const [weightValue, baseValue] = [propertyOf(entry, 'Weight'), propertyOf(entry, 'Base')];
    const weight = weightValue === undefined ? 0 : numberOf(weightValue);
    const base = baseValue === undefined ? 0 : numberOf(baseValue);
    if (weight === undefined || base === undefined) {
      notes.push(unknownNote(logicalId, `the ${weight === undefined ? 'Weight' : 'Base'} of its capacity provider ${shown(provider)}`,
        weight === undefined ? weightValue : baseValue, NOT_COUNTED));
      return [];
    }
    parsed.push({ provider, weight: Math.max(0, weight), base: Math.max(0, base) });
  }
  const counts = parsed.map(() => (daemon ? 1 : 0));
  if (!daemon) {
    let remaining = tasks;
    parsed.forEach((entry, i) => {
      const base = Math.min(entry.base, remaining);
      counts[i] += base;
      remaining -= base;
    });
    const totalWeight = parsed.reduce((sum, entry) => sum + entry.weight, 0);
    if (remaining > 0 && totalWeight <= 0) {
      notes.push(`${logicalId}: no capacity provider of its strategy has a Weight above 0, so ECS cannot place ${remaining} of its tasks: ` +
        'they are not counted.');
    } else if (remaining > 0) {
      let weightSoFar = 0;
      let placedSoFar = 0;
      parsed.forEach((entry, i) => {
        weightSoFar += entry.weight;
        const placed = Math.round(remaining * weightSoFar / totalWeight);
        counts[i] += placed - placedSoFar;
        placedSoFar = placed;
      });
    }
  }
  const placed: [string, number][] = [];
  parsed.forEach((entry, i) => {
    if (counts[i] <= 0) return;
    const group = groupOfProvider(entry.provider, resources);
    if (group === undefined) {
      notes.push(`${logicalId}: ${daemon ? 'the tasks' : `${counts[i]} of its tasks`} placed by capacity provider ${shown(entry.provider)} ` +
        'run on an Auto Scaling group that is not in this template: the instances they need are not counted.');
    } else {
      placed.push([group, counts[i]]);
    }
  });
  return placed;
}

/** The logical id of the Auto Scaling group behind a reference to a capacity provider of the template. */
function groupOfProvider(provider: unknown, resources: Record<string, unknown>): string | undefined {
  const resource = resourceOf(provider, resources);
  if (propertyOf(resource, 'Type') !== 'AWS::ECS::CapacityProvider') return undefined;
  const group = refOf(pathOf(resource, 'Properties', 'AutoScalingGroupProvider', 'AutoScalingGroupArn'));
  return propertyOf(resourceOf({ Ref: group }, resources), 'Type') === 'AWS::AutoScaling::AutoScalingGroup' ? group : undefined;
}

/**
 * The Auto Scaling groups whose instances join a cluster of the template: those
 * of its capacity providers, then those whose launch template's user data names
 * the cluster (`ECS_CLUSTER=`, an Auto Scaling group added without a capacity provider).
 */
function clusterGroups(cluster: unknown, resources: Record<string, unknown>): string[] {
  const clusterId = refOf(cluster);
  if (clusterId === undefined) return [];
  const groups: string[] = [];
  const add = (group: string | undefined) => {
    if (group !== undefined && !groups.includes(group)) groups.push(group);
  };
  for (const resource of Object.values(resources)) {
    if (propertyOf(resource, 'Type') !== 'AWS::ECS::ClusterCapacityProviderAssociations') continue;
    if (refOf(pathOf(resource, 'Properties', 'Cluster')) !== clusterId) continue;
    (arrayOf(pathOf(resource, 'Properties', 'CapacityProviders')) ?? []).forEach(provider => add(groupOfProvider(provider, resources)));
  }
  const clusterRef = JSON.stringify({ Ref: clusterId });
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (propertyOf(resource, 'Type') !== 'AWS::AutoScaling::AutoScalingGroup') continue;
    const userData = JSON.stringify(pathOf(launchTemplateOf(objectOf(propertyOf(resource, 'Properties')) ?? {}, resources),
      'Properties', 'LaunchTemplateData', 'UserData')) ?? '';
    if (userData.includes(clusterRef)) add(logicalId);
  }
  return groups;
}

/** The launch template resource of an Auto Scaling group (in its mixed instances policy or not), or undefined. */
export function launchTemplateOf(groupProps: Record<string, unknown>, resources: Record<string, unknown>): Record<string, unknown> | undefined {
  const mixed = propertyOf(groupProps, 'MixedInstancesPolicy');
  return resourceOf(mixed !== undefined
    ? pathOf(mixed, 'LaunchTemplate', 'LaunchTemplateSpecification', 'LaunchTemplateId')
    : pathOf(groupProps, 'LaunchTemplate', 'LaunchTemplateId'), resources);
}

/**
 * What one task of a service reserves on an instance: the task definition's
 * Cpu and Memory when set, else the sum over its containers of Cpu (0 when
 * unset, as ECS reserves) and MemoryReservation, or Memory when that is unset;
 * and its static host ports (any port in `host` network mode; a HostPort above 0
 * in `bridge` mode, the default).
 */
function taskSizeOf(logicalId: string, props: Record<string, unknown>, resources: Record<string, unknown>, notes: string[]):
{ cpuUnits: number; memoryMiB: number; hostPorts: string[] } | undefined {
  const reference = propertyOf(props, 'TaskDefinition');
  const taskDefinition = objectOf(propertyOf(resourceOf(reference, resources), 'Properties'));
  if (taskDefinition === undefined) {
    notes.push(unknownNote(logicalId, 'its task definition', reference, `not in this template, so ${NOT_COUNTED}`));
    return undefined;
  }
  const containers = (arrayOf(propertyOf(taskDefinition, 'ContainerDefinitions')) ?? []).map(container => objectOf(container) ?? {});
  const sizeOf = (taskLevel: 'Cpu' | 'Memory', unit: 'vcpu' | 'gb', containerLevel: (container: Record<string, unknown>) => [string, unknown]) => {
    const value = propertyOf(taskDefinition, taskLevel);
    if (value !== undefined) {
      const size = taskSize(value, unit);
      if (size === undefined) notes.push(unknownNote(logicalId, `the ${taskLevel} of its task definition`, value, NOT_COUNTED));
      return size === undefined ? undefined : size * 1024;
    }
    let sum = 0;
    for (const [index, container] of containers.entries()) {
      const [what, containerValue] = containerLevel(container);
      const name = stringOf(propertyOf(container, 'Name'));
      const size = containerValue === undefined && taskLevel === 'Cpu' ? 0 : numberOf(containerValue);
      if (size === undefined || size < 0) {
        notes.push(unknownNote(logicalId, `the ${what} of its container ${name === undefined ? `#${index + 1}` : shown(name)}`, containerValue, NOT_COUNTED));
        return undefined;
      }
      sum += size;
    }
    return sum;
  };
  const cpuUnits = sizeOf('Cpu', 'vcpu', container => ['Cpu', propertyOf(container, 'Cpu')]);
  if (cpuUnits === undefined) return undefined;
  const memoryMiB = sizeOf('Memory', 'gb', container => propertyOf(container, 'MemoryReservation') !== undefined
    ? ['MemoryReservation', propertyOf(container, 'MemoryReservation')] : ['Memory', propertyOf(container, 'Memory')]);
  if (memoryMiB === undefined) return undefined;

  const networkMode = propertyOf(taskDefinition, 'NetworkMode') ?? 'bridge';
  const hostPorts: string[] = [];
  for (const container of containers) {
    for (const mapping of arrayOf(propertyOf(container, 'PortMappings')) ?? []) {
      const port = numberOf(propertyOf(mapping, networkMode === 'host' ? 'ContainerPort' : 'HostPort'));
      const protocol = stringOf(propertyOf(mapping, 'Protocol')) ?? 'tcp';
      if ((networkMode === 'host' || networkMode === 'bridge') && port !== undefined && port > 0) hostPorts.push(`${port}/${protocol}`);
    }
  }
  return { cpuUnits, memoryMiB, hostPorts };
}
