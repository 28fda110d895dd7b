import { Duration, Token, aws_certificatemanager as acm } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PropValidator, isUnresolved } from '../../core/validation';

/**
 * Marks a construct as a web service (a FargateWebService or an
 * Ec2WebService), so that the load balancer it owns and the listener rules it
 * adds report problems (and warnings) under the service's name and path: that
 * is where the user typed the value.
 */
const SERVICE_MARKER = Symbol.for('cdk-ecs-kit.FargateWebService');

/** Marks `scope` as a web service, named `constructName` in messages. */
export function markAsService(scope: IConstruct, constructName: string): void {
  Object.defineProperty(scope, SERVICE_MARKER, { value: constructName });
}

/** Whether `scope` is a web service. */
export function isService(scope: IConstruct): boolean {
  return serviceConstructName(scope) !== undefined;
}

/** The construct name of a web service (`FargateWebService`, `Ec2WebService`), `undefined` for any other construct. */
export function serviceConstructName(scope: IConstruct): string | undefined {
  const name: unknown = (scope as any)[SERVICE_MARKER];
  // (A copy of the library from before the name was stored marked services with `true`.)
  return name === true ? 'FargateWebService' : typeof name === 'string' ? name : undefined;
}

/** Whether a duration is unresolved or a whole number of seconds in [min, max]. */
export function isSecondsBetween(duration: Duration, min: number, max: number): boolean {
  if (duration.isUnresolved()) return true;
  const seconds = duration.toMilliseconds({ integral: false }) / 1000;
  return Number.isInteger(seconds) && seconds >= min && seconds <= max;
}

/**
 * Checks a Duration prop: whole seconds in [min, max], reported with a human-readable value.
 *
 * A duration from a token is written to the template in seconds, and
 * aws-cdk-lib converts it only when it was given in seconds: any other unit
 * fails at synthesis with an error naming neither the construct nor the prop.
 */
export function checkSeconds(validator: PropValidator, prop: string, duration: Duration | undefined, min: number, max: number, fix: string): void {
  if (duration === undefined) return;
  if (duration.isUnresolved()) {
    if (duration.unitLabel() !== 'seconds') {
      validator.report(prop, `a token in ${duration.unitLabel()}`,
        'A duration from a token (e.g. a parameter) must be given in seconds, e.g. Duration.seconds(param.valueAsNumber): ' +
        'it is written to the template in seconds and cannot be converted before deployment.');
    }
    return;
  }
  validator.check(prop, duration.toHumanString(), isSecondsBetween(duration, min, max), fix);
}

const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/;
const IPV6_CIDR = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*\/(12[0-8]|1[01]\d|[1-9]?\d)$/;

/** Whether a CIDR block is IPv6 (otherwise IPv4). */
export function isIpv6Cidr(cidr: string): boolean {
  return cidr.includes(':');
}

/** Whether a CIDR block opens to the whole internet. */
export function isWorldCidr(cidr: string): boolean {
  return cidr === '0.0.0.0/0' || cidr === '::/0';
}

/** Checks ingress CIDR blocks: at least one, each an IPv4 or IPv6 CIDR. */
export function checkCidrs(validator: PropValidator, prop: string, cidrs: string[] | undefined): void {
  if (cidrs === undefined) return;
  if (Token.isUnresolved(cidrs)) {
    validator.report(prop, '(a list token)', 'A list from a token (e.g. a CommaDelimitedList parameter) cannot be used: one ingress rule ' +
      'is written per CIDR block. Give an array of strings, each of which may be a token (e.g. Fn.select(0, param.valueAsList)).');
    return;
  }
  if (cidrs.length === 0) {
    validator.report(prop, cidrs, 'Give at least one CIDR block (e.g. "0.0.0.0/0" for everyone, "10.0.0.0/8" for a private network).');
  }
  for (const cidr of cidrs) {
    validator.check(prop, cidr, IPV4_CIDR.test(cidr) || IPV6_CIDR.test(cidr),
      'Use an IPv4 CIDR block such as "203.0.113.0/24" or an IPv6 one such as "2001:db8::/32".');
  }
}

const DOMAIN_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

/** Checks a DNS name (lowercase labels, an optional leading `*.`), at most 253 characters. */
export function checkDomainName(validator: PropValidator, prop: string, name: string | undefined, allowWildcard: boolean): void {
  if (name === undefined) return;
  const valid = name.length <= 253 && DOMAIN_NAME.test(name) && (allowWildcard || !name.startsWith('*.'));
  validator.check(prop, name, valid,
    `Use a fully qualified domain name in lowercase, such as "app.example.com"${allowWildcard ? ' or "*.example.com"' : ' (no wildcard)'}.`);
}

/** Whether `name` is covered by a certificate name (exact, or a `*.` wildcard for one label). */
export function certificateNameCovers(certificateName: string, name: string): boolean {
  const cert = certificateName.toLowerCase();
  const host = name.toLowerCase();
  if (cert === host) return true;
  if (cert.startsWith('*.')) {
    const dot = host.indexOf('.');
    return dot > 0 && host.slice(dot + 1) === cert.slice(2);
  }
  return false;
}

/**
 * The names a certificate created in this app covers, or `undefined` when they
 * cannot be known at synth time (an imported certificate, or tokens).
 */
export function certificateNames(certificate: acm.ICertificate): string[] | undefined {
  const cfn = certificate.node.defaultChild;
  if (!(cfn instanceof acm.CfnCertificate)) return undefined;
  const names = [cfn.domainName, ...(cfn.subjectAlternativeNames ?? [])];
  return names.some(name => isUnresolved(name)) ? undefined : names;
}

/** Whether a domain name lies in a hosted zone (the apex or below it). */
export function isInZone(domainName: string, zoneName: string): boolean {
  const zone = zoneName.replace(/\.$/, '').toLowerCase();
  const name = domainName.toLowerCase();
  return name === zone || name.endsWith(`.${zone}`);
}

/** Describes a value for a sentence, whether or not it is a token. */
export function display(value: string): string {
  return Token.isUnresolved(value) ? '(a token)' : JSON.stringify(value);
}
