import { aws_ecs as ecs, aws_servicediscovery as servicediscovery } from 'aws-cdk-lib';
import { ContainerServiceProps } from './container-service-props';

/**
 * Properties of a `BackendService`.
 */
export interface BackendServiceProps extends ContainerServiceProps {
  /**
   * The port the container listens on (1–65535). Other services of the
   * namespace reach it at `<serviceConnectDnsName>:<containerPort>`.
   */
  readonly containerPort: number;

  /**
   * Service Connect DNS name of the service: up to 63 lowercase letters,
   * digits and `-`. It is also the port mapping name and the Cloud Map
   * service name, unique in the namespace.
   *
   * @default - the container name in lowercase, other characters than
   * letters, digits, `_` and `-` replaced by `-`
   */
  readonly serviceConnectDnsName?: string;

  /**
   * Cloud Map namespace for Service Connect.
   *
   * @default - the cluster's default namespace (`EcsCluster`: `cloudMapNamespaceName`);
   * required when the cluster has none
   */
  readonly serviceConnectNamespace?: servicediscovery.INamespace;

  /**
   * Application protocol of the port, so that Service Connect reports its
   * HTTP (or gRPC) metrics and retries; plain TCP otherwise.
   *
   * @default - none: TCP
   */
  readonly appProtocol?: ecs.AppProtocol;

  /**
   * Average CPU utilization (percent, 1–100) that auto scaling keeps the service at.
   *
   * @default 70
   */
  readonly targetCpuUtilizationPercent?: number;

  /**
   * Average memory utilization (percent, 1–100) that auto scaling keeps the service at.
   *
   * @default - memory does not drive scaling
   */
  readonly targetMemoryUtilizationPercent?: number;
}
