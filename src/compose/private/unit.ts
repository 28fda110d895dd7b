/**
 * What the builders of a `ComposeApp` share: the app and what it created
 * before its units, and what is created for each unit.
 */
import {
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_efs as efs,
  aws_kms as kms,
  aws_logs as logs,
  aws_secretsmanager as secretsmanager,
  aws_servicediscovery as servicediscovery,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AppEndpoints } from './endpoints';
import type { TaskCapacity } from '../../cluster/task-capacity';
import type { LogGroupSecurity } from '../../core/hardening';
import type { FargateWebService } from '../../service/fargate-web-service';
import type { ISharedLoadBalancer } from '../../service/shared-load-balancer';
import type { ComposeAppProps } from '../compose-app-props';
import type { ComposeProject } from '../model';
import type { Unit } from '../plan';

/** The app the units are built in, and the resources they share. */
export interface ComposeAppContext {
  /** The `ComposeApp`: the scope of shared resources (images, secrets) and of the warnings. */
  readonly app: Construct;
  readonly props: ComposeAppProps;
  readonly fargate: boolean;
  /** Where Fargate web services run (the app's capacity, already checked): passed on to each FargateWebService. */
  readonly fargateCapacity: TaskCapacity;
  readonly project: ComposeProject;
  readonly serviceConnectNamespace: servicediscovery.INamespace;
  readonly loadBalancer?: ISharedLoadBalancer;
  readonly fileSystem?: efs.FileSystem;
  /** The access point of each named volume. */
  readonly accessPoints: ReadonlyMap<string, efs.AccessPoint>;
  /** The retention and key of the log groups the app creates (props, else the hardened profile, else the defaults). */
  readonly logGroupSecurity: LogGroupSecurity;
  /** The key of the file system and the generated secrets: `encryptionKey`, else the hardened profile's; `undefined` for AWS managed keys. */
  readonly encryptionKey?: kms.IKey;
  /** Whether the hardened profile covers the app (container defaults, volume POSIX users). */
  readonly hardened: boolean;
  /** The secret of each Compose secret used so far; filled by `secretFor`. */
  readonly secretsByName: Map<string, secretsmanager.ISecret>;
  /** The listeners of published ports (ALB ports of their own, the NLB). */
  readonly endpoints?: AppEndpoints;
}

/** What was created for one unit (an ECS service running one or more Compose services). */
export interface CreatedUnit {
  readonly unit: Unit;
  readonly service: ecs.BaseService;
  readonly taskDefinition: ecs.TaskDefinition;
  readonly containers: Map<string, ecs.ContainerDefinition>;
  readonly logGroup: logs.ILogGroup;
  readonly connections: ec2.Connections;
  readonly webService?: FargateWebService;
}

/** Deployment limits: services with named volumes stop the old task before the new one starts (no two writers). */
export function deploymentLimits(unit: Unit): { minHealthyPercent: number; maxHealthyPercent: number } {
  return unit.stateful ? { minHealthyPercent: 0, maxHealthyPercent: 100 } : { minHealthyPercent: 100, maxHealthyPercent: 200 };
}
