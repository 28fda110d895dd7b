/** Service Connect: the names other services reach a unit's ports by, and the check that they are unique in the app. */
import type { aws_ecs as ecs } from 'aws-cdk-lib';
import type { ComposeProblem } from '../model';
import { portMappingName, serviceDnsName } from '../names';
import type { Unit } from '../plan';

/**
 * Port mapping names must be unique in a task, and Service Connect makes
 * each one a Cloud Map service of the namespace: they must be unique in the
 * app. Derived names are unique for distinct services, except when a service
 * name looks like another's port name ("api-80" and "api" publishing 80).
 */
export function derivedNameProblems(
  fileName: string, fargate: boolean, units: Unit[], lineOf: (path: string) => number | undefined): ComposeProblem[] {
  const problems: ComposeProblem[] = [];
  const owners = new Map<string, string>();
  const claim = (name: string, service: string) => {
    const owner = owners.get(name);
    if (owner === undefined) {
      owners.set(name, service);
    } else if (owner !== service) {
      const where = `services.${service}`;
      problems.push({
        file: fileName,
        line: lineOf(where),
        path: where,
        received: service,
        fix: `Its Service Connect port name "${name}" is also one of service "${owner}" (port names are "<service>-<port>", and a web service's ` +
          'is its name on Fargate): rename one of the two services.',
      });
    }
  };
  for (const unit of units) {
    const fargateWeb = fargate ? unit.web : undefined;
    unit.members.forEach((member, index) => {
      for (const port of member.ports) {
        const isWebPort = fargateWeb !== undefined && index === 0 && port.containerPort === fargateWeb.port && port.protocol === 'tcp';
        if (!isWebPort) claim(portMappingName(member.name, port.containerPort, port.protocol), member.name);
      }
    });
    const web = unit.web;
    if (web && !fargate && !unit.members[0].ports.some(p => p.containerPort === web.port && p.protocol === 'tcp')) {
      claim(portMappingName(unit.members[0].name, web.port, 'tcp'), unit.members[0].name);
    }
    if (fargateWeb) {
      const main = unit.members[0].name;
      const dnsName = serviceDnsName(main);
      claim(dnsName, main);
      // FargateWebService names its Service Connect port and DNS name after the container, in this syntax.
      if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(dnsName)) {
        problems.push({
          file: fileName,
          line: lineOf(`services.${main}`),
          path: `services.${main}`,
          received: main,
          fix: 'On Fargate a web service runs as a FargateWebService, whose Service Connect name (the service name in lowercase) takes only ' +
            'letters, digits and "-": rename the service (e.g. "my-api" for "my_api").',
        });
      }
    }
  }
  return problems;
}

/** Service Connect entries: every TCP port of every member, by the member's Compose name. */
export function serviceConnectServices(unit: Unit, skip?: { member: string; port: number }): ecs.ServiceConnectService[] {
  return unit.members.flatMap(member => member.ports
    .filter(port => port.protocol === 'tcp' && !(skip && skip.member === member.name && skip.port === port.containerPort))
    .map(port => ({ portMappingName: portMappingName(member.name, port.containerPort, 'tcp'), dnsName: serviceDnsName(member.name), port: port.containerPort })));
}
