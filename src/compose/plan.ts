/**
 * From the Compose model to the ECS services to create: which Compose services
 * share a task, which one is the web container behind the load balancer and
 * how requests reach it, how many tasks run, and the Fargate task size.
 */
import type { ComposeWebServiceOptions } from './compose-app-props';
import { ComposeProblem, ComposeService } from './model';
import { ComposePort, isHttpPort } from './ports';
import { DEFAULT_FARGATE_SIZE, FargateSize, largestFargateSize, smallestFargateSize } from './resources';

/** How one web service is routed, as given in code (`ComposeAppProps.webServices`). */
export type WebRouting = ComposeWebServiceOptions;

/** The web part of a unit: the container port the load balancer sends to, and its listener rule. */
export interface WebPlan {
  readonly port: number;
  readonly pathPatterns?: string[];
  readonly hostHeaders?: string[];
  readonly priority?: number;
  readonly healthCheckPath: string;
  readonly healthyHttpCodes?: string;
}

/** One ECS service with one task definition, running one or more Compose services as containers. */
export interface Unit {
  /** The construct id: the name of the unit's first Compose service nothing else links to. */
  readonly id: string;
  /** The main container (the web one when there is one) first, then the others in file order. */
  readonly members: ComposeService[];
  readonly web?: WebPlan;
  /** Tasks to run: the largest explicit `deploy.replicas` of the members. */
  readonly replicas?: number;
  /** Fargate only: the task size. */
  readonly size?: FargateSize;
  /** Whether a member mounts a named volume: deployments then stop the old task before starting the new one. */
  readonly stateful: boolean;
  readonly cpuArchitecture?: 'X86_64' | 'ARM64';
  /** Published ports that are not reached through the load balancer. */
  readonly internalPublishedPorts: { readonly service: string; readonly port: ComposePort }[];
}

export interface PlanOptions {
  readonly fargate: boolean;
  readonly webServices: Readonly<Record<string, WebRouting>>;
  /** Where a Compose path is in the file, for problems. */
  readonly lineOf: (path: string) => number | undefined;
  readonly fileName: string;
  /** The least CPU and memory of a Fargate task one of whose containers declares none (`defaultCpu`, `defaultMemoryMiB`). */
  readonly defaultSize?: FargateSize;
}

export interface Plan {
  readonly units: Unit[];
  readonly problems: ComposeProblem[];
}

/**
 * Plans the units of the selected services. Services that share volumes
 * (`volumes_from`) — and on EC2 services that are linked (`links`) — run in
 * one task: links and volumesFrom only work between containers of one task.
 */
