/** The containers of a unit's task: images, container options, port mappings, Linux parameters and the links between them. */
import { Aws, Duration, aws_ecr as ecr, aws_ecs as ecs } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { usesHostNetwork } from './host-network';
import { secretFor } from './secrets';
import { ComposeAppContext } from './unit';
import { containerDefinitionSettings, scratchVolumePaths } from '../../core/container-settings';
import { ComposeSecretsAs } from '../compose-app-props';
import type { ComposeService } from '../model';
import { portMappingName } from '../names';
import type { Unit } from '../plan';

/** An image in a private ECR repository: account, region, repository, tag, digest. */
export const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)(?::([^@]+))?(?:@(sha256:[a-f0-9]{64}))?$/;

/** The image of a member: given in code, built from `build`, pulled from ECR (with pull access) or from another registry. */
function image(context: ComposeAppContext, member: ComposeService): ecs.ContainerImage {
  const given = context.props.images?.[member.name];
  if (given) return given;
  if (member.build) {
    return ecs.ContainerImage.fromAsset(member.build.context, {
      file: member.build.dockerfile,
      buildArgs: Object.keys(member.build.args).length > 0 ? member.build.args : undefined,
      target: member.build.target,
    });
  }
  const ecrImage = ECR_IMAGE.exec(member.image!);
  if (ecrImage) {
    const [, account, region, repositoryName, tag, digest] = ecrImage;
    const repository = ecr.Repository.fromRepositoryAttributes(context.app, `Repository-${member.name}`, {
      repositoryName,
      repositoryArn: `arn:${Aws.PARTITION}:ecr:${region}:${account}:repository/${repositoryName}`,
    });
    return ecs.ContainerImage.fromEcrRepository(repository, digest ?? tag ?? 'latest');
  }
  return ecs.ContainerImage.fromRegistry(member.image!);
}

/** The user, root file system and scratch volumes of a member's container, as the kit's `ContainerSettings` resolve them. */
export interface MemberContainerSettings {
  /** Compose `user`, else the hardened profile's default (`1000:1000`). */
  readonly user?: string;
  /** Compose `read_only`, else true in the hardened profile. */
  readonly readonlyRootFilesystem: boolean;
  /**
   * The writable paths the kit adds (the hardened profile's `/tmp` of a read-only root file system),
   * less the paths the Compose file already mounts something on (`tmpfs`, volumes).
   */
  readonly scratchVolumes: string[];
}

/**
 * Compose's `user` and `read_only` are `ContainerSettings`' `user` and
 * `readonlyRootFilesystem` (its `tmpfs` paths are mounted as the file says):
 * the file's values win, the hardened profile gives the defaults.
 */
export function memberContainerSettings(context: ComposeAppContext, member: ComposeService): MemberContainerSettings {
  const settings = { user: member.user, readonlyRootFilesystem: member.readOnly };
  const resolved = containerDefinitionSettings(context.app, member.name, settings);
  return {
    user: resolved.user,
    readonlyRootFilesystem: resolved.readonlyRootFilesystem ?? false,
    scratchVolumes: scratchVolumePaths(context.app, settings).filter(path => !member.mounts.some(m => m.target === path)),
  };
}

/** Container options shared by both launch types and by FargateWebService sidecars. */
export function containerOptions(context: ComposeAppContext, member: ComposeService, unit: Unit): ecs.ContainerDefinitionOptions {
  const settings = memberContainerSettings(context, member);
  const secrets: { [name: string]: ecs.Secret } = {};
  // As files (the default), an init container writes the secrets (secret-files.ts).
  if (context.props.secretsAs === ComposeSecretsAs.ENVIRONMENT_VARIABLES) {
    for (const use of member.secrets) secrets[use.variable] = ecs.Secret.fromSecretsManager(secretFor(context, use.secret));
  }
  const environment = { ...member.environment };
  for (const name of Object.keys(secrets)) delete environment[name];
  const hc = member.healthCheck;
  // A container others wait for to complete (an init job) must be allowed to stop.
  const runsToCompletion = unit.members.some(other => other.dependsOn.some(d => d.service === member.name && d.condition === 'completed'));
  // On EC2 a container needs memory of its own: a reservation of the app's default when the file gives none (Fargate: the task's size).
  const ec2DefaultMemory = !context.fargate && member.memoryLimitMiB === undefined && member.memoryReservationMiB === undefined;
  const ec2DefaultCpu = context.fargate ? undefined : context.props.defaultCpu;
  return {
    image: image(context, member),
    containerName: member.name,
    essential: !runsToCompletion,
    environment: Object.keys(environment).length > 0 ? environment : undefined,
    secrets: Object.keys(secrets).length > 0 ? secrets : undefined,
    command: member.command,
    entryPoint: member.entrypoint,
    workingDirectory: member.workingDir,
    user: settings.user,
    dockerLabels: Object.keys(member.labels).length > 0 ? member.labels : undefined,
    healthCheck: hc ? {
      command: hc.command,
      interval: Duration.seconds(hc.intervalSeconds),
      timeout: Duration.seconds(hc.timeoutSeconds),
      retries: hc.retries,
      startPeriod: hc.startPeriodSeconds !== undefined ? Duration.seconds(hc.startPeriodSeconds) : undefined,
    } : undefined,
    readonlyRootFilesystem: settings.readonlyRootFilesystem,
    stopTimeout: member.stopTimeoutSeconds !== undefined ? Duration.seconds(member.stopTimeoutSeconds) : undefined,
    cpu: member.cpuLimit ?? member.cpuReservation ?? ec2DefaultCpu,
    memoryLimitMiB: member.memoryLimitMiB,
    memoryReservationMiB: ec2DefaultMemory ? context.props.defaultMemoryMiB ?? DEFAULT_EC2_MEMORY_RESERVATION_MIB : member.memoryReservationMiB,
    ulimits: member.ulimits?.map(u => ({ name: u.name as ecs.UlimitName, softLimit: u.softLimit, hardLimit: u.hardLimit })),
    systemControls: member.sysctls ? systemControls(member.sysctls) : undefined,
    privileged: member.privileged || undefined,
  };
}

