import { aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { checkServiceConnectNames } from './service-connect';
import type { ServiceSettings } from './service-settings';
import {
  checkContainerHealthCheck, checkContainerName, checkDeployment, checkLoadBalancer, checkOperations, checkScaling,
  checkServiceConnectOptions, checkTargetGroup, checkTaskSubnets,
} from './web-service-checks';
import { PropValidator, isUnresolved } from '../../core/validation';
import { fargateSizeProblem } from '../fargate-sizes';
import type { FargateWebServiceProps } from '../fargate-web-service-props';

/**
 * Checks every prop of a FargateWebService (with its defaults applied in
 * `settings`), reporting each problem to `validator`.
 */
export function checkFargateWebServiceProps(
  validator: PropValidator, scope: Construct, props: FargateWebServiceProps, settings: ServiceSettings,
): void {
  validator.checkInteger('containerPort', settings.containerPort, 1, 65535);
  checkContainerName(validator, settings.containerName, 'containerName');
  checkSize(validator, settings.cpu, settings.memoryLimitMiB);
  checkContainerHealthCheck(validator, 'containerHealthCheck', props.containerHealthCheck);
  checkCpuArchitecture(validator, props.cpuArchitecture);
  validator.checkInteger('ephemeralStorageGiB', props.ephemeralStorageGiB, 21, 200,
    'Use a whole number of GiB from 21 to 200, or leave it out for the 20 GiB included with every task.');
  checkLoadBalancer(validator, props);
  checkTargetGroup(validator, props);
  checkScaling(validator, props, settings.minCapacity, settings.maxCapacity);
  checkDeployment(validator, props, settings.minHealthyPercent, settings.maxHealthyPercent);
  checkTaskSubnets(validator, props.cluster.vpc, props.taskSubnets, settings.assignPublicIp, true);
  checkOperations(validator, props, settings.enableAlarms);
  checkPublicTaskSubnets(validator, props);
  checkServiceConnectOptions(validator, props);
  if (settings.serviceConnect) checkServiceConnectNames(validator, scope, props, settings.serviceConnect);
}

function checkSize(validator: PropValidator, cpu: number, memoryLimitMiB: number): void {
  if (isUnresolved(cpu) || isUnresolved(memoryLimitMiB)) return;
  const problem = fargateSizeProblem(cpu, memoryLimitMiB);
  if (problem) validator.report(problem.prop, problem.prop === 'cpu' ? cpu : memoryLimitMiB, problem.fix);
}

/** Tasks in public subnets without a public IP reach neither ECR nor AWS APIs. */
function checkPublicTaskSubnets(validator: PropValidator, props: FargateWebServiceProps): void {
  if (props.taskSubnets?.subnetType === ec2.SubnetType.PUBLIC && !props.assignPublicIp) {
    validator.report('taskSubnets', 'PUBLIC',
      'Tasks in public subnets need a public IP to pull images and reach AWS APIs: set assignPublicIp: true, or use private subnets.');
  }
}

/** The name of a CPU architecture (kept private by CpuArchitecture; `of('ARM64')` is another instance than `ARM64`). */
function architectureName(architecture: ecs.CpuArchitecture): unknown {
  return (architecture as unknown as { _cpuArchitecture?: unknown })._cpuArchitecture;
}

function checkCpuArchitecture(validator: PropValidator, architecture: ecs.CpuArchitecture | undefined): void {
  if (architecture === undefined) return;
  const name = architectureName(architecture);
  validator.check('cpuArchitecture', name, name === 'X86_64' || name === 'ARM64',
    'Fargate runs Linux tasks on CpuArchitecture.X86_64 or CpuArchitecture.ARM64 only.');
}

/**
 * Container options that a Fargate task definition refuses when it is
 * registered: the ones Fargate does not support at all
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html),
 * `hostname`, which the awsvpc network mode refuses, and inference
 * accelerators, which a Fargate task definition cannot declare.
 */
const NOT_ON_FARGATE: ReadonlyArray<keyof ecs.ContainerDefinitionOptions> = [
  'disableNetworking', 'dnsSearchDomains', 'dnsServers', 'dockerSecurityOptions', 'extraHosts',
  'gpuCount', 'hostname', 'inferenceAcceleratorResources', 'privileged',
];

/** Refuses the sidecar options of `NOT_ON_FARGATE` unless left at their neutral value (false, 0, empty). */
export function checkFargateContainerOptions(validator: PropValidator, options: ecs.ContainerDefinitionOptions): void {
  for (const name of NOT_ON_FARGATE) {
    const value: unknown = options[name];
    const neutral = value === undefined || value === false || value === 0
      || (Array.isArray(value) && value.length === 0)
      || (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0);
    validator.check(`options.${name}`, value, neutral,
      `Fargate tasks (awsvpc network mode) do not accept ${name}, and ECS refuses the task definition: leave it out, or run the container on EC2 capacity.`);
  }
}
