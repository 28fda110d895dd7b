import { Token, aws_ecs as ecs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { checkServiceConnectNames } from './service-connect';
import type { WebServiceSettings } from './service-settings';
import {
  checkContainerHealthCheck, checkContainerName, checkDeployment, checkLoadBalancer, checkOperations, checkScaling,
  checkServiceConnectOptions, checkTargetGroup, checkTaskSubnets,
} from './web-service-checks';
import { checkContainerSettings } from '../../core/container-settings';
import { PropValidator, enumMemberName, isUnresolved } from '../../core/validation';
import type { Ec2WebServiceProps } from '../ec2-web-service-props';

// The checks of an Ec2WebService's own props; those every web service shares
// are in web-service-checks.ts.

/** An Ec2WebService's props after defaults. */
export interface Ec2WebServiceSettings extends WebServiceSettings {
  readonly networkMode: ecs.NetworkMode;
  /** The host port of the web container (0: dynamic); `undefined` in `AWS_VPC` mode. */
  readonly hostPort?: number;
  readonly cpu: number;
  readonly memoryLimitMiB?: number;
  readonly memoryReservationMiB?: number;
}

/**
 * Host ports the ECS agent reserves on every container instance (SSH, the
 * Docker daemon, the agent's introspection and metadata): a container cannot
 * publish on them, and its task never starts.
 */
export const RESERVED_HOST_PORTS = [22, 2375, 2376, 51678, 51679];

/** Props of a FargateWebService that an EC2 task cannot have, and why (a props object spread from one, or JavaScript, can hold them). */
const FARGATE_ONLY: Record<string, string> = {
  assignPublicIp: 'ECS gives EC2 tasks no public IP: in BRIDGE mode tasks use their instance\'s network (put the instances in public ' +
    'subnets with the capacity\'s vpcSubnets), in AWS_VPC mode they need subnets with a NAT gateway or VPC endpoints (taskSubnets). Remove it.',
  ephemeralStorageGiB: 'EC2 tasks use the storage of their instance: size it with the capacity\'s volumeSize, and remove this prop.',
  cpuArchitecture: 'EC2 tasks run on the architecture of their instances: choose it with the capacity\'s instanceTypes, and remove this prop.',
};

const NAME_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;

/** Checks every prop of an Ec2WebService (with its defaults applied in `settings`). */
export function checkEc2WebServiceProps(validator: PropValidator, scope: Construct, props: Ec2WebServiceProps,
  settings: Ec2WebServiceSettings): void {
  for (const [prop, fix] of Object.entries(FARGATE_ONLY)) {
    const value: unknown = (props as unknown as Record<string, unknown>)[prop];
    if (value !== undefined) validator.report(prop, value, `Only a FargateWebService has this prop. ${fix}`);
  }
  validator.checkInteger('containerPort', settings.containerPort, 1, 65535);
  checkContainerName(validator, settings.containerName, 'containerName');
  checkContainerHealthCheck(validator, 'containerHealthCheck', props.containerHealthCheck);
  checkContainerSettings(validator, props, { fargate: false, containerName: settings.containerName });
  checkSize(validator, props, settings);
  checkNetwork(validator, props, settings);
  checkVolumes(validator, props, settings);
  checkLoadBalancer(validator, props);
  checkTargetGroup(validator, props);
  checkScaling(validator, props, settings.minCapacity, settings.maxCapacity);
  checkDeployment(validator, props, settings.minHealthyPercent, settings.maxHealthyPercent);
  checkOperations(validator, props, settings.enableAlarms);
  checkServiceConnectOptions(validator, props);
  if (settings.serviceConnect) checkServiceConnectNames(validator, scope, props, settings.serviceConnect);
}

/** `ecs.NetworkMode.AWS_VPC` rather than `awsvpc`: the name the user typed. */
export function networkModeName(mode: ecs.NetworkMode): string {
  const name = enumMemberName(ecs.NetworkMode, mode);
  return name ? `ecs.NetworkMode.${name}` : String(mode);
}

function checkSize(validator: PropValidator, props: Ec2WebServiceProps, settings: Ec2WebServiceSettings): void {
  validator.checkInteger('cpu', props.cpu, 2, 196_608,
    'Use a whole number of CPU units from 2 (1024 = one vCPU): CPU utilization, and CPU scaling, are measured against it.');
  validator.checkInteger('memoryLimitMiB', props.memoryLimitMiB, 6, 10_000_000, 'Use a whole number of MiB, at least 6 (Docker\'s minimum).');
  validator.checkInteger('memoryReservationMiB', props.memoryReservationMiB, 6, 10_000_000,
    'Use a whole number of MiB, at least 6 (Docker\'s minimum).');
  const { memoryLimitMiB: limit, memoryReservationMiB: reservation } = settings;
  if (limit !== undefined && reservation !== undefined && !isUnresolved(limit) && !isUnresolved(reservation) && reservation > limit) {
    validator.report('memoryReservationMiB', reservation,
      `The soft reservation cannot be above the hard limit (memoryLimitMiB: ${limit}): lower it, or raise memoryLimitMiB.`);
  }
}

function checkNetwork(validator: PropValidator, props: Ec2WebServiceProps, settings: Ec2WebServiceSettings): void {
  const mode = settings.networkMode;
  if (mode !== ecs.NetworkMode.BRIDGE && mode !== ecs.NetworkMode.AWS_VPC) {
    validator.report('networkMode', networkModeName(mode),
      'Use ecs.NetworkMode.BRIDGE (the default: dynamic host ports behind the load balancer) or ecs.NetworkMode.AWS_VPC ' +
      '(a network interface per task); host mode and none cannot serve behind the load balancer as the service does.');
    return;
  }
  if (mode === ecs.NetworkMode.AWS_VPC) {
    if (props.hostPort !== undefined) {
      validator.report('hostPort', props.hostPort,
        'In ecs.NetworkMode.AWS_VPC each task has its own address, and the load balancer reaches the container port directly: remove hostPort.');
    }
    for (const link of props.links ?? []) {
      validator.report('links', link.containerName,
        'Links only work in bridge network mode (networkMode is ecs.NetworkMode.AWS_VPC): in awsvpc mode the containers of a task ' +
        'reach each other on localhost. Remove links.');
    }
    checkTaskSubnets(validator, props.cluster.vpc, props.taskSubnets, false, false);
    return;
  }
  for (const prop of ['securityGroup', 'taskSubnets'] as const) {
    if (props[prop] !== undefined) {
      validator.report(prop, prop === 'securityGroup' ? props.securityGroup!.node.path : props.taskSubnets,
        'Only tasks in ecs.NetworkMode.AWS_VPC have their own network interface; in bridge mode (the default) they use their ' +
        'instance\'s (open the instances with the capacity\'s connections): set networkMode: ecs.NetworkMode.AWS_VPC, or remove this prop.');
    }
  }
  const hostPort = props.hostPort;
  if (hostPort === undefined || isUnresolved(hostPort)) return;
  validator.checkInteger('hostPort', hostPort, 0, 65535,
    'Use a port from 1 to 65535, or leave hostPort out for a dynamic port (0) that the load balancer follows.');
  if (RESERVED_HOST_PORTS.includes(hostPort)) {
    validator.report('hostPort', hostPort,
      `The ECS agent reserves ports ${RESERVED_HOST_PORTS.join(', ')} on every container instance, so the task would never be placed: ` +
      'choose another port, or leave hostPort out for a dynamic one.');
  }
}

function checkVolumes(validator: PropValidator, props: Ec2WebServiceProps, settings: Ec2WebServiceSettings): void {
  const names = new Set<string>();
  for (const volume of props.volumes ?? []) {
    if (isUnresolved(volume.name)) {
      validator.report('volumes[].name', volume.name, 'A volume name cannot come from a token: mount points find their volume by name at synth time.');
      continue;
    }
    validator.check('volumes[].name', volume.name, NAME_PATTERN.test(volume.name),
      'Use 1 to 255 letters, digits, hyphens and underscores, e.g. "html".');
    validator.check('volumes[].name', volume.name, !names.has(volume.name), 'Each volume needs its own name.');
    names.add(volume.name);
    if (volume.sourcePath !== undefined && !isUnresolved(volume.sourcePath)) {
      validator.check('volumes[].sourcePath', volume.sourcePath, volume.sourcePath.startsWith('/'),
        'Use an absolute path on the container instance, e.g. "/ecs/html", or leave it out for a Docker scratch volume.');
    }
  }
  const paths = new Set<string>();
  for (const mount of props.mountPoints ?? []) {
    validator.check('mountPoints[].sourceVolume', mount.sourceVolume, !isUnresolved(mount.sourceVolume) && names.has(mount.sourceVolume),
      `Name one of the service's volumes (${[...names].map(v => JSON.stringify(v)).join(', ') || 'none declared'}), or declare it in volumes.`);
    if (isUnresolved(mount.containerPath)) continue;
    validator.check('mountPoints[].containerPath', mount.containerPath, mount.containerPath.startsWith('/'),
      'Use an absolute path inside the container, e.g. "/usr/share/nginx/html".');
    validator.check('mountPoints[].containerPath', mount.containerPath, !paths.has(mount.containerPath),
      'Each mount point of a container needs its own containerPath.');
    paths.add(mount.containerPath);
  }
  for (const from of props.volumesFrom ?? []) {
    if (isUnresolved(from.sourceContainer)) {
      validator.report('volumesFrom[].sourceContainer', from.sourceContainer,
        'A container name cannot come from a token: the container is found by name at synth time.');
      continue;
    }
    validator.check('volumesFrom[].sourceContainer', from.sourceContainer, from.sourceContainer !== settings.containerName,
      'A container cannot mount its own volumes: name a sidecar of the task (see addSidecar).');
  }
  for (const link of props.links ?? []) {
    if (isUnresolved(link.containerName) || (link.alias !== undefined && isUnresolved(link.alias))) {
      validator.report('links', Token.isUnresolved(link.containerName) ? link.containerName : link.alias,
        'Link names and aliases cannot come from tokens: the linked container is found by name at synth time.');
      continue;
    }
    validator.check('links[].containerName', link.containerName, link.containerName !== settings.containerName,
      'A container cannot link to itself: name a sidecar of the task (see addSidecar).');
    if (link.alias !== undefined) {
      validator.check('links[].alias', link.alias, /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/.test(link.alias),
        'An alias is a host name: letters, digits, ".", "_" and "-", starting with a letter or digit.');
    }
  }
}
