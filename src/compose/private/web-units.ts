/** Units whose main container serves HTTP: a FargateWebService on Fargate, a target group of the load balancer on EC2. */
import { Annotations, Duration, aws_ecs as ecs, aws_elasticloadbalancingv2 as elbv2 } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { derivedImage } from './config-image';
import { containerOptions, linuxParameters, memberContainerSettings, portMappings, wireContainers } from './containers';
import { addSecretFiles } from './secret-files';
import { serviceConnectServices } from './service-connect';
import { acknowledgeEnvironment, acknowledgeImagePull } from './task-definition';
import { ComposeAppContext, CreatedUnit, deploymentLimits } from './unit';
import { mountVolumes } from './volumes';
import { addScratchVolumes } from '../../core/container-settings';
import { FargateWebService } from '../../service/fargate-web-service';
import { serviceDnsName } from '../names';
import type { Unit } from '../plan';

/** A unit whose main container serves HTTP on Fargate: a FargateWebService on the shared load balancer. */
export function createFargateWebUnit(context: ComposeAppContext, unit: Unit): CreatedUnit {
  const web = unit.web!;
  const [main, ...others] = unit.members;
  const options = containerOptions(context, main, unit);
  const webService = new FargateWebService(context.app, unit.id, {
    cluster: context.props.cluster,
    image: derivedImage(context, unit, main) ?? options.image,
    containerName: main.name,
    containerPort: web.port,
    environment: options.environment,
    secrets: options.secrets,
    command: options.command,
    entryPoint: options.entryPoint,
    workingDirectory: options.workingDirectory,
    user: options.user,
    stopTimeout: options.stopTimeout,
    initProcessEnabled: main.init,
    ulimits: options.ulimits,
    capabilitiesAdd: main.capAdd as ecs.Capability[] | undefined,
    capabilitiesDrop: main.capDrop as ecs.Capability[] | undefined,
    containerCpu: options.cpu,
    containerMemoryLimitMiB: options.memoryLimitMiB,
    containerMemoryReservationMiB: options.memoryReservationMiB,
    containerHealthCheck: options.healthCheck,
    readonlyRootFilesystem: options.readonlyRootFilesystem,
    scratchVolumes: memberContainerSettings(context, main).scratchVolumes,
    cpu: unit.size!.cpu,
    memoryLimitMiB: unit.size!.memoryMiB,
    cpuArchitecture: unit.cpuArchitecture === 'ARM64' ? ecs.CpuArchitecture.ARM64 : undefined,
    loadBalancer: web.listenerPort === undefined ? context.loadBalancer : context.endpoints!.httpListener(web.listenerPort),
    pathPatterns: web.pathPatterns,
    hostHeaders: web.hostHeaders,
    priority: web.priority,
    healthCheckPath: web.healthCheckPath,
    healthyHttpCodes: web.healthyHttpCodes,
    // One writer per named volume: a stateful unit runs its task count (one by default) and never scales out.
    minCapacity: unit.stateful ? unit.replicas ?? 1 : unit.replicas,
    maxCapacity: unit.stateful ? unit.replicas ?? 1 : undefined,
    taskCapacity: context.fargateCapacity,
    ...deploymentLimits(unit),
    enableServiceConnect: true,
    serviceConnectNamespace: context.serviceConnectNamespace,
    serviceConnectDnsName: serviceDnsName(main.name),
    logRetention: context.props.logRetention,
    encryptionKey: context.props.encryptionKey,
    assignPublicIp: context.props.assignPublicIp,
  });
  const container = webService.container;
  if (options.systemControls) {
    // FargateWebService has no prop for them; its web container is the first of its task definition.
    (webService.taskDefinition.node.defaultChild as ecs.CfnTaskDefinition).addPropertyOverride('ContainerDefinitions.0.SystemControls',
      options.systemControls.map(c => ({ Namespace: c.namespace, Value: c.value })));
  }
  // The web container is always essential, as the plan never makes a one-shot service (others wait for it to complete) the web container.
  for (const [name, value] of Object.entries(options.dockerLabels ?? {})) container.addDockerLabel(name, value);
  // The web port is the service's own port mapping; its other ports are mapped too (reachable by IP inside the app).
  const extraPorts = portMappings(main, unit).filter(p => !(p.containerPort === web.port && p.protocol !== ecs.Protocol.UDP));
  if (extraPorts.length > 0) container.addPortMappings(...extraPorts);

  const containers = new Map<string, ecs.ContainerDefinition>([[main.name, container]]);
  for (const member of others) {
    const sidecarOptions = containerOptions(context, member, unit);
    const sidecar = webService.addSidecar(member.name, {
      ...sidecarOptions,
      image: derivedImage(context, unit, member) ?? sidecarOptions.image,
      linuxParameters: linuxParameters(context, webService, member),
      portMappings: portMappings(member, unit),
    });
    addScratchVolumes(context.app, sidecar, { scratchVolumes: memberContainerSettings(context, member).scratchVolumes });
    containers.set(member.name, sidecar);
  }
  wireContainers(context, unit, containers);
  addSecretFiles(context, webService, unit, webService.taskDefinition, containers, (id, initOptions) => webService.addSidecar(id, initOptions));
  const created: CreatedUnit = {
    unit,
    service: webService.service,
    taskDefinition: webService.taskDefinition,
    containers,
    logGroup: webService.logGroup,
    connections: webService.connections,
    webService,
  };
  mountVolumes(context, created);
  acknowledgeEnvironment(unit, webService.taskDefinition);
  acknowledgeImagePull(context, unit, webService.taskDefinition);

  const unreachable = [
    ...extraPorts.filter(p => p.protocol !== ecs.Protocol.UDP).map(p => `${main.name}:${p.containerPort}`),
    ...serviceConnectServices({ ...unit, members: others }).map(s => `${s.dnsName}:${s.port}`),
  ];
  if (unreachable.length > 0) {
    Annotations.of(context.app).addWarningV2('cdk-ecs-kit:ComposeApp.portNotReachableByName',
      `Service "${main.name}" is a web service: other services reach it by name on port ${web.port} only; ${unreachable.join(', ')} ` +
      'are mapped in its task but have no Service Connect name. Move them to a service of their own to reach them by name.',
      { context: { service: main.name } });
  }
  return created;
}

/** EC2 web units: a target group (instance targets on dynamic host ports) on the shared load balancer. */
export function attachEc2WebUnit(context: ComposeAppContext, scope: Construct, unit: Unit, service: ecs.BaseService): void {
  const web = unit.web!;
  const targetGroup = new elbv2.ApplicationTargetGroup(scope, 'TargetGroup', {
    vpc: context.props.cluster.vpc,
    protocol: elbv2.ApplicationProtocol.HTTP,
    port: web.port,
    targets: [service.loadBalancerTarget({ containerName: unit.members[0].name, containerPort: web.port })],
    deregistrationDelay: Duration.seconds(30),
    healthCheck: {
      enabled: true,
      path: web.healthCheckPath,
      healthyHttpCodes: web.healthyHttpCodes ?? '200-399',
      interval: Duration.seconds(15),
      timeout: Duration.seconds(5),
      healthyThresholdCount: 2,
      unhealthyThresholdCount: 3,
    },
  });
  const loadBalancer = web.listenerPort === undefined ? context.loadBalancer! : context.endpoints!.httpListener(web.listenerPort);
  loadBalancer.addTargetGroup(scope, 'ListenerRule', {
    targetGroup,
    pathPatterns: web.pathPatterns,
    hostHeaders: web.hostHeaders,
    priority: web.priority,
  });
}
