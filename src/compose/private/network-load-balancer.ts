/**
 * The app's Network Load Balancer: one listener per published TCP/UDP port
 * that is not HTTP (DNS, game servers, VPNs, Logstash inputs), made when the
 * first one is needed.
 */
import {
  Duration,
  Validations,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_elasticloadbalancingv2 as elbv2,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { securityGroupDescription } from '../../core/names';
import type { PortEndpoint } from '../endpoints';

/** First and last port of the range Docker picks dynamic host ports from (bridge mode). */
const EPHEMERAL_PORTS = ec2.Port.tcpRange(32768, 65535);

/** A CIDR block clients may connect from, and how rule descriptions name it. */
export interface IngressSource {
  readonly peer: ec2.IPeer;
  readonly label: string;
  /** Whether it is the whole internet (0.0.0.0/0 or ::/0). */
  readonly world: boolean;
}

export interface AppNetworkLoadBalancerProps {
  readonly vpc: ec2.IVpc;
  readonly internetFacing: boolean;
  readonly subnets?: ec2.SubnetSelection;
  /** Where clients may connect from. */
  readonly ingress: IngressSource[];
  readonly deletionProtection: boolean;
}

/** What a service needs to be a target of a network endpoint. */
export interface NetworkTarget {
  readonly service: ecs.BaseService;
  /** The security groups of the tasks (Fargate) or of the container instances (EC2). */
  readonly connections: ec2.Connections;
  /** Fargate: IP targets on the container port; EC2: instance targets on dynamic host ports. */
  readonly fargate: boolean;
}

/** The cdk-nag packs of the hardened profile that report a Network Load Balancer without logs or certificates. */
const COMPLIANCE_PACKS = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'];

const PROTOCOLS = {
  tcp: { protocol: elbv2.Protocol.TCP, id: 'Tcp', ports: (p: number) => [ec2.Port.tcp(p)] },
  udp: { protocol: elbv2.Protocol.UDP, id: 'Udp', ports: (p: number) => [ec2.Port.udp(p)] },
  tcp_udp: { protocol: elbv2.Protocol.TCP_UDP, id: 'TcpUdp', ports: (p: number) => [ec2.Port.tcp(p), ec2.Port.udp(p)] },
};

/**
 * An internet-facing (or internal, as the app's load balancer options say)
 * Network Load Balancer with a security group that opens only its listener
 * ports to the allowed CIDR blocks and sends only to its targets.
 */
export class AppNetworkLoadBalancer extends Construct {
  public readonly loadBalancer: elbv2.NetworkLoadBalancer;
  public readonly securityGroup: ec2.SecurityGroup;
  private readonly props: AppNetworkLoadBalancerProps;

  constructor(scope: Construct, id: string, props: AppNetworkLoadBalancerProps) {
    super(scope, id);
    this.props = props;
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: securityGroupDescription(
        `Network load balancer ${this.node.path}: listener ports from ${props.internetFacing ? 'the allowed CIDR blocks' : 'inside the network'}, out to its targets only`),
      allowAllOutbound: false,
    });
    this.loadBalancer = new elbv2.NetworkLoadBalancer(this, 'Resource', {
      vpc: props.vpc,
      internetFacing: props.internetFacing,
      vpcSubnets: props.subnets,
      securityGroups: [this.securityGroup],
      deletionProtection: props.deletionProtection,
    });
    const noLogs = 'A Network Load Balancer writes access logs only for TLS listeners; this one has TCP and UDP listeners only ' +
      '(the published Compose ports, passed through to the tasks), so there is nothing to log. The VPC\'s flow logs record its flows.';
    for (const rule of ['AwsSolutions-ELB2', ...COMPLIANCE_PACKS.map(pack => `${pack}-ELBLoggingEnabled`)]) {
      Validations.of(this.loadBalancer).acknowledge({ id: rule, reason: noLogs });
    }
    if (props.ingress.some(source => source.world)) {
      Validations.of(this.securityGroup).acknowledge({
        id: 'AwsSolutions-EC23',
        reason: 'This load balancer serves the ports the Compose file publishes (ports): only its listener ports are open to the ' +
          'allowed CIDR blocks, and the tasks accept traffic only from this security group.',
      });
    }
  }

  /** A listener on the endpoint's port, forwarding to the service's container port through a target group. */
  public addEndpoint(endpoint: PortEndpoint, target: NetworkTarget): elbv2.NetworkListener {
    const kind = PROTOCOLS[endpoint.protocol];
    const id = `${kind.id}${endpoint.listenerPort}`;
    const targetGroup = new elbv2.NetworkTargetGroup(this, `${id}Targets`, {
      vpc: this.props.vpc,
      port: endpoint.containerPort,
      protocol: kind.protocol,
      targets: [target.service.loadBalancerTarget({
        containerName: endpoint.service,
        containerPort: endpoint.containerPort,
        // A port published with TCP and UDP has one port mapping (ECS maps a container port once): the TCP one.
        protocol: endpoint.protocol === 'udp' ? ecs.Protocol.UDP : ecs.Protocol.TCP,
      })],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        enabled: true,
        // UDP cannot be health-checked: a TCP connection to a TCP port of the container says it is up.
        protocol: elbv2.Protocol.TCP,
        port: endpoint.healthCheckPort === undefined ? undefined : String(endpoint.healthCheckPort),
        interval: Duration.seconds(10),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });
    const listener = this.loadBalancer.addListener(id, {
      port: endpoint.listenerPort,
      protocol: kind.protocol,
      defaultTargetGroups: [targetGroup],
    });
    for (const pack of COMPLIANCE_PACKS) {
      Validations.of(listener).acknowledge({
        id: `${pack}-ELBv2ACMCertificateRequired`,
        reason: 'A TCP or UDP listener passes the published Compose port through to the task (the server speaks its own protocol, ' +
          'e.g. DNS or a game protocol, and encrypts it if it does); only a TLS listener can hold an ACM certificate.',
      });
    }
    for (const source of this.props.ingress) {
      for (const port of kind.ports(endpoint.listenerPort)) {
        this.securityGroup.addIngressRule(source.peer, port, `${endpoint.service} ${port.toString()} from ${source.label}`);
      }
    }
    const description = `Network load balancer to Compose service ${endpoint.service}`;
    if (target.fargate) {
      const healthCheck = endpoint.healthCheckPort === undefined ? [] : [ec2.Port.tcp(endpoint.healthCheckPort)];
      const ports = [...kind.ports(endpoint.containerPort), ...healthCheck];
      for (const port of ports) this.loadBalancer.connections.allowTo(target.connections, port, description);
    } else {
      this.loadBalancer.connections.allowTo(target.connections, EPHEMERAL_PORTS, `${description} (dynamic host ports)`);
    }
    return listener;
  }
}
