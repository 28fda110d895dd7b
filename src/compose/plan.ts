/**
 * From the Compose model to the ECS services to create: which Compose services
 * share a task, which one is the web container behind the load balancer and
 * how requests reach it, how many tasks run, and the Fargate task size.
 */
import type { ComposeWebServiceOptions } from './compose-app-props';
import {
  EndpointKind, MAIN_LISTENER_PORTS, MAX_TARGET_GROUPS_PER_SERVICE, PortEndpoint, endpointKindOf, hostPortOf, networkEndpoints, readPublishedPorts,
} from './endpoints';
import { ComposeProblem, ComposeService, ComposeWarning } from './model';
import { ComposePort } from './ports';
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
  /**
   * The web port is the default target of a listener of its own on this port
   * (its Compose host port) rather than of the main listener (80/443).
   */
  readonly listenerPort?: number;
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
  /** Published ports served on listeners of their own (ALB or NLB), besides the web port. */
  readonly endpoints: PortEndpoint[];
}

export interface PlanOptions {
  readonly fargate: boolean;
  readonly webServices: Readonly<Record<string, WebRouting>>;
  /** Where a Compose path is in the file, for problems. */
  readonly lineOf: (path: string) => number | undefined;
  readonly fileName: string;
  /** The least CPU and memory of a Fargate task one of whose containers declares none (`defaultCpu`, `defaultMemoryMiB`). */
  readonly defaultSize?: FargateSize;
  /** How published ports are reached, by `<service>:<host port>[/<protocol>]` (the `publishedPorts` prop). */
  readonly publishedPorts?: Readonly<Record<string, EndpointKind>>;
  /**
   * Whether the app may add listeners to its Application Load Balancer (it created it);
   * with a load balancer given in `loadBalancer`, other web services are routed by path.
   */
  readonly ownListeners?: boolean;
}

export interface Plan {
  readonly units: Unit[];
  readonly problems: ComposeProblem[];
  readonly warnings: ComposeWarning[];
}

/**
 * Plans the units of the selected services. Services that share volumes
 * (`volumes_from`) — and on EC2 services that are linked (`links`) — run in
 * one task: links and volumesFrom only work between containers of one task.
 */
