/**
 * Compose `ports` (short and long syntax) and `expose` entries.
 *
 * @see https://docs.docker.com/reference/compose-file/services/#ports
 */
import { isMapping, scalarString } from './values';

/** One container port, as published (or exposed) by a Compose service. */
export interface ComposePort {
  /** The port inside the container. */
  readonly containerPort: number;
  /** The host port of the Compose file, if it names one (not used on AWS). */
  readonly hostPort?: number;
  /** The host IP of the Compose file, if it names one (not used on AWS). */
  readonly hostIp?: string;
  readonly protocol: 'tcp' | 'udp';
  /** `app_protocol` of the long syntax, lowercase. */
  readonly appProtocol?: string;
  /** Whether the port came from `ports` (published) rather than `expose`. */
  readonly published: boolean;
}

/** Why a port entry could not be read, as the fix to show. */
export class PortSyntaxError extends Error {
  constructor(public readonly fix: string) {
    super(fix);
    Object.setPrototypeOf(this, PortSyntaxError.prototype);
    this.name = 'PortSyntaxError';
  }
}

/** At most this many ports come from one range, e.g. `"8000-8099:8000-8099"`. */
export const MAX_PORT_RANGE = 100;

const SHORT_SYNTAX_FIX = 'Use the short syntax [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL] with ports 1-65535 ' +
  '(e.g. "8080:80", "127.0.0.1:5432:5432", "[::1]:6001:6001", "9090-9091:8080-8081", "53:53/udp"), or the long syntax ' +
  '{ target: 80, published: "8080", protocol: tcp }.';

interface Range {
  readonly from: number;
  readonly to: number;
}

function parseRange(text: string): Range | undefined {
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!match) return undefined;
  const from = Number(match[1]);
  const to = Number(match[2] ?? match[1]);
  if (from < 1 || to > 65535 || from > to) return undefined;
  return { from, to };
}

function parseProtocol(text: string | undefined): 'tcp' | 'udp' {
  const protocol = (text ?? 'tcp').toLowerCase();
  if (protocol !== 'tcp' && protocol !== 'udp') {
    throw new PortSyntaxError(`ECS port mappings carry "tcp" or "udp", not "${text}".`);
  }
  return protocol;
}

function expand(container: Range, host: Range | undefined, protocol: 'tcp' | 'udp', hostIp: string | undefined,
  appProtocol: string | undefined, published: boolean): ComposePort[] {
  const count = container.to - container.from + 1;
  if (count > MAX_PORT_RANGE) {
    throw new PortSyntaxError(`A range of ${count} container ports is more than ${MAX_PORT_RANGE}: list the ports the service really uses.`);
  }
  const hostCount = host ? host.to - host.from + 1 : 0;
  if (host && count > 1 && hostCount !== count) {
    throw new PortSyntaxError(`The host range has ${hostCount} ports and the container range ${count}: give ranges of the same length.`);
  }
  const ports: ComposePort[] = [];
  for (let i = 0; i < count; i++) {
    const hostPort = host && (hostCount === 1 || count > 1) ? host.from + i : undefined;
    ports.push({ containerPort: container.from + i, hostPort, hostIp, protocol, appProtocol, published });
  }
  return ports;
}

/**
 * Parses a short-syntax port: `"80"`, `"8080:80"`, `"127.0.0.1:8080:80"`,
 * `"127.0.0.1::80"`, `"[::1]:8080:80"`, `"9090-9091:8080-8081"`, `"53:53/udp"`.
 *
 * @throws PortSyntaxError
 */
