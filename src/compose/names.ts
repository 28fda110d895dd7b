/**
 * Names the import derives from Compose names (services, volumes, the
 * project), made to obey the AWS syntax where they land. A name that already
 * obeys it is kept as it is (so existing stacks do not see their resources
 * renamed); one that does not is sanitized and, when that changed it, given a
 * suffix computed from the original name alone, so two names that sanitize
 * alike stay distinct and adding or removing another service never changes it.
 */
import * as crypto from 'crypto';
import { serviceConnectPortName, shortenMiddle } from '../core/names';

/** Service Connect port mapping names (and the discovery names ECS derives from them): lowercase, digits, `_`, `-`, at most 64. */
const PORT_NAME_MAX = 64;

/** Task definition volume names: up to 255 letters, digits, `_` and `-`. */
const VOLUME_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/** Cloud Map HTTP namespace names: 1 to 1024 printable ASCII characters other than space. */
const HTTP_NAMESPACE_NAME = /^[!-~]{1,1024}$/;

/** 8 hexadecimal digits computed from `text`: the same text always gives the same suffix. */
export function stableSuffix(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** `safe` when it equals `original`, else `safe` shortened to leave room for `-<suffix of original>`. */
function withSuffixIfChanged(original: string, safe: string, maxLength: number): string {
  if (safe === original && safe.length <= maxLength) return safe;
  const suffix = `-${stableSuffix(original)}`;
  return `${shortenMiddle(safe, maxLength - suffix.length)}${suffix}`;
}

/**
 * The Service Connect DNS name of a Compose service: its name in lowercase.
 * Compose service names are letters, digits, `_` and `-` (checked when the file
 * is read), so lowercasing is enough; services whose names differ only in case
 * are refused when the file is read.
 */
export function serviceDnsName(service: string): string {
  return service.toLowerCase();
}

/**
 * The name of a container port mapping: `<service>-<port>` (`-udp` for UDP)
 * in lowercase; a long service name is shortened, with a suffix of the full
 * name so that two long names with the same beginning stay distinct.
 */
export function portMappingName(service: string, port: number, protocol: string): string {
  const tail = `-${port}${protocol === 'udp' ? '-udp' : ''}`;
  const full = serviceConnectPortName(`${service}${tail}`);
  if (full.length <= PORT_NAME_MAX && full === `${service.toLowerCase()}${tail}`) return full;
  const suffix = `-${stableSuffix(service)}`;
  const head = serviceConnectPortName(service).slice(0, PORT_NAME_MAX - tail.length - suffix.length);
  return `${head}${suffix}${tail}`;
}

/** The task definition volume of a named volume: its Compose name, or a sanitized one (`.` is not allowed). */
export function taskVolumeName(volume: string): string {
  if (VOLUME_NAME.test(volume)) return volume;
  return withSuffixIfChanged(volume, volume.replace(/[^A-Za-z0-9_-]/g, '-'), 255);
}

/**
 * The name of the HTTP namespace created for a Compose project: the project
 * name when Cloud Map accepts it, else with spaces and other characters
 * outside printable ASCII replaced by `-`.
 */
export function httpNamespaceName(projectName: string): string {
  if (HTTP_NAMESPACE_NAME.test(projectName)) return projectName;
  const safe = Array.from(projectName, ch => /[!-~]/.test(ch) ? ch : '-').join('');
  return withSuffixIfChanged(projectName, safe.length > 0 ? safe : 'compose', 1024);
}
