/**
 * Public endpoints as Compose means them: a published port (`ports`) is
 * reached from outside the host on its host port. On AWS an HTTP port is a
 * listener of the app's Application Load Balancer on that port, any other TCP
 * or UDP port a listener of the app's Network Load Balancer; what must not be
 * public (loopback host IPs, databases, debuggers) stays inside the app.
 */
import type { ComposeProblem, ComposeService } from './model';
import { ComposePort, WELL_KNOWN_HTTP_PORTS, isHttpPort } from './ports';

/** How a published port is reached: an ALB listener (`http`), an NLB listener (`network`), or only from inside the app. */
export type EndpointKind = 'http' | 'network' | 'internal';

/** A listener the app creates for a published port, besides the routing of the unit's web port on the main listener. */
export interface PortEndpoint {
  readonly kind: 'http' | 'network';
  /** The Compose service (container) that serves the port. */
  readonly service: string;
  /** The load balancer's listener port: the Compose host port. */
  readonly listenerPort: number;
  readonly containerPort: number;
  /** `tcp_udp`: the service publishes the port with both protocols (one TCP_UDP listener and target group). */
  readonly protocol: 'tcp' | 'udp' | 'tcp_udp';
  /** Network endpoints carrying UDP only: the TCP container port the load balancer health-checks. */
  readonly healthCheckPort?: number;
  /** HTTP endpoints: the path of the health check. */
  readonly healthCheckPath?: string;
}

/**
 * Container ports that stay inside the app even when published, unless
 * `publishedPorts` says otherwise: Compose files publish them for local tools
 * (database clients, debuggers), and on AWS they would be open to the internet.
 */
export const INTERNAL_BY_DEFAULT_PORTS: readonly number[] = [
  // Databases and caches: PostgreSQL, MySQL/MariaDB (+ X protocol), SQL Server, Oracle, Redis, MongoDB, Cassandra, Memcached,
  // Elasticsearch/OpenSearch (HTTP and transport), CouchDB.
  5432, 3306, 33060, 1433, 1521, 6379, 27017, 9042, 11211, 9200, 9300, 5984,
  // Message brokers and coordinators: AMQP, RabbitMQ management, Kafka, ZooKeeper, NATS.
  5672, 15672, 9092, 2181, 4222,
  // Debuggers: Node.js inspector, Java JDWP, debugpy, Delve.
  9229, 5005, 5678, 2345,
];

/** The ports a load balancer's listeners take, and how many target groups an ECS service may have. */
export const MAIN_LISTENER_PORTS: readonly number[] = [80, 443];
export const MAX_TARGET_GROUPS_PER_SERVICE = 5;

/** Host port of a published port: the port clients use under Compose. */
export function hostPortOf(port: ComposePort): number {
  return port.hostPort ?? port.containerPort;
}

/** Whether a host IP binds the published port to the host's loopback interface (not reachable from outside the host). */
export function isLoopback(hostIp: string | undefined): boolean {
  return hostIp !== undefined && (hostIp.startsWith('127.') || hostIp === '::1' || hostIp === 'localhost');
}

/** The `publishedPorts` key of a published port: `<service>:<host port>/<protocol>`. */
export function publishedPortKey(service: string, port: ComposePort): string {
  return `${service}:${hostPortOf(port)}/${port.protocol}`;
}

/**
 * How a published port is reached when `publishedPorts` says nothing: UDP on
 * the NLB; HTTP ports (see `isHttpPort`, and host port 443 to an HTTP container
 * port) on the ALB; loopback host IPs and `INTERNAL_BY_DEFAULT_PORTS` inside the
 * app; any other TCP port on the NLB.
 */
export function defaultEndpointKind(port: ComposePort): EndpointKind {
  if (!port.published || isLoopback(port.hostIp)) return 'internal';
  if (port.protocol === 'udp') return 'network';
  if (isHttpPort(port)) return 'http';
  if (port.appProtocol === undefined && port.hostPort === 443 && WELL_KNOWN_HTTP_PORTS.includes(port.containerPort)) return 'http';
  if (INTERNAL_BY_DEFAULT_PORTS.includes(port.containerPort)) return 'internal';
  return 'network';
}