/** Port mappings of a member, named for Service Connect (and the web port given in `webServices`, if the service does not declare it). */
export function portMappings(member: ComposeService, unit: Unit): ecs.PortMapping[] {
  // ECS maps a container port once: a port declared with TCP and UDP (DNS on 53) gets its TCP mapping; in awsvpc mode
  // the task still receives both protocols (its security group allows them), in bridge mode the UDP one is not published.
  const ports = member.ports.filter(port => port.protocol === 'tcp' || !member.ports.some(p => p.protocol === 'tcp' && p.containerPort === port.containerPort));
  // Host network mode has no Service Connect: ECS refuses the port names and app protocols there.
  if (usesHostNetwork(unit)) {
    return ports.map(port => ({ containerPort: port.containerPort, protocol: port.protocol === 'udp' ? ecs.Protocol.UDP : ecs.Protocol.TCP }));
  }
  const mappings: ecs.PortMapping[] = ports.map(port => ({
    containerPort: port.containerPort,
    protocol: port.protocol === 'udp' ? ecs.Protocol.UDP : ecs.Protocol.TCP,
    name: portMappingName(member.name, port.containerPort, port.protocol),
    appProtocol: port.protocol === 'tcp' && unit.web?.port === port.containerPort && unit.members[0] === member ? ecs.AppProtocol.http : undefined,
  }));
  const web = unit.web;
  if (web && unit.members[0] === member && !member.ports.some(p => p.containerPort === web.port && p.protocol === 'tcp')) {
    mappings.push({ containerPort: web.port, protocol: ecs.Protocol.TCP, name: portMappingName(member.name, web.port, 'tcp'), appProtocol: ecs.AppProtocol.http });
  }
  return mappings;
}

/** The memory a container reserves on EC2 when the Compose file and `defaultMemoryMiB` give none. */
export const DEFAULT_EC2_MEMORY_RESERVATION_MIB = 512;

/** Compose `sysctls` as ECS system controls. */
export function systemControls(sysctls: Record<string, string>): ecs.SystemControl[] {
  return Object.entries(sysctls).map(([namespace, value]) => ({ namespace, value }));
}

/** Linux parameters of a member: its init process, its capabilities (cap_add, cap_drop), and its tmpfs mounts on EC2. */
export function linuxParameters(context: ComposeAppContext, scope: Construct, member: ComposeService): ecs.LinuxParameters | undefined {
  const tmpfs = context.fargate ? [] : member.mounts.filter(m => m.kind === 'tmpfs');
  const capAdd = (member.capAdd ?? []) as ecs.Capability[];
  const capDrop = (member.capDrop ?? []) as ecs.Capability[];
  if (!member.init && tmpfs.length === 0 && capAdd.length === 0 && capDrop.length === 0) return undefined;
  const parameters = new ecs.LinuxParameters(scope, `LinuxParameters-${member.name}`, { initProcessEnabled: member.init });
  for (const mount of tmpfs) parameters.addTmpfs({ containerPath: mount.target, size: mount.sizeMiB ?? 64 });
  if (capAdd.length > 0) parameters.addCapabilities(...capAdd);
  if (capDrop.length > 0) parameters.dropCapabilities(...capDrop);
  return parameters;
}

/** Links, volumes_from and dependencies between the containers of one task. */
export function wireContainers(context: ComposeAppContext, unit: Unit, containers: Map<string, ecs.ContainerDefinition>): void {
  const conditions = {
    started: ecs.ContainerDependencyCondition.START,
    healthy: ecs.ContainerDependencyCondition.HEALTHY,
    completed: ecs.ContainerDependencyCondition.SUCCESS,
  };
  for (const member of unit.members) {
    const container = containers.get(member.name)!;
    if (!context.fargate) {
      for (const link of member.links) container.addLink(containers.get(link.service)!, link.alias);
    }
    for (const from of member.volumesFrom) {
      container.addVolumesFrom({ sourceContainer: from.service, readOnly: from.readOnly });
    }
    for (const dependency of member.dependsOn) {
      const target = containers.get(dependency.service);
      if (target) container.addContainerDependencies({ container: target, condition: conditions[dependency.condition] });
    }
  }
}
