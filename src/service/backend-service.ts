import {
  aws_cloudwatch as cloudwatch,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_iam as iam,
  aws_logs as logs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { BackendServiceProps } from './backend-service-props';
import type { FargateWebServiceProps } from './fargate-web-service-props';
import { checkServiceConnectNames, registerServiceConnectNames, serviceConnectNames } from './private/service-connect';
import { buildTaskService, cooldowns } from './private/task-service';
import { checkPercent, taskServiceSettings } from './private/task-service-checks';
import { PropValidator, isUnresolved } from '../core/validation';

/** ECS's range of dynamic host ports, which bridge-mode tasks are reached on. */
const DYNAMIC_HOST_PORTS = ec2.Port.tcpRange(32768, 65535);

/**
 * A service reachable only inside the VPC, by name, through ECS Service
 * Connect (e.g. `http://api:8080` from the other services of the namespace):
 * no load balancer. Its tasks run on Fargate or on the cluster's EC2 capacity
 * (`taskCapacity`).
 *
 * Defaults: 2 to 10 tasks, target tracking on 70% CPU; circuit breaker with
 * rollback; on Fargate, tasks in private subnets with their own security
 * group that lets nothing in until `allowFrom`; logs kept 30 days.
 *
 * @example
 * import { BackendService } from 'cdk-ecs-kit';
 *
 * declare const cluster: EcsCluster; // with cloudMapNamespaceName: 'internal'
 * declare const web: FargateWebService;
 * const api = new BackendService(this, 'Api', {
 *   cluster,
 *   image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/httpd:2.4'),
 *   containerPort: 8080,
 *   serviceConnectDnsName: 'api',
 * });
 * api.allowFrom(web);
 */
export class BackendService extends Construct implements ec2.IConnectable, iam.IGrantable {
  /** The ECS service (the construct's `Resource`): a `FargateService` or an `Ec2Service`. */
  public readonly service: ecs.BaseService;

  /** The task definition: a `FargateTaskDefinition` or an `Ec2TaskDefinition`. */
  public readonly taskDefinition: ecs.TaskDefinition;

  /** The main container. */
  public readonly container: ecs.ContainerDefinition;

  /** The log group of the containers. */
  public readonly logGroup: logs.ILogGroup;

  /** The auto scaling of the task count. */
  public readonly scaling: ecs.ScalableTaskCount;

  /** The security group of the tasks (network mode awsvpc); undefined in bridge mode, where tasks use their instances' groups. */
  public readonly securityGroup?: ec2.ISecurityGroup;

  /** The Service Connect DNS name other services call, e.g. `api`. */
  public readonly serviceConnectDnsName: string;

  /** The port the service is reached on through Service Connect. */
  public readonly containerPort: number;

  /**
   * The tasks' network identity: their security group (awsvpc), or in bridge
   * mode the security groups of the instances they run on (rules then apply
   * to every task on those instances).
   */
  public readonly connections: ec2.Connections;

  /** The task role: grants to the service go to the role its containers run as. */
  public readonly grantPrincipal: iam.IPrincipal;

  private readonly bridge: boolean;

  constructor(scope: Construct, id: string, props: BackendServiceProps) {
    super(scope, id);
    const validator = new PropValidator(this, 'BackendService');
    const settings = taskServiceSettings(validator, props, { constructName: 'BackendService', containerName: 'app', minCapacity: 2 });
    validator.checkInteger('containerPort', props.containerPort, 1, 65535);
    if (props.containerPort === undefined) validator.report('containerPort', undefined, 'Give the port the container listens on, e.g. 8080.');
    checkPercent(validator, 'targetCpuUtilizationPercent', props.targetCpuUtilizationPercent);
    checkPercent(validator, 'targetMemoryUtilizationPercent', props.targetMemoryUtilizationPercent);
    const namespace = props.serviceConnectNamespace ?? props.cluster?.defaultCloudMapNamespace;
    if (props.cluster && !namespace) {
      validator.report('serviceConnectNamespace', undefined,
        'A backend service is reached through Service Connect, which needs a Cloud Map namespace: give serviceConnectNamespace, or ' +
        'give the cluster a default namespace (EcsCluster: cloudMapNamespaceName: \'internal\').');
    }
    if (props.serviceConnectDnsName !== undefined) {
      validator.check('serviceConnectDnsName', props.serviceConnectDnsName, /^[a-z0-9]([a-z0-9-]{0,62})$/.test(props.serviceConnectDnsName),
        'Use up to 63 lowercase letters, digits and "-", starting with a letter or digit (e.g. "api").');
    }
    const containerName = settings?.containerName ?? props.containerName ?? 'app';
    const names = serviceConnectNames(props.serviceConnectDnsName, isUnresolved(containerName) ? 'app' : containerName);
    // The kit's Service Connect names are unique per namespace across its service kinds.
    const namesProps = {
      cluster: props.cluster,
      image: props.image,
      serviceConnectNamespace: props.serviceConnectNamespace,
      serviceConnectDnsName: props.serviceConnectDnsName,
    } as FargateWebServiceProps;
    if (namespace) checkServiceConnectNames(validator, this, namesProps, names);
    validator.throwIfInvalid();
    registerServiceConnectNames(this, namesProps, names);

    this.containerPort = props.containerPort;
    this.serviceConnectDnsName = names.dnsName;
    this.bridge = settings!.networkMode === ecs.NetworkMode.BRIDGE;
    const parts = buildTaskService(this, props, settings!, {
      portMappings: [{ containerPort: props.containerPort, name: names.portName, appProtocol: props.appProtocol }],
      serviceConnectConfiguration: {
        namespace: props.serviceConnectNamespace?.namespaceArn,
        services: [{ portMappingName: names.portName, dnsName: names.dnsName, port: props.containerPort }],
      },
      securityGroupPurpose: 'nothing allowed in until allowFrom',
    });
    this.service = parts.service;
    this.taskDefinition = parts.taskDefinition;
    this.container = parts.container;
    this.logGroup = parts.logGroup;
    this.scaling = parts.scaling;
    this.securityGroup = parts.securityGroup;
    this.connections = parts.connections;
    this.grantPrincipal = parts.taskDefinition.taskRole;

    this.scaling.scaleOnCpuUtilization('CpuScaling', {
      targetUtilizationPercent: props.targetCpuUtilizationPercent ?? 70,
      ...cooldowns(props),
    });
    if (props.targetMemoryUtilizationPercent !== undefined) {
      this.scaling.scaleOnMemoryUtilization('MemoryScaling', {
        targetUtilizationPercent: props.targetMemoryUtilizationPercent,
        ...cooldowns(props),
      });
    }
  }

  /**
   * Lets `peer` (e.g. another service, a Lambda function in the VPC) reach the
   * service: on the container port in awsvpc mode; in bridge mode, on ECS's
   * dynamic host ports (32768–65535) of the instances the tasks run on.
   */
  public allowFrom(peer: ec2.IConnectable): void {
    this.connections.allowFrom(peer, this.bridge ? DYNAMIC_HOST_PORTS : ec2.Port.tcp(this.containerPort));
  }

  /** The role the containers run with: no permissions until you grant some. */
  public get taskRole(): iam.IRole {
    return this.taskDefinition.taskRole;
  }

  /** CPU utilization of the service, in percent of its reservation; Average over 5 minutes. */
  public metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.service.metricCpuUtilization(props);
  }

  /** Memory utilization of the service, in percent of its reservation; Average over 5 minutes. */
  public metricMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.service.metricMemoryUtilization(props);
  }
}