/** `publishedPorts` as read: overrides by `<service>:<host port>/<protocol>`, and the problems of its keys. */
export interface PublishedPortOverrides {
  readonly kinds: ReadonlyMap<string, EndpointKind>;
  readonly problems: ComposeProblem[];
}

/**
 * Reads the `publishedPorts` prop: keys `<service>:<host port>` (both
 * protocols) or `<service>:<host port>/tcp|udp`, naming a published port of a
 * running service.
 */
export function readPublishedPorts(services: ComposeService[], given: Readonly<Record<string, EndpointKind>>): PublishedPortOverrides {
  const kinds = new Map<string, EndpointKind>();
  const problems: ComposeProblem[] = [];
  const report = (key: string, fix: string) => problems.push({ path: `publishedPorts.${key}`, received: key, fix });
  const published = services.filter(s => s.selected).flatMap(s => s.ports.filter(p => p.published).map(p => ({ service: s, port: p })));
  const known = published.map(p => publishedPortKey(p.service.name, p.port));
  const choices = known.length === 0 ? 'the running services publish no port' : `use one of ${known.map(k => `"${k}"`).join(', ')}`;
  for (const [key, kind] of Object.entries(given)) {
    const match = /^([^:]+):(\d{1,5})(?:\/(tcp|udp))?$/.exec(key);
    if (!match) {
      report(key, `Name a published port as "<service>:<host port>" or "<service>:<host port>/udp", e.g. "dns:53/udp": ${choices}.`);
      continue;
    }
    const [, service, hostPort, protocol] = match;
    const targets = published.filter(p => p.service.name === service && hostPortOf(p.port) === Number(hostPort)
      && (protocol === undefined || p.port.protocol === protocol));
    if (targets.length === 0) {
      report(key, `No running service publishes this port (ports): ${choices}.`);
      continue;
    }
    for (const target of targets) {
      if (kind === 'http' && target.port.protocol === 'udp') {
        report(key, 'An Application Load Balancer serves HTTP over TCP only: a UDP port can be published on the Network Load Balancer, or kept inside the app.');
        continue;
      }
      kinds.set(publishedPortKey(service, target.port), kind);
    }
  }
  return { kinds, problems };
}

/** The kind of a published port: the override, else the default guess. */
export function endpointKindOf(overrides: ReadonlyMap<string, EndpointKind>, service: string, port: ComposePort): EndpointKind {
  if (!port.published) return 'internal';
  return overrides.get(publishedPortKey(service, port)) ?? defaultEndpointKind(port);
}

/**
 * Network endpoints of a member: one per published port, a port published
 * with TCP and UDP as one `tcp_udp` endpoint, UDP-only ports health-checked on
 * a TCP port of the container. Returns the endpoints, and the UDP ports that
 * have no TCP port to health-check.
 */
export function networkEndpoints(member: ComposeService, ports: ComposePort[], fallbackTcpPort: number | undefined):
{ endpoints: PortEndpoint[]; unchecked: ComposePort[] } {
  const endpoints: PortEndpoint[] = [];
  const unchecked: ComposePort[] = [];
  const firstTcp = member.ports.find(p => p.protocol === 'tcp')?.containerPort ?? fallbackTcpPort;
  for (const port of ports) {
    const listenerPort = hostPortOf(port);
    const twin = ports.find(p => p !== port && p.containerPort === port.containerPort && hostPortOf(p) === listenerPort);
    if (twin && port.protocol === 'udp') continue; // the TCP twin makes the tcp_udp endpoint
    if (twin) {
      endpoints.push({ kind: 'network', service: member.name, listenerPort, containerPort: port.containerPort, protocol: 'tcp_udp' });
    } else if (port.protocol === 'tcp') {
      endpoints.push({ kind: 'network', service: member.name, listenerPort, containerPort: port.containerPort, protocol: 'tcp' });
    } else if (firstTcp === undefined) {
      unchecked.push(port);
    } else {
      endpoints.push({ kind: 'network', service: member.name, listenerPort, containerPort: port.containerPort, protocol: 'udp', healthCheckPort: firstTcp });
    }
  }
  return { endpoints, unchecked };
}
