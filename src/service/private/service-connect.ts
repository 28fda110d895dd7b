import { Construct } from 'constructs';
import type { WebServiceInput } from './web-service-input';
import { serviceConnectPortName } from '../../core/names';
import { PropValidator, isUnresolved } from '../../core/validation';

/** The Service Connect port mapping name (also the Cloud Map discovery name) and client DNS name of a service. */
export interface ServiceConnectNames {
  readonly portName: string;
  readonly dnsName: string;
}

/**
 * The port mapping name must be lowercase letters, digits, `_` and `-` (at most
 * 64), and becomes the Cloud Map service name; the DNS name (lowercase letters,
 * digits, `_`, `-` and `.`) is what clients call. Both are derived from the
 * container name unless `serviceConnectDnsName` is given.
 */
export function serviceConnectNames(dnsName: string | undefined, containerName: string): ServiceConnectNames {
  const fromContainer = serviceConnectPortName(containerName);
  if (dnsName === undefined) return { portName: fromContainer, dnsName: fromContainer };
  return { portName: isUnresolved(dnsName) ? fromContainer : serviceConnectPortName(dnsName), dnsName };
}

/** The Service Connect names taken in each namespace (the namespace object, or the cluster for its default one). */
const SERVICE_CONNECT_NAMES = new WeakMap<object, Map<string, string>>();

function serviceConnectScope(props: WebServiceInput): object | undefined {
  return props.serviceConnectNamespace ?? props.cluster.defaultCloudMapNamespace;
}

function serviceConnectKeys(names: ServiceConnectNames): string[] {
  return [`discovery:${names.portName}`, ...isUnresolved(names.dnsName) ? [] : [`dns:${names.dnsName}`]];
}

/**
 * Two services of one namespace with the same discovery or DNS name: the
 * second fails to deploy (Cloud Map names are unique in a namespace).
 */
export function checkServiceConnectNames(
  validator: PropValidator, scope: Construct, props: WebServiceInput, names: ServiceConnectNames,
): void {
  const namespace = serviceConnectScope(props);
  const taken = namespace ? SERVICE_CONNECT_NAMES.get(namespace) : undefined;
  if (!taken) return;
  for (const key of serviceConnectKeys(names)) {
    const other = taken.get(key);
    if (other === undefined || other === scope.node.path) continue;
    const name = key.slice(key.indexOf(':') + 1);
    validator.report(props.serviceConnectDnsName !== undefined ? 'serviceConnectDnsName' : 'containerName', name,
      `The service ${other} already uses the Service Connect name "${name}" in this namespace, and Cloud Map names are unique ` +
      'in a namespace: give this service its own serviceConnectDnsName (e.g. "api").');
    return;
  }
}

export function registerServiceConnectNames(scope: Construct, props: WebServiceInput, names: ServiceConnectNames): void {
  const namespace = serviceConnectScope(props);
  if (!namespace) return;
  const taken = SERVICE_CONNECT_NAMES.get(namespace) ?? new Map<string, string>();
  SERVICE_CONNECT_NAMES.set(namespace, taken);
  for (const key of serviceConnectKeys(names)) taken.set(key, scope.node.path);
}
