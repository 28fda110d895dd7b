import { aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import { checkSeconds } from './checks';
import { checkContainerHealthCheck, checkContainerName } from './web-service-checks';
import type { IEc2Capacity } from '../../cluster/ec2-capacity';
import { TaskCapacity, TaskCompute } from '../../cluster/task-capacity';
import { checkTaskCluster, resolveTaskCapacity, serviceEc2Capacities } from '../../cluster/task-capacity-resolution';
import { checkContainerSettings } from '../../core/container-settings';
import { checkLogGroupOptions } from '../../core/log-group-checks';
import { PropValidator, enumMember, isUnresolved } from '../../core/validation';
import type { ContainerServiceProps } from '../container-service-props';
import { fargateSizeProblem } from '../fargate-sizes';

// The checks and defaults of a service without a load balancer (BackendService,
// QueueWorkerService): where its tasks run, its container, size, scaling and deployments.

/** A service's props after defaults and its capacity, as its building steps use them. */
export interface TaskServiceSettings {
  /** The construct's class name, for messages and descriptions. */
  readonly constructName: string;
  readonly containerName: string;
  readonly cpu: number;
  readonly memoryLimitMiB: number;
  readonly compute: TaskCompute;
  /** The capacity provider strategy; undefined for on-demand Fargate (the FARGATE launch type). */
  readonly strategies?: ecs.CapacityProviderStrategy[];
  /** The EC2 capacities the tasks run on, when they are known. */
  readonly ec2Capacities?: IEc2Capacity[];
  readonly networkMode: ecs.NetworkMode;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly minHealthyPercent: number;
  readonly maxHealthyPercent: number;
  readonly assignPublicIp: boolean;
}

/** What differs between the kinds of services. */
export interface TaskServiceDefaults {
  readonly constructName: string;
  readonly containerName: string;
  readonly minCapacity: number;
}

const DEFAULT_MAX_CAPACITY = 10;

/**
 * Checks the props every service without a load balancer has, and resolves
 * where its tasks run. `undefined` when a problem keeps the settings from
 * being known (the problems are in `validator`).
 */
export function taskServiceSettings(validator: PropValidator, props: ContainerServiceProps,
  defaults: TaskServiceDefaults): TaskServiceSettings | undefined {
  const containerName = props.containerName ?? defaults.containerName;
  const cpu = props.cpu ?? 256;
  const memoryLimitMiB = props.memoryLimitMiB ?? 512;
  const minCapacity = props.minCapacity ?? defaults.minCapacity;
  const maxCapacity = props.maxCapacity ?? (isUnresolved(minCapacity) ? DEFAULT_MAX_CAPACITY : Math.max(DEFAULT_MAX_CAPACITY, minCapacity));
  const minHealthyPercent = props.minHealthyPercent ?? 100;
  const maxHealthyPercent = props.maxHealthyPercent ?? 200;

  checkContainerName(validator, containerName, 'containerName');
  checkContainerHealthCheck(validator, 'containerHealthCheck', props.containerHealthCheck);
  checkLogGroupOptions(validator, props);
  checkScaling(validator, props, minCapacity, maxCapacity);
  checkDeployment(validator, props, minHealthyPercent, maxHealthyPercent);
  if (props.serviceName !== undefined) {
    validator.check('serviceName', props.serviceName, /^[A-Za-z0-9_-]{1,255}$/.test(props.serviceName),
      'Use 1 to 255 letters, digits, "_" and "-" (e.g. "orders-worker").');
  }

  if (!checkTaskCluster(validator, props.cluster)) return undefined;
  const capacity = resolveTaskCapacity(validator, props.taskCapacity, props.cluster, {
    prop: 'taskCapacity',
    computes: [TaskCompute.FARGATE, TaskCompute.EC2],
    fallback: TaskCapacity.fargate(),
    chooseEc2: serviceEc2Capacities,
  });
  if (!capacity) return undefined;
  const fargate = capacity.compute === TaskCompute.FARGATE;
  if (!fargate && !props.cluster.hasEc2Capacity) {
    validator.report('cluster', props.cluster.node.path,
      'The tasks run on EC2 (taskCapacity), and this cluster has no EC2 capacity: add it with cluster.addEc2Capacity(id, { ... }) ' +
      'before creating the service, or run on Fargate (TaskCapacity.fargate()).');
  }
  const networkMode = props.networkMode ?? (fargate ? ecs.NetworkMode.AWS_VPC : ecs.NetworkMode.BRIDGE);
  checkNetwork(validator, props, fargate, networkMode);
  checkSize(validator, fargate, cpu, memoryLimitMiB);
  checkContainerSettings(validator, props, { fargate, containerName });
  if (props.cpuArchitecture !== undefined && !fargate) {
    validator.report('cpuArchitecture', props.cpuArchitecture,
      'Only used on Fargate: on EC2 the instances\' architecture decides (choose the capacity with taskCapacity), remove it.');
  }
  return {
    constructName: defaults.constructName,
    containerName,
    cpu,
    memoryLimitMiB,
    compute: capacity.compute,
    strategies: capacity.strategies,
    ec2Capacities: capacity.ec2Capacities,
    networkMode,
    minCapacity,
    maxCapacity,
    minHealthyPercent,
    maxHealthyPercent,
    assignPublicIp: props.assignPublicIp ?? false,
  };
}

function checkSize(validator: PropValidator, fargate: boolean, cpu: number, memoryLimitMiB: number): void {
  if (fargate) {
    if (isUnresolved(cpu) || isUnresolved(memoryLimitMiB)) return;
    const problem = fargateSizeProblem(cpu, memoryLimitMiB);
    if (problem) validator.report(problem.prop, problem.prop === 'cpu' ? cpu : memoryLimitMiB, problem.fix);
    return;
  }
  // EC2: the container's reservation and hard limit (ECS: at least 6 MiB; CPU units up to 10 vCPU per container on most instances).
  validator.checkInteger('cpu', cpu, 0, 196_608, 'Use a whole number of CPU units (1024 = 1 vCPU), e.g. 256.');
  validator.checkInteger('memoryLimitMiB', memoryLimitMiB, 6, 6_291_456, 'Use a whole number of MiB, at least 6, e.g. 512.');
}

function checkNetwork(validator: PropValidator, props: ContainerServiceProps, fargate: boolean, networkMode: ecs.NetworkMode): void {
  if (props.networkMode !== undefined && !isUnresolved(props.networkMode)) {
    const allowed = fargate ? [ecs.NetworkMode.AWS_VPC] : [ecs.NetworkMode.AWS_VPC, ecs.NetworkMode.BRIDGE];
    if (!allowed.includes(props.networkMode)) {
      validator.report('networkMode', enumMember('NetworkMode', ecs.NetworkMode, props.networkMode), fargate
        ? 'Fargate tasks use NetworkMode.AWS_VPC only: remove networkMode, or run on EC2 (taskCapacity: TaskCapacity.ec2()).'
        : 'Use NetworkMode.BRIDGE (the default on EC2) or NetworkMode.AWS_VPC.');
    }
  }
  if (networkMode === ecs.NetworkMode.BRIDGE) {
    for (const prop of ['taskSubnets', 'assignPublicIp'] as const) {
      if (props[prop] !== undefined) {
        validator.report(prop, props[prop], 'Tasks in bridge mode use their instance\'s network: remove it, or set networkMode: ecs.NetworkMode.AWS_VPC.');
      }
    }
    return;
  }
  if (props.assignPublicIp && !fargate) {
    validator.report('assignPublicIp', true, 'Tasks on EC2 in awsvpc mode cannot have a public IP: remove it, or run on Fargate.');
  }
  if (props.taskSubnets?.subnetType === ec2.SubnetType.PUBLIC && !props.assignPublicIp && fargate) {
    validator.report('taskSubnets', 'SubnetType.PUBLIC',
      'Tasks in public subnets need a public IP to pull images and reach AWS APIs: set assignPublicIp: true, or use private subnets.');
  }
  const vpc = props.cluster.vpc;
  const selection = props.taskSubnets ?? { subnetType: props.assignPublicIp ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS };
  const subnets = selection.subnetType === ec2.SubnetType.PUBLIC ? vpc.publicSubnets
    : selection.subnetType === ec2.SubnetType.PRIVATE_ISOLATED ? vpc.isolatedSubnets : vpc.privateSubnets;
  const incomplete = (vpc as unknown as { incompleteSubnetDefinition?: boolean }).incompleteSubnetDefinition;
  if (selection.subnets === undefined && selection.subnetGroupName === undefined && !incomplete && subnets.length === 0) {
    validator.report('taskSubnets', props.taskSubnets === undefined ? 'private subnets with egress (the default)' : selection.subnetType,
      `The VPC ${vpc.node.path} has no subnets of this type: give taskSubnets the VPC has, set assignPublicIp: true on Fargate ` +
      '(public subnets, no NAT gateway needed), or give the VPC a NAT gateway (EcsCluster: natGateways: 1).');
  }
}

function checkScaling(validator: PropValidator, props: ContainerServiceProps, min: number, max: number): void {
  validator.checkInteger('minCapacity', props.minCapacity, 0, 5000);
  validator.checkInteger('maxCapacity', props.maxCapacity, 1, 5000);
  const valid = (value: number | undefined) => value === undefined || (Number.isInteger(value) && value >= 0 && value <= 5000);
  if (!isUnresolved(min) && !isUnresolved(max) && valid(props.minCapacity) && valid(props.maxCapacity) && min > max) {
    validator.report('minCapacity', min, `minCapacity must not exceed maxCapacity (${max}): lower minCapacity or raise maxCapacity.`);
  }
  checkSeconds(validator, 'scaleInCooldown', props.scaleInCooldown, 0, 3600, 'Use a whole number of seconds from 0 to 3600.');
  checkSeconds(validator, 'scaleOutCooldown', props.scaleOutCooldown, 0, 3600, 'Use a whole number of seconds from 0 to 3600.');
}

function checkDeployment(validator: PropValidator, props: ContainerServiceProps, min: number, max: number): void {
  validator.checkInteger('minHealthyPercent', props.minHealthyPercent, 0, 100);
  validator.checkInteger('maxHealthyPercent', props.maxHealthyPercent, 100, 1000,
    'Use a whole number from 100 to 1000 (percent of the desired count).');
  if (!isUnresolved(min) && !isUnresolved(max) && max <= min) {
    validator.report('maxHealthyPercent', max, `Must be more than minHealthyPercent (${min}), or a deployment cannot start a new task: e.g. 200.`);
  }
}

/** Checks a target percentage (1–100) of a scaling policy. */
export function checkPercent(validator: PropValidator, prop: string, value: number | undefined): void {
  if (value === undefined) return;
  validator.check(prop, value, value >= 1 && value <= 100, 'Use a percentage from 1 to 100 (e.g. 70).');
}