export function planUnits(services: ComposeService[], options: PlanOptions): Plan {
  const problems: ComposeProblem[] = [];
  const report = (path: string, received: unknown, fix: string, inFile = true) => problems.push({
    file: inFile ? options.fileName : undefined, line: inFile ? options.lineOf(path) : undefined, path, received, fix,
  });
  const selected = services.filter(s => s.selected);
  const byName = new Map(selected.map(s => [s.name, s]));
  // One-shot services (others wait for them to complete) run as init containers in the tasks of the services waiting for them.
  const oneShot = new Set(selected.flatMap(s => s.dependsOn.filter(d => d.condition === 'completed').map(d => d.service)));
  const groups = groupServices(selected.filter(s => !oneShot.has(s.name)), options.fargate)
    .map(group => [...group, ...initContainersOf(group, byName)]);

  for (const name of Object.keys(options.webServices).filter(n => oneShot.has(n))) {
    report(`webServices.${name}`, name, 'Other services wait for this one to complete (service_completed_successfully): it runs once and exits, ' +
      'so it cannot serve behind the load balancer. Remove it from webServices, or wait for it with service_started.', false);
  }

  const units: Unit[] = [];
  const webUnits: { unit: Unit; explicit: boolean; main: ComposeService }[] = [];
  for (const group of groups) {
    const targets = new Set(group.flatMap(s => [
      ...s.volumesFrom.map(v => v.service),
      ...options.fargate ? [] : s.links.map(l => l.service),
      ...s.dependsOn.filter(d => d.condition === 'completed').map(d => d.service),
    ]));
    const root = group.find(s => !targets.has(s.name)) ?? group[0];

    // The web container: named in webServices, or the first member publishing an HTTP port. A one-shot
    // service runs to completion (it is not essential), so it cannot be the container the load balancer sends to.
    let web: { member: ComposeService; port: number } | undefined;
    for (const member of group) {
      const routing = options.webServices[member.name];
      if (routing && !oneShot.has(member.name)) {
        const port = routing.containerPort
          ?? member.ports.find(isHttpPort)?.containerPort
          ?? member.ports.find(p => p.published && p.protocol === 'tcp')?.containerPort
          ?? member.ports.find(p => p.protocol === 'tcp')?.containerPort;
        if (port === undefined) {
          report(`webServices.${member.name}`, member.name,
            'The service declares no TCP port (ports or expose): give webServices.<name>.containerPort, the port it serves HTTP on.', false);
          continue;
        }
        if (!web) web = { member, port };
      }
    }
    if (!web) {
      for (const member of group.filter(s => !oneShot.has(s.name))) {
        const port = member.ports.find(isHttpPort);
        if (port) {
          web = { member, port: port.containerPort };
          break;
        }
      }
    }
    const main = web?.member ?? root;
    const members = [main, ...group.filter(s => s !== main)];

    if (options.fargate && group.length > 1) {
      // In awsvpc mode the containers of a task share one network interface: a port can be used once.
      const seen = new Map<string, string>();
      for (const member of group) {
        for (const port of member.ports) {
          const key = `${port.containerPort}/${port.protocol}`;
          const other = seen.get(key);
          if (other !== undefined && other !== member.name) {
            report(`services.${member.name}.ports`, key,
              `"${member.name}" shares a task with "${other}" (volumes_from) and both listen on ${key}: containers of a Fargate task share one network interface, so change one of the ports.`);
          }
          seen.set(key, member.name);
        }
      }
    }

    const explicitReplicas = group.map(s => s.replicas).filter((r): r is number => r !== undefined);
    const size = options.fargate ? fargateSizeOf(group, report, options.defaultSize ?? DEFAULT_FARGATE_SIZE) : undefined;
    const architectures = [...new Set(group.map(s => s.cpuArchitecture).filter(a => a !== undefined))];
    if (architectures.length > 1) {
      report(`services.${main.name}.platform`, architectures.join(', '), 'Services that share a task run on one CPU architecture: give them the same `platform`.');
    }
    const internalPublishedPorts = group.flatMap(member => member.ports
      .filter(port => port.published && !(web && member === web.member && port.containerPort === web.port && port.protocol === 'tcp'))
      .map(port => ({ service: member.name, port })));

    const routing = web ? options.webServices[web.member.name] ?? {} : {};
    const unit: Unit = {
      id: root.name,
      members,
      web: web ? {
        port: web.port,
        pathPatterns: routing.pathPatterns,
        hostHeaders: routing.hostHeaders,
        priority: routing.priority,
        healthCheckPath: routing.healthCheckPath ?? web.member.healthCheck?.httpPath ?? '/',
        healthyHttpCodes: routing.healthyHttpCodes,
      } : undefined,
      replicas: explicitReplicas.length > 0 ? Math.max(...explicitReplicas) : undefined,
      size,
      stateful: group.some(s => s.mounts.some(m => m.kind === 'volume')),
      cpuArchitecture: architectures[0],
      internalPublishedPorts,
    };
    units.push(unit);
    if (web) webUnits.push({ unit, main: web.member, explicit: routing.pathPatterns !== undefined || routing.hostHeaders !== undefined });
  }

  // One default target: the first web service without routing of its own; the others by path, /<name> and /<name>/*.
  let hasDefault = webUnits.some(w => w.explicit && !w.unit.web!.pathPatterns?.length && !w.unit.web!.hostHeaders?.length);
  const routed = units.map(unit => {
    const webUnit = webUnits.find(w => w.unit === unit);
    if (!webUnit || webUnit.explicit) return unit;
    if (!hasDefault) {
      hasDefault = true;
      return unit;
    }
    return { ...unit, web: { ...unit.web!, pathPatterns: [`/${webUnit.main.name}`, `/${webUnit.main.name}/*`] } };
  });
  return { units: routed, problems };
}