export function parsePortString(spec: string): ComposePort[] {
  const slash = spec.lastIndexOf('/');
  const body = slash >= 0 ? spec.slice(0, slash) : spec;
  const protocol = slash >= 0 ? parseProtocol(spec.slice(slash + 1)) : 'tcp';

  let hostIp: string | undefined;
  let rest = body;
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']:');
    if (end < 0) throw new PortSyntaxError(SHORT_SYNTAX_FIX);
    hostIp = rest.slice(1, end);
    rest = rest.slice(end + 2);
    if (!/^[0-9a-fA-F:.]+$/.test(hostIp)) throw new PortSyntaxError(SHORT_SYNTAX_FIX);
  }
  const parts = rest.split(':');
  let hostPart: string | undefined;
  let containerPart: string;
  if (parts.length === 1) {
    if (hostIp !== undefined) throw new PortSyntaxError(SHORT_SYNTAX_FIX);
    containerPart = parts[0];
  } else if (parts.length === 2) {
    [hostPart, containerPart] = parts;
    // "[::1]:8080:80" leaves "8080:80"; "127.0.0.1:80" is ambiguous in Compose too and rejected.
    if (hostIp === undefined && hostPart.includes('.')) throw new PortSyntaxError(SHORT_SYNTAX_FIX);
  } else if (parts.length === 3 && hostIp === undefined) {
    [hostIp, hostPart, containerPart] = parts;
    if (!/^(\d{1,3}\.){3}\d{1,3}$/.test(hostIp)) throw new PortSyntaxError(SHORT_SYNTAX_FIX);
  } else {
    throw new PortSyntaxError(SHORT_SYNTAX_FIX);
  }
  const container = parseRange(containerPart);
  const host = hostPart === undefined || hostPart === '' ? undefined : parseRange(hostPart);
  if (!container || (hostPart !== undefined && hostPart !== '' && !host)) throw new PortSyntaxError(SHORT_SYNTAX_FIX);
  return expand(container, host, protocol, hostIp, undefined, true);
}

/** Long-syntax keys read by `parsePortEntry`; `mode` and `name` are accepted but have no meaning on AWS. */
export const LONG_SYNTAX_KEYS = ['target', 'published', 'host_ip', 'protocol', 'app_protocol', 'mode', 'name'];

/**
 * Parses one entry of `ports`: a number, a short-syntax string or a long-syntax mapping.
 *
 * @throws PortSyntaxError
 */
export function parsePortEntry(entry: unknown): ComposePort[] {
  if (typeof entry === 'number') return parsePortString(String(entry));
  if (typeof entry === 'string') return parsePortString(entry.trim());
  if (!isMapping(entry)) throw new PortSyntaxError(SHORT_SYNTAX_FIX);
  const target = parseRange(scalarString(entry.target) ?? '');
  if (!target) {
    throw new PortSyntaxError('The long syntax needs `target`, the container port (1-65535), e.g. { target: 80, published: "8080" }.');
  }
  const publishedText = scalarString(entry.published);
  const published = publishedText === undefined || publishedText === '' ? undefined : parseRange(publishedText);
  if (publishedText !== undefined && publishedText !== '' && !published) {
    throw new PortSyntaxError('`published` is a host port or range (1-65535), e.g. "8080" or "8080-8081".');
  }
  const hostIp = scalarString(entry.host_ip);
  const appProtocol = scalarString(entry.app_protocol)?.toLowerCase();
  return expand(target, published, parseProtocol(scalarString(entry.protocol)), hostIp, appProtocol, true);
}

/**
 * Parses one entry of `expose`: `"3000"`, `3000`, `"8000-8010"`, `"53/udp"`.
 *
 * @throws PortSyntaxError
 */
export function parseExposeEntry(entry: unknown): ComposePort[] {
  const text = scalarString(entry);
  const match = text === undefined ? null : /^\s*([\d-]+)(?:\/(\w+))?\s*$/.exec(text);
  const range = match ? parseRange(match[1]) : undefined;
  if (!match || !range) {
    throw new PortSyntaxError('An `expose` entry is a container port or range with an optional protocol, e.g. "3000", "8000-8010" or "53/udp".');
  }
  return expand(range, undefined, parseProtocol(match[2]), undefined, undefined, false);
}

/**
 * Container ports that, when published, are taken to serve plain HTTP: the
 * usual ports of web servers and application frameworks. Host ports 80 and
 * 8080 also mark a port as HTTP.
 */
export const WELL_KNOWN_HTTP_PORTS: readonly number[] = [80, 3000, 5000, 8000, 8080];

/** Whether a published port is served over plain HTTP behind a load balancer. */
export function isHttpPort(port: ComposePort): boolean {
  if (!port.published || port.protocol !== 'tcp') return false;
  if (port.appProtocol !== undefined) return port.appProtocol === 'http';
  return WELL_KNOWN_HTTP_PORTS.includes(port.containerPort) || port.hostPort === 80 || port.hostPort === 8080;
}
