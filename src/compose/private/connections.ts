/** How the units reach and wait for each other, and the warning for published ports nothing outside the app reaches. */
import { Annotations, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { ComposeAppContext, CreatedUnit } from './unit';
import type { Unit } from '../plan';

/** First port of the range Docker picks dynamic host ports from (bridge mode). */
const EPHEMERAL_PORTS = ec2.Port.tcpRange(32768, 65535);

/** Published ports that are not served through the load balancer: only the app's services reach them, so say so. */
export function warnInternalPorts(context: ComposeAppContext, unit: Unit): void {
  const byService = new Map<string, string[]>();
  for (const { service, port } of unit.internalPublishedPorts) {
    byService.set(service, [...byService.get(service) ?? [], `${port.hostPort ?? port.containerPort}:${port.containerPort}/${port.protocol}`]);
  }
  for (const [service, ports] of byService) {
    Annotations.of(context.app).addWarningV2('cdk-ecs-kit:ComposeApp.portNotPublic',
      `Service "${service}" publishes ${ports.join(', ')} (ports), which stay inside the app (a loopback host IP, a database, broker or debugger port, or a port taken): ` +
      'only the app\'s other services reach them, nothing outside the VPC does (the host ports are not used). ' +
      'To publish a port, give publishedPorts, e.g. { "<service>:<host port>": ComposePortEndpoint.NETWORK_LOAD_BALANCER } ' +
      '(or APPLICATION_LOAD_BALANCER for HTTP, or name the service in `webServices`).',
      { context: { service } });
  }
}

/** Every service may reach every other one on its declared ports (Service Connect), and nothing else. */
export function connectUnits(context: ComposeAppContext, units: Unit[], created: ReadonlyMap<string, CreatedUnit>): void {
  if (!context.fargate) {
    const connections = context.props.cluster.connections;
    if (units.length > 0 && connections.securityGroups.length > 0) {
      allowBetweenInstances(connections, EPHEMERAL_PORTS, 'Service Connect between bridge-mode tasks on dynamic host ports');
    }
    return;
  }
  for (const unit of units) {
    const target = created.get(unit.members[0].name)!;
    const ports = unit.members.flatMap(m => m.ports);
    for (const other of units) {
      if (other === unit) continue;
      const source = created.get(other.members[0].name)!;
      for (const port of ports) {
        const ec2Port = port.protocol === 'udp' ? ec2.Port.udp(port.containerPort) : ec2.Port.tcp(port.containerPort);
        target.connections.allowFrom(source.connections, ec2Port, `${port.containerPort}/${port.protocol} from Compose service ${other.id}`);
      }
    }
  }
}

/**
 * Lets the instances' security groups reach each other on `port`: the ingress
 * rules of `allowInternally` (also for capacities added later), and egress
 * rules only on groups that do not allow all outbound traffic.
 * `allowInternally` adds egress rules to every group, and a group that allows
 * all outbound traffic ignores them with the warning
 * `@aws-cdk/aws-ec2:ipv4IgnoreEgressRule` (the cluster's EC2 capacity's does).
 */
export function allowBetweenInstances(connections: ec2.Connections, port: ec2.Port, description: string): void {
  // Connections.allowFrom itself: its egress half is skipped, as the source is the same Connections.
  connections.allowFrom(connections, port, description);
  for (const group of connections.securityGroups.filter(g => !g.allowAllOutbound)) {
    for (const peer of connections.securityGroups) group.addEgressRule(peer, port, description);
  }
}

/** depends_on, links and volumes_from across tasks: CloudFormation creates (and stabilizes) the dependency first. */
export function orderUnits(units: Unit[], created: ReadonlyMap<string, CreatedUnit>): void {
  for (const unit of units) {
    const service = created.get(unit.members[0].name)!.service;
    for (const member of unit.members) {
      const targets = [...member.dependsOn.map(d => d.service), ...member.links.map(l => l.service)];
      for (const target of targets) {
        const other = created.get(target);
        if (other && other.unit !== unit) service.node.addDependency(other.service);
      }
    }
  }
}
