/**
 * The price of an EC2 Auto Scaling group: its MinSize, or more when the
 * minimum tasks of the services placed on it need more instances.
 */
import type { CostLineItem } from './estimate';
import { EC2_INSTANCE_TYPES, Ec2InstanceType, PRICE, monthlyUsd } from './prices';
import { TaskDemand, launchTemplateOf } from './services';
import { arrayOf, lookup, numberOf, pathOf, propertyOf, resourceOf, stringOf, unknownNote } from './template-values';

/** The `basis` of a line whose count of instances is derived from the tasks they must hold. */
export const INSTANCES_FOR_MINIMUM_TASKS = 'instances for minimum tasks';

/**
 * The share of an instance's memory that ECS does not offer to tasks: the
 * kernel's and the OS's (an m4.large registers 7,985 of its 8,192 MiB, about
 * 2.5%), plus room for the ECS agent, Docker and other system processes (AWS
 * recommends keeping 5% free for them).
 */
export const UNAVAILABLE_MEMORY_SHARE = 0.05;

/**
 * Prices the instances of an Auto Scaling group kept running whatever the load:
 * the more of its MinSize and of the instances the minimum tasks of the
 * services placed on it need (`instancesNeeded`); the latter line has
 * `basis: INSTANCES_FOR_MINIMUM_TASKS`. A mixed instances policy is priced on
 * its first instance type (the one ECS's capacity provider and the group's
 * default prioritized allocation try first), and the line says so.
 */
export function priceAutoScalingGroup(
  logicalId: string, props: Record<string, unknown>, resources: Record<string, unknown>, demands: TaskDemand[],
  items: CostLineItem[], notes: string[],
): void {
  const services = [...new Set(demands.filter(d => !d.daemon).map(d => d.service))];
  const forTasks = services.length > 0 ? `, nor the instances the minimum tasks of ${services.join(', ')} need` : '';
  const minSize = propertyOf(props, 'MinSize');
  const min = minSize === undefined ? 0 : numberOf(minSize);
  if (min === undefined) {
    notes.push(unknownNote(logicalId, 'MinSize', minSize, `its instances are not priced${forTasks ? ` (${forTasks.slice(2)})` : ''}`));
    return;
  }
  if (min <= 0 && services.length === 0) return;
  const mixed = propertyOf(props, 'MixedInstancesPolicy');
  const overrides = arrayOf(pathOf(mixed, 'LaunchTemplate', 'Overrides')) ?? [];
  const launchTemplate = launchTemplateOf(props, resources);
  const instanceTypeValue = (mixed !== undefined ? pathOf(overrides[0], 'InstanceType') : undefined)
    ?? pathOf(launchTemplate, 'Properties', 'LaunchTemplateData', 'InstanceType')
    ?? pathOf(resourceOf(propertyOf(props, 'LaunchConfigurationName'), resources), 'Properties', 'InstanceType')
    ?? propertyOf(props, 'InstanceType');
  const instanceType = stringOf(instanceTypeValue);
  if (instanceTypeValue !== undefined && instanceType === undefined) {
    notes.push(unknownNote(logicalId, 'the instance type', instanceTypeValue, `its ${min} instance(s) are not priced${forTasks}`));
    return;
  }
  const size = lookup(EC2_INSTANCE_TYPES, instanceType);
  if (size === undefined) {
    notes.push(services.length === 0
      ? `${logicalId}: ${min} instance(s) of ${instanceType ?? 'an unknown type'} not priced (not in the price table).`
      : `${logicalId}: ${instanceType ?? 'its instance type'} is not in the price table: its MinSize of ${min} and the instances the minimum ` +
        `tasks of ${services.join(', ')} need are not priced.`);
    return;
  }
  const distribution = pathOf(mixed, 'InstancesDistribution');
  const baseCapacity = propertyOf(distribution, 'OnDemandBaseCapacity');
  const spot = numberOf(propertyOf(distribution, 'OnDemandPercentageAboveBaseCapacity')) === 0
    && (baseCapacity === undefined ? 0 : numberOf(baseCapacity)) === 0;
  const firstOf = overrides.length > 1 && mixed !== undefined ? `, the first of ${overrides.length} types of its mixed instances policy` : '';

  const reservedMiB = Number(/ECS_RESERVED_MEMORY=(\d{1,9})(?!\d)/.exec(JSON.stringify(pathOf(launchTemplate, 'Properties', 'LaunchTemplateData', 'UserData')) ?? '')?.[1] ?? 0);
  const need = instancesNeeded(demands, size, reservedMiB);
  for (const refused of need.unplaceable) {
    notes.push(`${logicalId}: a task of ${refused.service} reserves ${refused.cpuUnits} CPU units / ${refused.memoryMiB} MiB, more than ` +
      `one ${instanceType} offers it (${need.perInstance}): ECS cannot place it, so the instances its tasks need are not counted.`);
  }
  const count = Math.max(min, need.instances);
  if (count <= 0) return;
  const derived = need.instances > min;
  items.push({
    logicalId,
    resourceType: 'AWS::AutoScaling::AutoScalingGroup',
    description: derived
      ? `${count} × ${instanceType} (${INSTANCES_FOR_MINIMUM_TASKS}: ${need.explanation}; MinSize ${min}${spot ? ', On-Demand price' : ''}${firstOf})`
      : `${min} × ${instanceType} (minimum capacity${spot ? ', On-Demand price' : ''}${firstOf})`,
    monthlyUsd: monthlyUsd(count * size.hourUsd),
    ...derived ? { basis: INSTANCES_FOR_MINIMUM_TASKS } : {},
  });
  priceDetailedMonitoring(logicalId, launchTemplate, count, derived, items, notes);
  if (spot) notes.push(`${logicalId} runs on Spot: expect ${PRICE.spotDiscountRange} less than the On-Demand price shown.`);
}