/** The one-shot services a group waits for (service_completed_successfully), and the ones those wait for, in file order. */
function initContainersOf(group: ComposeService[], byName: Map<string, ComposeService>): ComposeService[] {
  const found = new Set<ComposeService>();
  const visit = (service: ComposeService) => {
    for (const dependency of service.dependsOn) {
      const target = byName.get(dependency.service);
      if (dependency.condition !== 'completed' || !target || group.includes(target) || found.has(target)) continue;
      found.add(target);
      visit(target);
    }
  };
  group.forEach(visit);
  const all = [...byName.values()];
  return [...found].sort((a, b) => all.indexOf(a) - all.indexOf(b));
}

/** Connected groups of services through volumes_from (and links on EC2), each in file order. */
export function groupServices(services: ComposeService[], fargate: boolean): ComposeService[][] {
  const parent = new Map(services.map(s => [s.name, s.name]));
  const find = (name: string): string => {
    let current = name;
    while (parent.get(current) !== current) current = parent.get(current)!;
    return current;
  };
  const union = (a: string, b: string) => {
    if (!parent.has(a) || !parent.has(b)) return;
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  };
  for (const service of services) {
    for (const from of service.volumesFrom) union(service.name, from.service);
    if (!fargate) for (const link of service.links) union(service.name, link.service);
  }
  const groups = new Map<string, ComposeService[]>();
  for (const service of services) {
    const root = find(service.name);
    groups.set(root, [...groups.get(root) ?? [], service]);
  }
  // Ordered by each group's first service in the file.
  return [...groups.values()].sort((a, b) => services.indexOf(a[0]) - services.indexOf(b[0]));
}

/** CPU units and MiB a container needs: the larger of its limit and reservation. */
export function containerNeeds(service: ComposeService): { cpu: number; memoryMiB: number } {
  return {
    cpu: Math.max(service.cpuLimit ?? 0, service.cpuReservation ?? 0),
    memoryMiB: Math.max(service.memoryLimitMiB ?? 0, service.memoryReservationMiB ?? 0),
  };
}

/**
 * The smallest Fargate size that fits what the containers declare, and at
 * least the default for CPU (or memory) when one of them declares none.
 */
function fargateSizeOf(group: ComposeService[], report: (path: string, received: unknown, fix: string) => void,
  defaultSize: FargateSize): FargateSize | undefined {
  const needs = group.map(containerNeeds);
  let cpu = needs.reduce((sum, n) => sum + n.cpu, 0);
  let memoryMiB = needs.reduce((sum, n) => sum + n.memoryMiB, 0);
  if (needs.some(n => n.cpu === 0)) cpu = Math.max(cpu, defaultSize.cpu);
  if (needs.some(n => n.memoryMiB === 0)) memoryMiB = Math.max(memoryMiB, defaultSize.memoryMiB);
  const size = smallestFargateSize(cpu, memoryMiB);
  if (!size) {
    const largest = largestFargateSize();
    const names = group.map(s => s.name).join('", "');
    const who = group.length > 1 ? `the services "${names}" share a task and together need` : 'the service needs';
    report(`services.${group[0].name}.deploy.resources`, `${cpu / 1024} vCPU, ${memoryMiB} MiB`,
      `No Fargate task size fits: ${who} ${cpu / 1024} vCPU and ${memoryMiB} MiB, and the largest Fargate task has ` +
      `${largestFargateSize().cpu / 1024} vCPU and ${largest.memoryMiB} MiB. Lower deploy.resources, or run on EC2 (taskCapacity: TaskCapacity.ec2()).`);
  }
  return size;
}
