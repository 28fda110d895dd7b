import {
  Duration,
  Validations,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_logs as logs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { mainContainerMemory, mainContainerMemoryProblems, otherContainersMemory } from './main-container-memory';
import { useManagedTaskPolicies } from './task-roles';
import type { TaskServiceSettings } from './task-service-checks';
import { buildWithExecuteCommand, createLogGroup } from './web-service-parts';
import { TaskCompute } from '../../cluster/task-capacity';
import { addScratchVolumes, addStartDependencies, containerDefinitionSettings } from '../../core/container-settings';
import { logStreamPrefix, securityGroupDescription } from '../../core/names';
import type { ContainerServiceProps } from '../container-service-props';

// Builds a service without a load balancer (BackendService, QueueWorkerService):
// log group, task definition (Fargate, or EC2 in bridge or awsvpc mode), main
// container, security group, ECS service and its scalable task count.

/** What a kind of service adds to the common parts. */
export interface TaskServiceExtras {
  /** Port mappings of the main container. */
  readonly portMappings?: ecs.PortMapping[];
  /** Environment variables the construct sets (after the user's). */
  readonly environment?: { [name: string]: string };
  /** Why the environment holds no secret, when the construct sets some of it. */
  readonly environmentReason?: string;
  /** Service Connect configuration. */
  readonly serviceConnectConfiguration?: ecs.ServiceConnectProps;
  /** What the security group lets in, for its description. */
  readonly securityGroupPurpose: string;
}

/** The parts of a built service. */
export interface TaskServiceParts {
  readonly logGroup: logs.LogGroup;
  readonly taskDefinition: ecs.TaskDefinition;
  readonly container: ecs.ContainerDefinition;
  readonly service: ecs.BaseService;
  /** The task's own security group (awsvpc); undefined in bridge mode. */
  readonly securityGroup?: ec2.SecurityGroup;
  /** The tasks' network identity: their security group, or their instances' in bridge mode. */
  readonly connections: ec2.Connections;
  readonly scaling: ecs.ScalableTaskCount;
}

/** Builds the service in `scope` (ids: LogGroup, TaskDefinition, SecurityGroup, Resource). */
export function buildTaskService(scope: Construct, props: ContainerServiceProps, settings: TaskServiceSettings,
  extras: TaskServiceExtras): TaskServiceParts {
  const fargate = settings.compute === TaskCompute.FARGATE;
  const awsVpc = settings.networkMode === ecs.NetworkMode.AWS_VPC;
  const logGroup = createLogGroup(scope, props);

  const taskDefinition: ecs.TaskDefinition = fargate
    ? new ecs.FargateTaskDefinition(scope, 'TaskDefinition', {
      cpu: settings.cpu,
      memoryLimitMiB: settings.memoryLimitMiB,
      runtimePlatform: {
        cpuArchitecture: props.cpuArchitecture ?? ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    })
    : new ecs.Ec2TaskDefinition(scope, 'TaskDefinition', { networkMode: settings.networkMode });
  useManagedTaskPolicies(taskDefinition, undefined);

  const environment = { ...props.environment, ...extras.environment };
  const container: ecs.ContainerDefinition = taskDefinition.addContainer(settings.containerName, {
    ...containerDefinitionSettings(scope, settings.containerName, props),
    image: props.image,
    containerName: settings.containerName,
    essential: true,
    // On EC2 the size is the container's; on Fargate it is the task's, which is also the container's hard limit.
    cpu: fargate ? undefined : settings.cpu,
    ...fargate
      ? mainContainerMemory(settings.memoryLimitMiB, {}, () => otherContainersMemory(taskDefinition, () => container))
      : { memoryLimitMiB: settings.memoryLimitMiB },
    portMappings: extras.portMappings,
    environment: Object.keys(environment).length > 0 ? environment : undefined,
    secrets: props.secrets,
    healthCheck: props.containerHealthCheck,
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: logStreamPrefix(settings.containerName) }),
  });
  addScratchVolumes(scope, container, props);
  if (fargate) {
    scope.node.addValidation({
      validate: () => mainContainerMemoryProblems(scope, settings.constructName, settings.memoryLimitMiB, {}, taskDefinition, container),
    });
  }
  acknowledgeEnvironment(taskDefinition, props, extras, !fargate && awsVpc);
  // The start order may name containers added to the task definition after the construct: known at synthesis.
  scope.node.addValidation({ validate: () => startOrderProblems(container, props, taskDefinition) });

  const vpc = props.cluster.vpc;
  const securityGroup = awsVpc ? new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc,
    description: securityGroupDescription(`Tasks of ${scope.node.path}: ${extras.securityGroupPurpose}`),
    allowAllOutbound: true,
  }) : undefined;

  const common = {
    cluster: props.cluster,
    taskDefinition,
    serviceName: props.serviceName,
    // No DesiredCount in the template: it would reset the count auto scaling chose at every update.
    minHealthyPercent: settings.minHealthyPercent,
    maxHealthyPercent: settings.maxHealthyPercent,
    circuitBreaker: (props.circuitBreaker ?? true) ? { enable: true, rollback: true } : undefined,
    capacityProviderStrategies: settings.strategies,
    enableExecuteCommand: props.enableExecuteCommand ?? false,
    propagateTags: ecs.PropagatedTagSource.SERVICE,
    enableECSManagedTags: true,
    serviceConnectConfiguration: extras.serviceConnectConfiguration,
  };
  const network = awsVpc ? {
    securityGroups: [securityGroup!],
    vpcSubnets: props.taskSubnets ?? { subnetType: settings.assignPublicIp ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS },
  } : {};
  const service: ecs.BaseService = buildWithExecuteCommand(taskDefinition, props.enableExecuteCommand, () => (fargate
    ? new ecs.FargateService(scope, 'Resource', {
      ...common,
      ...network,
      taskDefinition: taskDefinition as ecs.FargateTaskDefinition,
      assignPublicIp: settings.assignPublicIp,
    })
    : new ecs.Ec2Service(scope, 'Resource', {
      ...common,
      ...network,
      // Tasks spread over the Availability Zones, then packed on as few instances as memory allows.
      placementStrategies: [ecs.PlacementStrategy.spreadAcross(ecs.BuiltInAttributes.AVAILABILITY_ZONE), ecs.PlacementStrategy.packedByMemory()],
    })));
  if (settings.strategies) {
    // A service naming capacity providers fails to create before the cluster has them associated
    // (aws-cdk-lib adds the association to the cluster at synthesis: depend on the whole cluster).
    service.node.addDependency(props.cluster);
  }


  const connections = securityGroup
    ? service.connections
    : new ec2.Connections({
      securityGroups: settings.ec2Capacities
        ? settings.ec2Capacities.flatMap(c => c.connections.securityGroups)
        : props.cluster.connections.securityGroups,
    });
  const scaling = service.autoScaleTaskCount({ minCapacity: settings.minCapacity, maxCapacity: settings.maxCapacity });
  return { logGroup, taskDefinition, container, service, securityGroup, connections, scaling };
}