/**
 * EC2 detailed monitoring, when the group's launch template turns it on
 * (`Monitoring.Enabled`): 7 metrics per instance at the custom-metric price, for
 * the instances the group's line counts (with its `basis` when that count is derived).
 */
function priceDetailedMonitoring(
  logicalId: string, launchTemplate: Record<string, unknown> | undefined, instances: number, derived: boolean,
  items: CostLineItem[], notes: string[],
): void {
  const enabled = pathOf(launchTemplate, 'Properties', 'LaunchTemplateData', 'Monitoring', 'Enabled');
  const perInstance = PRICE.detailedMonitoringMetricsPerInstance * PRICE.customMetricMonth;
  const monthly = Math.round(instances * perInstance * 100) / 100;
  if (enabled === true || enabled === 'true') {
    items.push({
      logicalId,
      resourceType: 'AWS::AutoScaling::AutoScalingGroup',
      description: `EC2 detailed monitoring of ${instances} instance(s) (${PRICE.detailedMonitoringMetricsPerInstance} metrics × ` +
        `$${PRICE.customMetricMonth.toFixed(2)} each${derived ? `, ${INSTANCES_FOR_MINIMUM_TASKS}` : ''})`,
      monthlyUsd: monthly,
      ...derived ? { basis: INSTANCES_FOR_MINIMUM_TASKS } : {},
    });
  } else if (enabled !== undefined && enabled !== false && enabled !== 'false') {
    notes.push(unknownNote(logicalId, 'the detailed monitoring of its launch template', enabled,
      `if it is on, it adds $${monthly.toFixed(2)} a month`));
  }
}

/**
 * The fewest instances of one type that can hold the minimum tasks placed on
 * them — a lower bound, as ECS's placement may need more: the most of
 * - their total CPU units over the instance's (1,024 per vCPU),
 * - their total memory over the instance's, less `UNAVAILABLE_MEMORY_SHARE`
 *   and the ECS_RESERVED_MEMORY its user data sets,
 * - for each static host port, the tasks that bind it (one per instance),
 * - the tasks of a service with a distinctInstance constraint (one per instance);
 * daemon tasks run on every instance, so what they reserve is taken from each.
 * Tasks larger than one instance are `unplaceable` and left out.
 */
export function instancesNeeded(demands: TaskDemand[], size: Ec2InstanceType, reservedMiB: number):
{ instances: number; explanation: string; perInstance: string; unplaceable: TaskDemand[] } {
  const daemons = demands.filter(d => d.daemon);
  const cpuPerInstance = size.vcpu * 1024 - daemons.reduce((sum, d) => sum + d.cpuUnits, 0);
  const memoryPerInstance = Math.floor(size.memoryGiB * 1024 * (1 - UNAVAILABLE_MEMORY_SHARE)) - reservedMiB
    - daemons.reduce((sum, d) => sum + d.memoryMiB, 0);
  const perInstance = `${cpuPerInstance} CPU units / ${memoryPerInstance} MiB${daemons.length > 0 ? ' beside the daemon tasks' : ''}`;
  const tasks = demands.filter(d => !d.daemon);
  const unplaceable = tasks.filter(d => cpuPerInstance <= 0 || memoryPerInstance <= 0
    || d.cpuUnits > cpuPerInstance || d.memoryMiB > memoryPerInstance);
  const placeable = tasks.filter(d => !unplaceable.includes(d));
  const total = (of: (d: TaskDemand) => number) => placeable.reduce((sum, d) => sum + d.tasks * of(d), 0);
  const [taskCount, cpuUnits, memoryMiB] = [total(() => 1), total(d => d.cpuUnits), total(d => d.memoryMiB)];
  if (taskCount === 0) return { instances: 0, explanation: '', perInstance, unplaceable };

  const bounds: [string, number][] = [
    ['CPU', Math.ceil(cpuUnits / cpuPerInstance)],
    ['memory', Math.ceil(memoryMiB / memoryPerInstance)],
  ];
  for (const port of [...new Set(placeable.flatMap(d => d.hostPorts))]) {
    bounds.push([`host port ${port}`, placeable.filter(d => d.hostPorts.includes(port)).reduce((sum, d) => sum + d.tasks, 0)]);
  }
  for (const d of placeable.filter(demand => demand.distinctInstance)) bounds.push([`distinctInstance (${d.service})`, d.tasks]);
  // Tasks that reserve nothing still need an instance to run on.
  if (bounds.every(([, n]) => n === 0)) bounds.push(['one instance at least', 1]);
  const instances = Math.max(...bounds.map(([, n]) => n));
  const services = new Set(placeable.map(d => d.service));
  const of = services.size === 1 ? `of ${[...services][0]}` : `of ${services.size} services`;
  const each = services.size === 1 && placeable.length === 1 ? ` × ${cpuUnits / taskCount} CPU units / ${memoryMiB / taskCount} MiB`
    : `, ${cpuUnits} CPU units / ${memoryMiB} MiB in all`;
  return {
    instances,
    explanation: `${taskCount} task(s) ${of}${each} on ${perInstance.replace(' MiB', ' MiB per instance')}, bound by ${bounds.filter(([, n]) => n === instances).map(([b]) => b).join(', ')}`,
    perInstance,
    unplaceable,
  };
}
