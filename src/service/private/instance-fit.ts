import { Annotations, aws_autoscaling as autoscaling, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import type { Ec2WebServiceSettings } from './ec2-web-service-checks';
import type { IEc2Capacity } from '../../cluster/ec2-capacity';
import { PropValidator, isUnresolved } from '../../core/validation';

// Whether the web container fits on the instances of the capacities it runs on,
// for the instance types the kit can read and size.

/** vCPUs and memory (MiB) of an instance type. */
interface InstanceSize {
  readonly vcpus: number;
  readonly memoryMiB: number;
}

/** Burstable sizes (t3, t3a, t4g; t2 has 1 vCPU up to small). */
const BURSTABLE: Record<string, [number, number]> = {
  'nano': [2, 512],
  'micro': [2, 1024],
  'small': [2, 2048],
  'medium': [2, 4096],
  'large': [2, 8192],
  'xlarge': [4, 16384],
  '2xlarge': [8, 32768],
};

/** GiB of memory per vCPU of the general families: compute, general purpose, memory optimized. */
const GIB_PER_VCPU: Record<string, number> = { c: 2, m: 4, r: 8 };

/** The size of an instance type the kit knows (t2/t3/t3a/t4g, and the c, m and r families), `undefined` otherwise. */
export function instanceSize(instanceType: string): InstanceSize | undefined {
  const [family, size] = instanceType.split('.');
  if (family === undefined || size === undefined) return undefined;
  if (/^t(2|3|3a|4g)$/.test(family)) {
    const known = BURSTABLE[size];
    if (!known) return undefined;
    const vcpus = family === 't2' && ['nano', 'micro', 'small'].includes(size) ? 1 : known[0];
    return { vcpus, memoryMiB: known[1] };
  }
  const general = /^([cmr])\d+[a-z]*$/.exec(family);
  const sized = /^(medium|large|(\d*)xlarge)$/.exec(size);
  if (!general || !sized) return undefined;
  const vcpus = size === 'medium' ? 1 : size === 'large' ? 2 : 4 * Number(sized[2] || 1);
  return { vcpus, memoryMiB: vcpus * GIB_PER_VCPU[general[1]] * 1024 };
}

/** The instance types of a capacity, read from its launch template and Auto Scaling group; `undefined` when any is unknown. */
function instanceTypesOf(capacity: IEc2Capacity): string[] | undefined {
  const types: string[] = [];
  for (const child of capacity.node.findAll()) {
    if (child instanceof ec2.CfnLaunchTemplate) {
      const data = child.launchTemplateData as ec2.CfnLaunchTemplate.LaunchTemplateDataProperty | undefined;
      if (typeof data?.instanceType === 'string') types.push(data.instanceType);
    } else if (child instanceof autoscaling.CfnAutoScalingGroup) {
      const policy = child.mixedInstancesPolicy as autoscaling.CfnAutoScalingGroup.MixedInstancesPolicyProperty | undefined;
      const template = policy?.launchTemplate as autoscaling.CfnAutoScalingGroup.LaunchTemplateProperty | undefined;
      const overrides = (template?.overrides ?? []) as autoscaling.CfnAutoScalingGroup.LaunchTemplateOverridesProperty[];
      for (const override of overrides) {
        if (typeof override.instanceType === 'string') types.push(override.instanceType);
      }
    }
  }
  return types.length > 0 && types.every(t => !isUnresolved(t)) ? types : undefined;
}

/**
 * Refuses a web container that fits on none of the instance types of its
 * capacities (its CPU units above their vCPUs, or the memory ECS reserves for
 * it above their memory): its tasks would never be placed, and the deployment
 * would wait until the circuit breaker stops it. Warns when it fits only with
 * less than 10% of the memory left for the operating system and the ECS agent.
 * Instance types the kit cannot read or size are not checked.
 */
export function checkInstanceFit(validator: PropValidator, scope: Construct, capacities: IEc2Capacity[],
  settings: Ec2WebServiceSettings): void {
  const memoryMiB = settings.memoryReservationMiB ?? settings.memoryLimitMiB;
  const cpu = settings.cpu;
  if (memoryMiB === undefined || isUnresolved(memoryMiB) || isUnresolved(cpu)) return;
  const sizes: [string, InstanceSize][] = [];
  for (const capacity of capacities) {
    const types = instanceTypesOf(capacity);
    if (types === undefined) return;
    for (const type of types) {
      const size = instanceSize(type);
      if (size === undefined) return;
      sizes.push([type, size]);
    }
  }
  if (sizes.length === 0) return;
  const fitting = sizes.filter(([, size]) => cpu <= size.vcpus * 1024 && memoryMiB <= size.memoryMiB);
  const described = sizes.map(([type, size]) => `${type} (${size.vcpus * 1024} CPU units, ${size.memoryMiB} MiB)`).join(', ');
  if (fitting.length === 0) {
    const memoryProp = settings.memoryReservationMiB !== undefined ? 'memoryReservationMiB' : 'memoryLimitMiB';
    const tooMuchCpu = sizes.every(([, size]) => cpu > size.vcpus * 1024);
    validator.report(tooMuchCpu ? 'cpu' : memoryProp, tooMuchCpu ? cpu : memoryMiB,
      `The web container fits on none of the instances it runs on: ${described}. Its tasks would never be placed: ` +
      'lower it, or run the service on a capacity with larger instance types (taskCapacity: TaskCapacity.ec2(capacity)).');
    return;
  }
  if (fitting.every(([, size]) => memoryMiB > size.memoryMiB * 0.9)) {
    Annotations.of(scope as IConstruct).addWarningV2('cdk-ecs-kit:Ec2WebService.tightFit',
      `The web container reserves ${memoryMiB} MiB, more than 90% of the memory of the instances it fits on (${described}); ` +
      'the operating system and the ECS agent keep some of it, so ECS may find no room for the task. Lower the memory, or use larger instances.');
  }
}