/** The scale-in and scale-out cooldowns of the service's scaling policies. */
export function cooldowns(props: ContainerServiceProps): { scaleInCooldown: Duration; scaleOutCooldown: Duration } {
  return {
    scaleInCooldown: props.scaleInCooldown ?? Duration.minutes(5),
    scaleOutCooldown: props.scaleOutCooldown ?? Duration.minutes(1),
  };
}

function acknowledgeEnvironment(taskDefinition: ecs.TaskDefinition, props: ContainerServiceProps, extras: TaskServiceExtras,
  ec2AwsVpc: boolean): void {
  const reasons: string[] = [];
  if (ec2AwsVpc) reasons.push('aws-cdk-lib sets AWS_REGION (the region name, not a secret) in every container of an awsvpc EC2 task.');
  if (extras.environmentReason) reasons.push(extras.environmentReason);
  if (props.environment && Object.keys(props.environment).length > 0) {
    reasons.push('The environment variables were passed as `environment`: non-secret configuration; secrets go through `secrets`.');
  }
  if (reasons.length > 0) Validations.of(taskDefinition).acknowledge({ id: 'AwsSolutions-ECS2', reason: reasons.join(' ') });
}

/** Adds the start order of `dependsOn` and reports the containers it names that the task lacks. */
function startOrderProblems(container: ecs.ContainerDefinition, props: ContainerServiceProps, taskDefinition: ecs.TaskDefinition): string[] {
  const problems: string[] = [];
  const dependencies = props.dependsOn ?? [];
  if (dependencies.length === 0) return problems;
  for (const dependency of dependencies) {
    if (dependency.containerName !== container.containerName && !taskDefinition.findContainer(dependency.containerName)) {
      problems.push(`dependsOn: the task has no container named "${dependency.containerName}": add it with ` +
        'taskDefinition.addContainer(id, { containerName, ... }), or fix the name.');
    }
  }
  if (problems.length === 0 && !STARTED.has(container)) {
    STARTED.add(container);
    addStartDependencies(container, props, name => taskDefinition.findContainer(name));
  }
  return problems;
}

/** Containers whose start order was added (validation may run more than once). */
const STARTED = new WeakSet<ecs.ContainerDefinition>();
