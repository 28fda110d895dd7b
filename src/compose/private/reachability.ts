/**
 * Which ports other services reach a Compose service on by name.
 *
 * Under Compose a service is reached by name on any port it listens on, with
 * or without `ports` or `expose`. Service Connect (and the security groups)
 * need the ports named, so for a long-running service that declares none they
 * are found, in this order of trust:
 *
 * 1. `servicePorts` of the ComposeApp (added to any service, declared ports or not);
 * 2. the `EXPOSE` ports of its local Dockerfile (`build`);
 * 3. the port of its image when it is one of a few official images (`WELL_KNOWN_IMAGE_PORTS`);
 * 4. the ports its dependants name in their environment (`redis://cache:6379`, `DB_HOST=db` + `DB_PORT=5432`).
 *
 * Guesses (3 and 4) give a warning that says how to make them explicit; a
 * service another one names (depends_on, links, environment) that stays
 * without a port gives a warning with the edit to make.
 *
 * Plain functions over the Compose model: no constructs.
 */
import type { ComposeService, ComposeWarning } from '../model';
import { groupServices } from '../plan';
import type { ComposePort } from '../ports';

/**
 * The port each of these official Docker Hub images listens on, by image
 * name (any tag): the first `EXPOSE` of the image's own Dockerfile, which
 * the kit cannot read at synth time (the image is not pulled). Other ports
 * these images expose (e.g. Elasticsearch's node-to-node 9300) are not guessed.
 */
export const WELL_KNOWN_IMAGE_PORTS: Readonly<Record<string, number>> = {
  postgres: 5432,
  mysql: 3306,
  mariadb: 3306,
  redis: 6379,
  mongo: 27017,
  rabbitmq: 5672,
  memcached: 11211,
  elasticsearch: 9200,
};

export interface ReachabilityOptions {
  readonly fargate: boolean;
  /** `ComposeAppProps.servicePorts`: TCP ports by service name. */
  readonly servicePorts: Readonly<Record<string, readonly number[]>>;
  /** Services whose image is given in code (`images`): their Dockerfile and image name may not describe it. */
  readonly imageOverrides: readonly string[];
}

export interface Reachability {
  /** Every service, with the ports found added after its own (as `expose` ports) for the selected ones. */
  readonly services: ComposeService[];
  readonly warnings: ComposeWarning[];
}

/** A reference from one service to another: by depends_on, links, or a host (and maybe a port) in an environment value. */
interface Reference {
  readonly from: string;
  readonly how: string;
  readonly port?: number;
}

/** The official image name of `image`: `redis` for `redis:7`, `docker.io/library/redis@sha256:…`, `public.ecr.aws/docker/library/redis:7`. */
export function officialImageName(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const repository = slash < 0 ? '' : withoutDigest.slice(0, slash);
  const nameAndTag = withoutDigest.slice(slash + 1);
  const name = nameAndTag.split(':')[0].toLowerCase();
  const official = ['', 'library', 'docker.io/library', 'index.docker.io/library', 'registry-1.docker.io/library', 'public.ecr.aws/docker/library', 'mirror.gcr.io/library'];
  return official.includes(repository.toLowerCase()) ? name : undefined;
}

