/** The task definition of a unit that is not a Fargate web service, and what every unit's task definition acknowledges. */
import { RemovalPolicy, Validations, aws_ecs as ecs, aws_iam as iam, aws_logs as logs } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { derivedImage, runsDerivedImage } from './config-image';
import { ECR_IMAGE, containerOptions, linuxParameters, memberContainerSettings, portMappings, wireContainers } from './containers';
import { usesHostNetwork } from './host-network';
import { addSecretFiles } from './secret-files';
import { ComposeAppContext } from './unit';
import { addScratchVolumes } from '../../core/container-settings';
import { useManagedPolicies } from '../../core/managed-policies';
import { logStreamPrefix } from '../../core/names';
import type { Unit } from '../plan';

/** The log group, task definition and containers of a unit that is not a Fargate web service. */
export function createTaskDefinition(context: ComposeAppContext, scope: Construct, unit: Unit): {
  logGroup: logs.ILogGroup;
  taskDefinition: ecs.TaskDefinition;
  containers: Map<string, ecs.ContainerDefinition>;
} {
  const logGroup = new logs.LogGroup(scope, 'LogGroup', {
    retention: context.logGroupSecurity.retention,
    encryptionKey: context.logGroupSecurity.encryptionKey,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const taskDefinition: ecs.TaskDefinition = context.fargate
    ? new ecs.FargateTaskDefinition(scope, 'TaskDefinition', {
      cpu: unit.size!.cpu,
      memoryLimitMiB: unit.size!.memoryMiB,
      runtimePlatform: {
        cpuArchitecture: unit.cpuArchitecture === 'ARM64' ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    })
    : new ecs.Ec2TaskDefinition(scope, 'TaskDefinition', { networkMode: usesHostNetwork(unit) ? ecs.NetworkMode.HOST : ecs.NetworkMode.BRIDGE });
  // Before any statement reaches them (logs, image pull, secrets, EFS): customer managed policies, not inline ones.
  useManagedPolicies(taskDefinition.taskRole as iam.Role);
  useManagedPolicies(taskDefinition.obtainExecutionRole() as iam.Role);

  const containers = new Map<string, ecs.ContainerDefinition>();
  for (const member of unit.members) {
    const options = containerOptions(context, member, unit);
    const parameters = linuxParameters(context, scope, member);
    const container = taskDefinition.addContainer(member.name, {
      ...options,
      image: derivedImage(context, unit, member) ?? options.image,
      linuxParameters: parameters,
      portMappings: portMappings(member, unit),
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: logStreamPrefix(member.name) }),
    });
    addScratchVolumes(context.app, container, { scratchVolumes: memberContainerSettings(context, member).scratchVolumes });
    containers.set(member.name, container);
  }
  wireContainers(context, unit, containers);
  addSecretFiles(context, scope, unit, taskDefinition, containers, (id, options) => taskDefinition.addContainer(id, {
    ...options,
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: logStreamPrefix(id) }),
  }));
  return { logGroup, taskDefinition, containers };
}

/** Environment variables from the Compose file are configuration, not secrets. */
export function acknowledgeEnvironment(unit: Unit, taskDefinition: ecs.TaskDefinition): void {
  if (unit.members.some(m => Object.keys(m.environment).length > 0)) {
    Validations.of(taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'The environment variables come from the Compose file (environment, env_file): non-secret configuration; ' +
        'Compose secrets are passed from Secrets Manager.',
    });
  }
}

/** Images from `build` or with copied files (assets) and ECR image URIs: pull access includes the docker login token, which has no resource. */
export function acknowledgeImagePull(context: ComposeAppContext, unit: Unit, taskDefinition: ecs.TaskDefinition): void {
  const pullsFromEcr = unit.members.some(m => !context.props.images?.[m.name]
    && (m.build !== undefined || ECR_IMAGE.test(m.image ?? '') || runsDerivedImage(context, m)));
  if (pullsFromEcr && taskDefinition.executionRole) {
    Validations.of(taskDefinition.executionRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Pulling from ECR (image assets built from the Compose `build`, ECR image URIs) needs ecr:GetAuthorizationToken, ' +
        'the 12-hour docker login token, which only supports resource "*"; the pull actions are scoped to the repository.',
    });
  }
}
