/**
 * `network_mode: host` on EC2: the task uses its instance's network, as the
 * container uses the host's under Compose. Service Connect does not run in
 * host network mode, so such a service is not reached by name (as under
 * Compose, where it is on no Compose network either): it listens on its
 * instance's address, on its container ports.
 */
import { Annotations, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { allowBetweenInstances } from './connections';
import { ComposeAppContext } from './unit';
import type { ComposeProblem } from '../model';
import type { Unit } from '../plan';

/** Whether the unit's task uses the host network mode. */
export function usesHostNetwork(unit: Unit): boolean {
  return unit.members.some(m => m.hostNetwork === true);
}

/** The containers of one task share its network mode, and links need bridge mode. */
export function hostNetworkProblems(fileName: string, units: Unit[], lineOf: (path: string) => number | undefined): ComposeProblem[] {
  const problems: ComposeProblem[] = [];
  for (const unit of units.filter(usesHostNetwork)) {
    const host = unit.members.find(m => m.hostNetwork)!;
    for (const member of unit.members) {
      const where = `services.${member.name}`;
      if (!member.hostNetwork) {
        problems.push({
          file: fileName,
          line: lineOf(where),
          path: where,
          received: member.name,
          fix: `It shares a task with "${host.name}" (links, volumes_from or depends_on: service_completed_successfully), which uses ` +
            `\`network_mode: host\`, and the containers of a task share one network mode: add \`network_mode: host\` to "${member.name}" too, ` +
            `or remove it from "${host.name}".`,
        });
      } else if (member.links.length > 0) {
        problems.push({
          file: fileName,
          line: lineOf(`${where}.links`),
          path: `${where}.links`,
          received: member.links.map(l => l.service),
          fix: 'Links need the bridge network mode: remove `links` (in host network mode the containers reach each other on localhost), ' +
            'or remove `network_mode: host`.',
        });
      }
    }
  }
  return problems;
}

/** Other tasks of the app reach a host-network task on its instance, on its container ports; a warning says how. */
export function connectHostNetworkUnit(context: ComposeAppContext, unit: Unit): void {
  const connections = context.props.cluster.connections;
  const ports = unit.members.flatMap(m => m.ports);
  for (const port of ports) {
    const ec2Port = port.protocol === 'udp' ? ec2.Port.udp(port.containerPort) : ec2.Port.tcp(port.containerPort);
    if (connections.securityGroups.length > 0) {
      allowBetweenInstances(connections, ec2Port, `${port.containerPort}/${port.protocol} of Compose service ${unit.id} (host network mode)`);
    }
  }
  const names = unit.members.map(m => `"${m.name}"`).join(', ');
  Annotations.of(context.app).addWarningV2('cdk-ecs-kit:ComposeApp.hostNetwork',
    `Service ${names} uses its instance's network (network_mode: host), as under Compose: Service Connect does not run in host network mode, ` +
    'so other services do not reach it by name and it does not reach them by name. It listens on its instance\'s address' +
    (ports.length > 0 ? `, on ${ports.map(p => `${p.containerPort}/${p.protocol}`).join(', ')} (open to the app's instances)` : '') +
    '; one task runs per instance. Remove `network_mode: host` to reach it by name.',
    { context: { service: unit.members[0].name } });
}