/** Hosts (and ports) of other services named in one service's environment. */
export function environmentReferences(
  environment: Readonly<Record<string, string>>, names: ReadonlySet<string>): { service: string; port?: number; variable: string }[] {
  const found: { service: string; port?: number; variable: string }[] = [];
  const byLowercase = new Map([...names].map(n => [n.toLowerCase(), n]));
  const add = (host: string, port: string | undefined, variable: string) => {
    const service = byLowercase.get(host.toLowerCase());
    if (service === undefined) return;
    const number = port === undefined ? undefined : Number(port);
    const valid = number !== undefined && number >= 1 && number <= 65535 ? number : undefined;
    if (!found.some(f => f.service === service && f.port === valid && f.variable === variable)) found.push({ service, port: valid, variable });
  };
  for (const [variable, value] of Object.entries(environment)) {
    // host:port after a start, a separator, "//" or "user:password@" (URLs, lists of brokers).
    for (const match of value.matchAll(/(?:^|[\s,;=/@(])([A-Za-z0-9][A-Za-z0-9_-]*):(\d{1,5})(?=$|[/?#,;\s)])/g)) add(match[1], match[2], variable);
    // scheme://[user[:password]@]host without a port.
    for (const match of value.matchAll(/[a-z][a-z0-9+.-]*:\/\/(?:[^@/\s]*@)?([A-Za-z0-9][A-Za-z0-9_-]*)(?=$|[/?#,;\s])/gi)) add(match[1], undefined, variable);
    // The host alone in a variable named for a host (DB_HOST=db, not APP_NAME=app), with the port of the matching
    // <PREFIX>PORT variable (DB_PORT=5432).
    const hostVariable = /^(.*?)(HOST|HOSTNAME|HOSTS|ADDR|ADDRESS|SERVER|SERVERS|ENDPOINT)$/i.exec(variable);
    if (hostVariable && byLowercase.has(value.trim().toLowerCase())) {
      const prefix = hostVariable[1];
      const port = environment[`${prefix}PORT`] ?? environment[`${prefix}port`];
      add(value.trim(), port !== undefined && /^\d{1,5}$/.test(port.trim()) ? port.trim() : undefined, variable);
    }
  }
  return found;
}

/** Finds the ports the selected services are reached on, and warns about the services that stay unreachable by name. */
export function inferReachability(services: ComposeService[], options: ReachabilityOptions): Reachability {
  const warnings: ComposeWarning[] = [];
  const selected = services.filter(s => s.selected);
  const names = new Set(selected.map(s => s.name));
  const oneShot = new Set(selected.flatMap(s => s.dependsOn.filter(d => d.condition === 'completed').map(d => d.service)));

  const references = new Map<string, Reference[]>();
  const refer = (target: string, reference: Reference) => {
    if (target === reference.from || !names.has(target)) return;
    references.set(target, [...references.get(target) ?? [], reference]);
  };
  for (const service of selected) {
    for (const dependency of service.dependsOn) {
      if (dependency.condition !== 'completed') refer(dependency.service, { from: service.name, how: 'depends_on' });
    }
    for (const link of service.links) refer(link.service, { from: service.name, how: 'links' });
    for (const ref of environmentReferences(service.environment, names)) {
      refer(ref.service, { from: service.name, how: `environment ${ref.variable}`, port: ref.port });
    }
  }

  const added = new Map<string, ComposePort[]>();
  for (const service of selected) {
    if (oneShot.has(service.name)) continue;
    const explicit = (options.servicePorts[service.name] ?? []).map(tcpPort);
    let found: ComposePort[] = [];
    let guessedFrom: string | undefined;
    if (service.ports.length === 0 && explicit.length === 0) {
      const overridden = options.imageOverrides.includes(service.name);
      const official = service.image !== undefined && service.build === undefined && !overridden ? officialImageName(service.image) : undefined;
      const imagePort = official !== undefined ? WELL_KNOWN_IMAGE_PORTS[official] : undefined;
      const envPorts = (references.get(service.name) ?? []).map(r => r.port).filter((p): p is number => p !== undefined);
      const dockerfilePorts = !overridden ? service.build?.exposedPorts ?? [] : [];
      found = [...dockerfilePorts, ...imagePort !== undefined ? [tcpPort(imagePort)] : [], ...envPorts.map(tcpPort)];
      const sources = [
        ...imagePort !== undefined && !dockerfilePorts.some(p => p.containerPort === imagePort) ? [`the usual port of the official "${official}" image`] : [],
        ...envPorts.some(p => !dockerfilePorts.some(d => d.containerPort === p) && p !== imagePort) ? ['the environment of the services that name it'] : [],
      ];
      guessedFrom = sources.length > 0 ? sources.join(' and ') : undefined;
    }
    const ports = dedupe([...explicit, ...found].filter(p => !service.ports.some(own => sameRoute(own, p))));
    if (ports.length === 0) continue;
    added.set(service.name, ports);
    if (guessedFrom !== undefined) {
      const list = ports.map(portText);
      warnings.push({
        code: 'inferredPorts',
        context: { service: service.name },
        message: `Service "${service.name}" declares no ports (ports or expose): other services reach it by name on ${list.join(', ')}, ` +
          `from ${guessedFrom}. If it listens on other ports, say so: add \`expose: [${list.map(p => `"${p}"`).join(', ')}]\` to services.${service.name}, ` +
          `or give \`servicePorts: { '${service.name}': [${ports.map(p => p.containerPort).join(', ')}] }\` to the ComposeApp.`,
      });
    }
  }

  // On Fargate, the containers of a task (volumes_from) share one network interface: a found port another member has is left out.
  const groups = groupServices(selected.filter(s => !oneShot.has(s.name)), options.fargate);
  for (const group of groups.filter(g => g.length > 1 && options.fargate)) {
    const taken: ComposePort[] = group.flatMap(s => s.ports);
    for (const member of group) {
      const kept = (added.get(member.name) ?? []).filter(p => !taken.some(t => sameRoute(t, p)));
      taken.push(...kept);
      if (kept.length > 0) added.set(member.name, kept);
      else added.delete(member.name);
    }
  }

  const result = services.map(s => added.has(s.name) ? { ...s, ports: [...s.ports, ...added.get(s.name)!] } : s);
  const groupOf = new Map(groups.flatMap(group => group.map(s => [s.name, group] as const)));
  for (const target of result.filter(s => s.selected && !oneShot.has(s.name))) {
    const tcp = target.ports.filter(p => p.protocol === 'tcp').map(p => p.containerPort);
    const fromOtherTasks = (references.get(target.name) ?? []).filter(r => !groupOf.get(r.from)?.some(s => s.name === target.name));
    const unreachable = fromOtherTasks.filter(r => tcp.length === 0 || (r.port !== undefined && !tcp.includes(r.port)));
    if (unreachable.length === 0) continue;
    const wanted = [...new Set(unreachable.map(r => r.port).filter((p): p is number => p !== undefined))];
    const example = wanted.length > 0 ? wanted : [8080];
    const who = [...new Set(unreachable.map(r => `"${r.from}" (${r.how}${r.port !== undefined ? ` port ${r.port}` : ''})`))].join(', ');
    const what = tcp.length === 0 ? 'declares no TCP port (ports or expose) and none could be found (Dockerfile EXPOSE, official image, the dependants\' environment)'
      : `is reached by name on ${tcp.join(', ')} only`;
    warnings.push({
      code: 'unreachableService',
      context: { service: target.name },
      message: `Service "${target.name}" ${what}, but ${who} name${unreachable.length === 1 ? 's' : ''} it: ` +
        `${wanted.length > 0 ? `port${wanted.length > 1 ? 's' : ''} ${wanted.join(', ')} ${wanted.length > 1 ? 'are' : 'is'}` : 'it is'} not reachable by name through Service Connect. ` +
        `Add the ports it listens on to services.${target.name}: \`expose: [${example.map(p => `"${p}"`).join(', ')}]\`, ` +
        `or give \`servicePorts: { '${target.name}': [${example.join(', ')}] }\` to the ComposeApp.`,
    });
  }
  return { services: result, warnings };
}

function tcpPort(containerPort: number): ComposePort {
  return { containerPort, protocol: 'tcp', published: false };
}

function sameRoute(a: ComposePort, b: ComposePort): boolean {
  return a.containerPort === b.containerPort && a.protocol === b.protocol;
}

function dedupe(ports: ComposePort[]): ComposePort[] {
  return ports.filter((port, index) => ports.findIndex(p => sameRoute(p, port)) === index);
}

function portText(port: ComposePort): string {
  return port.protocol === 'udp' ? `${port.containerPort}/udp` : String(port.containerPort);
}