export function planUnits(services: ComposeService[], options: PlanOptions): Plan {
  const problems: ComposeProblem[] = [];
  const warnings: ComposeWarning[] = [];
  const report = (path: string, received: unknown, fix: string, inFile = true) => problems.push({
    file: inFile ? options.fileName : undefined, line: inFile ? options.lineOf(path) : undefined, path, received, fix,
  });
  const selected = services.filter(s => s.selected);
  const overrides = readPublishedPorts(services, options.publishedPorts ?? {});
  problems.push(...overrides.problems);
  const kindOf = (member: ComposeService, port: ComposePort) => endpointKindOf(overrides.kinds, member.name, port);
  const isHttp = (member: ComposeService) => (port: ComposePort) => kindOf(member, port) === 'http';
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
          ?? member.ports.find(isHttp(member))?.containerPort
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
        const port = member.ports.find(isHttp(member));
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
    const isWebPort = (member: ComposeService, port: ComposePort) =>
      web !== undefined && member === web.member && port.containerPort === web.port && port.protocol === 'tcp';
    const internalPublishedPorts: Unit['internalPublishedPorts'][number][] = [];
    const endpoints: PortEndpoint[] = [];
    for (const member of group) {
      const published = member.ports.filter(port => port.published && !isWebPort(member, port));
      // A one-shot service exits: nothing can serve its ports behind a load balancer.
      const kinds = published.map(port => oneShot.has(member.name) ? 'internal' : kindOf(member, port));
      published.forEach((port, i) => {
        if (kinds[i] === 'internal') internalPublishedPorts.push({ service: member.name, port });
        if (kinds[i] === 'http') {
          endpoints.push({
            kind: 'http',
            service: member.name,
            listenerPort: hostPortOf(port),
            containerPort: port.containerPort,
            protocol: 'tcp',
            healthCheckPath: member.healthCheck?.httpPath ?? '/',
          });
        }
      });
      const network = published.filter((_, i) => kinds[i] === 'network');
      if (network.length === 0) continue;
      if (!options.fargate && network.some(p => p.protocol === 'udp')) {
        // Bridge mode maps host ports dynamically per protocol: the NLB cannot reach a UDP port and health-check it on a TCP one.
        const udp = network.filter(p => p.protocol === 'udp');
        warnings.push({
          code: 'udpPortNotPublic',
          message: `Service "${member.name}" publishes ${udp.map(p => `${hostPortOf(p)}:${p.containerPort}/udp`).join(', ')}: on EC2 (bridge network mode) ` +
            'ECS maps host ports dynamically per protocol, so a Network Load Balancer cannot send UDP to the task and health-check it over TCP. ' +
            'Only the app\'s services reach these ports. Run the app on Fargate (taskCapacity: TaskCapacity.fargate()) to publish them.',
          context: { service: member.name },
        });
        internalPublishedPorts.push(...udp.map(port => ({ service: member.name, port })));
      }
      const served = options.fargate ? network : network.filter(p => p.protocol === 'tcp');
      const found = networkEndpoints(member, served, web && member === web.member ? web.port : undefined);
      endpoints.push(...found.endpoints);
      for (const port of found.unchecked) {
        report(`services.${member.name}.ports`, `${hostPortOf(port)}:${port.containerPort}/udp`,
          'A Network Load Balancer health-checks UDP targets over TCP, and the service declares no TCP port: add a TCP port the server ' +
          `answers on (e.g. its query or RCON port) to \`expose\`, or keep the port inside the app with publishedPorts: { "${member.name}:${hostPortOf(port)}/udp": ` +
          'ComposePortEndpoint.NONE }.');
      }
    }

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
      endpoints,
    };
    units.push(unit);
    if (web) webUnits.push({ unit, main: web.member, explicit: routing.pathPatterns !== undefined || routing.hostHeaders !== undefined });
  }

  // The main listener's default target: the web service published on host port 80 or 443, else the first one without routing
  // of its own. The others get a listener of their own on their Compose host port, or, when their web port is not published
  // (or the load balancer was given, shared with others), the paths /<name> and /<name>/*.
  const ownListeners = options.ownListeners ?? true;
  const webHostPort = (w: typeof webUnits[number]) => {
    const port = w.main.ports.find(p => p.published && p.protocol === 'tcp' && p.containerPort === w.unit.web!.port);
    return port ? hostPortOf(port) : undefined;
  };
  const hasDefault = webUnits.some(w => w.explicit && !w.unit.web!.pathPatterns?.length && !w.unit.web!.hostHeaders?.length);
  const candidates = webUnits.filter(w => !w.explicit);
  const defaultUnit = hasDefault ? undefined : candidates.find(w => MAIN_LISTENER_PORTS.includes(webHostPort(w) ?? 0)) ?? candidates[0];
  const albPorts = new Set(MAIN_LISTENER_PORTS);
  const routed = units.map(unit => {
    const webUnit = webUnits.find(w => w.unit === unit);
    if (!webUnit || webUnit.explicit || webUnit === defaultUnit) return unit;
    const hostPort = webHostPort(webUnit);
    if (ownListeners && hostPort !== undefined && !albPorts.has(hostPort)) {
      albPorts.add(hostPort);
      return { ...unit, web: { ...unit.web!, listenerPort: hostPort } };
    }
    return { ...unit, web: { ...unit.web!, pathPatterns: [`/${webUnit.main.name}`, `/${webUnit.main.name}/*`] } };
  }).map(unit => {
    // Other published HTTP ports: a listener each, unless their port is taken (then they stay inside the app, with a warning).
    const taken = unit.endpoints.filter(e => e.kind === 'http' && (!ownListeners || albPorts.has(e.listenerPort)));
    for (const endpoint of unit.endpoints.filter(e => e.kind === 'http' && !taken.includes(e))) albPorts.add(endpoint.listenerPort);
    if (taken.length === 0) return unit;
    const internal = taken.map(e => ({
      service: e.service,
      port: unit.members.find(m => m.name === e.service)!.ports.find(p => p.containerPort === e.containerPort && p.protocol === 'tcp')!,
    }));
    return {
      ...unit,
      endpoints: unit.endpoints.filter(e => !taken.includes(e)),
      internalPublishedPorts: [...unit.internalPublishedPorts, ...internal],
    };
  });

  // The Network Load Balancer has one listener per port (TCP and UDP on one port make one TCP_UDP listener of one service).
  const nlbPorts = new Map<number, string>();
  for (const unit of routed) {
    for (const endpoint of unit.endpoints.filter(e => e.kind === 'network')) {
      const owner = nlbPorts.get(endpoint.listenerPort);
      if (owner !== undefined) {
        report(`services.${endpoint.service}.ports`, `${endpoint.listenerPort}/${endpoint.protocol}`,
          `Service "${owner}" also publishes host port ${endpoint.listenerPort} on the Network Load Balancer, which has one listener per port: ` +
          'publish one of them on another host port, or keep one inside the app with publishedPorts (ComposePortEndpoint.NONE).');
      }
      nlbPorts.set(endpoint.listenerPort, endpoint.service);
    }
    const targetGroups = (unit.web ? 1 : 0) + unit.endpoints.length;
    if (targetGroups > MAX_TARGET_GROUPS_PER_SERVICE) {
      report(`services.${unit.members[0].name}.ports`, `${targetGroups} published ports`,
        `An ECS service takes at most ${MAX_TARGET_GROUPS_PER_SERVICE} load balancer target groups, and this task publishes ${targetGroups} ports ` +
        'on load balancers: keep some inside the app with publishedPorts (ComposePortEndpoint.NONE), or move them to a service of their own.');
    }
  }
  return { units: routed, problems, warnings };
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
