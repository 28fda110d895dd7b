/**
 * A listener of the app's Application Load Balancer on a Compose host port
 * other than 80/443 (e.g. 8080), whose default action is one service: what
 * `ports: ["8080:8080"]` means under Compose, where the app serves `/` on
 * that port (not under a path prefix it does not know).
 */
import {
  Duration,
  aws_certificatemanager as acm,
  aws_cloudwatch as cloudwatch,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_elasticloadbalancingv2 as elbv2,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IngressSource } from './network-load-balancer';
import type { ISharedLoadBalancer } from '../../service/shared-load-balancer';
import type { SharedLoadBalancerTargetOptions } from '../../service/shared-load-balancer-props';

export interface PortListenerProps {
  /** The app's load balancer (created by the app: its security group is the app's to open). */
  readonly shared: ISharedLoadBalancer;
  readonly port: number;
  /** HTTPS with this certificate when the load balancer has one, HTTP otherwise. */
  readonly certificate?: acm.ICertificate;
  /** Where clients may connect from (the load balancer's `ingressCidrs`, or their default). */
  readonly ingress: IngressSource[];
  /** The host name of the URL. */
  readonly host: string;
}

/**
 * A listener on one port of the shared load balancer, as an `ISharedLoadBalancer`
 * whose only target is its default action: a `FargateWebService` attaches to it
 * as to the shared load balancer.
 */
export class PortListener extends Construct implements ISharedLoadBalancer {
  public readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  public readonly listener: elbv2.ApplicationListener;
  public readonly vpc: ec2.IVpc;
  public readonly url: string;
  public readonly connections: ec2.Connections;
  private attached = false;

  constructor(scope: Construct, id: string, props: PortListenerProps) {
    super(scope, id);
    this.loadBalancer = props.shared.loadBalancer;
    this.vpc = props.shared.vpc;
    this.connections = props.shared.connections;
    this.listener = new elbv2.ApplicationListener(this, 'Resource', {
      loadBalancer: props.shared.loadBalancer,
      port: props.port,
      protocol: props.certificate ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP,
      certificates: props.certificate ? [props.certificate] : undefined,
      sslPolicy: props.certificate ? elbv2.SslPolicy.RECOMMENDED_TLS : undefined,
      open: false,
    });
    for (const source of props.ingress) {
      this.connections.allowFrom(source.peer, ec2.Port.tcp(props.port), `${props.certificate ? 'HTTPS' : 'HTTP'} from ${source.label}`);
    }
    this.url = `${props.certificate ? 'https' : 'http'}://${props.host}:${props.port}`;
  }

  /** The target group becomes the listener's default action (a listener on its own port serves one service). */
  public addTargetGroup(_scope: Construct, _id: string, options: SharedLoadBalancerTargetOptions): elbv2.ApplicationListenerRule | undefined {
    this.listener.addTargetGroups('Default', { targetGroups: [options.targetGroup] });
    this.attached = true;
    return undefined;
  }

  /**
   * Sends the listener's requests to a container port of a service other than
   * its web port, through a target group (`Targets`) whose health check counts
   * any HTTP answer below 500 as healthy: the port's health path is unknown.
   */
  public attachService(service: ecs.BaseService, containerName: string, containerPort: number,
    healthCheckPath: string): elbv2.ApplicationTargetGroup {
    const targetGroup = new elbv2.ApplicationTargetGroup(this, 'Targets', {
      vpc: this.vpc,
      protocol: elbv2.ApplicationProtocol.HTTP,
      port: containerPort,
      targets: [service.loadBalancerTarget({ containerName, containerPort })],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        enabled: true,
        path: healthCheckPath,
        healthyHttpCodes: '200-499',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });
    this.addTargetGroup(this, 'Default', { targetGroup });
    return targetGroup;
  }

  /** Whether a service is attached (the planner gives each listener port to one service). */
  public get hasTarget(): boolean {
    return this.attached;
  }

  public metricRequestCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.loadBalancer.metrics.requestCount(props);
  }

  public metricHttpCodeElb(code: elbv2.HttpCodeElb, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.loadBalancer.metrics.httpCodeElb(code, props);
  }

  public metricHttpCodeTarget(code: elbv2.HttpCodeTarget, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.loadBalancer.metrics.httpCodeTarget(code, props);
  }

  public metricTargetResponseTime(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.loadBalancer.metrics.targetResponseTime(props);
  }
}
