/**
 * Reads what a container may do in the kernel: `cap_add`, `cap_drop`,
 * `sysctls`, `ulimits`, `privileged` and `network_mode`. ECS honours them on
 * EC2; Fargate refuses most of them, and the problem then names the edit.
 */
import type { ComposeService, ComposeUlimit } from '../model';
import { isMapping, scalarString } from '../values';
import { ComposeReader, ServiceContext } from './reader';

/** The edit that makes a Fargate refusal go away by moving the app. */
export const RUN_ON_EC2 = 'or run the app on EC2 (taskCapacity: TaskCapacity.ec2())';

/** The Linux capabilities ECS accepts in `linuxParameters.capabilities` (aws-cdk-lib's `ecs.Capability`). */
export const ECS_CAPABILITIES = [
  'ALL', 'AUDIT_CONTROL', 'AUDIT_WRITE', 'BLOCK_SUSPEND', 'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'IPC_LOCK',
  'IPC_OWNER', 'KILL', 'LEASE', 'LINUX_IMMUTABLE', 'MAC_ADMIN', 'MAC_OVERRIDE', 'MKNOD', 'NET_ADMIN', 'NET_BIND_SERVICE', 'NET_BROADCAST',
  'NET_RAW', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_CHROOT', 'SYS_MODULE', 'SYS_NICE', 'SYS_PACCT',
  'SYS_PTRACE', 'SYS_RAWIO', 'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'SYSLOG', 'WAKE_ALARM',
];

/** The only capability a Fargate task can add. */
const FARGATE_ADDABLE_CAPABILITIES = ['SYS_PTRACE'];

/** Docker's ulimit names (aws-cdk-lib's `ecs.UlimitName`). */
export const ULIMIT_NAMES = ['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio',
  'rttime', 'sigpending', 'stack'];

/** Fargate changes only the nofile ulimit, up to this. */
export const FARGATE_NOFILE_MAX = 1_048_576;

/** The IPC namespace's kernel parameters ECS sets (with `fs.mqueue.*`); `net.*` is the network namespace's. */
const IPC_SYSCTLS = ['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni',
  'kernel.shm_rmid_forced'];

type LinuxSettings = Pick<ComposeService, 'capAdd' | 'capDrop' | 'sysctls' | 'ulimits' | 'privileged' | 'hostNetwork'>;

export function readLinuxSettings(reader: ComposeReader, ctx: ServiceContext, spec: Record<string, unknown>): LinuxSettings {
  // A service that does not run (its profile is not active) is not refused for what Fargate cannot do.
  const fargate = reader.options.fargate && ctx.selected;
  const hostNetwork = readNetworkMode(reader, ctx, spec.network_mode);
  const capAdd = readCapabilities(reader, spec.cap_add, `${ctx.base}.cap_add`);
  if (fargate && capAdd) {
    const refused = capAdd.filter(c => !FARGATE_ADDABLE_CAPABILITIES.includes(c));
    if (refused.length > 0) {
      reader.problem(`${ctx.base}.cap_add`, refused,
        `Fargate can add only the SYS_PTRACE capability: remove ${refused.join(', ')} from cap_add, ${RUN_ON_EC2}.`);
    }
  }
  const privileged = reader.readBoolean(spec.privileged, `${ctx.base}.privileged`);
  if (fargate && privileged) {
    reader.problem(`${ctx.base}.privileged`, true, `Fargate does not run privileged containers: remove \`privileged: true\`, ${RUN_ON_EC2}.`);
  }
  return {
    capAdd,
    capDrop: readCapabilities(reader, spec.cap_drop, `${ctx.base}.cap_drop`),
    sysctls: readSysctls(reader, ctx, spec.sysctls, hostNetwork === true),
    ulimits: readUlimits(reader, ctx, spec.ulimits),
    privileged,
    hostNetwork,
  };
}

/** `host` is honoured on EC2 and refused on Fargate; `bridge` is what EC2 tasks use anyway; other modes are ignored with a warning. */
function readNetworkMode(reader: ComposeReader, ctx: ServiceContext, value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  const valuePath = `${ctx.base}.network_mode`;
  const mode = scalarString(value);
  if (mode === 'host') {
    if (reader.options.fargate) {
      if (!ctx.selected) return undefined;
      reader.problem(valuePath, mode, 'Fargate tasks have a network interface of their own and cannot use the host\'s network: ' +
        `remove \`network_mode: host\` (the service then listens on its task's address and is reached by name), ${RUN_ON_EC2}.`);
      return undefined;
    }
    return true;
  }
  if (mode === 'bridge' && !reader.options.fargate) return undefined;
  reader.ignore(ctx, 'network_mode', valuePath);
  return undefined;
}

/** Capabilities as ECS names them: upper case, without Docker's optional `CAP_` prefix. */
function readCapabilities(reader: ComposeReader, value: unknown, valuePath: string): string[] | undefined {
  const names = reader.stringList(value, valuePath);
  if (names === undefined) return undefined;
  const normalized = names.map(n => n.trim().toUpperCase().replace(/^CAP_/, ''));
  const unknown = normalized.filter(n => !ECS_CAPABILITIES.includes(n));
  if (unknown.length > 0) {
    reader.problem(valuePath, unknown, `ECS does not set these capabilities: use names among ${ECS_CAPABILITIES.join(', ')} (with or without CAP_).`);
    return normalized.filter(n => ECS_CAPABILITIES.includes(n));
  }
  return [...new Set(normalized)];
}

function readSysctls(reader: ComposeReader, ctx: ServiceContext, value: unknown, hostNetwork: boolean): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  const valuePath = `${ctx.base}.sysctls`;
  const sysctls = reader.readKeyValues(value, valuePath, false);
  for (const name of Object.keys(sysctls)) {
    const network = name.startsWith('net.');
    if (!network && !name.startsWith('fs.mqueue.') && !IPC_SYSCTLS.includes(name)) {
      reader.problem(`${valuePath}.${name}`, name,
        'Docker and ECS set only namespaced kernel parameters in a container (net.*, fs.mqueue.*, ' +
        `${IPC_SYSCTLS.join(', ')}): remove ${name} from sysctls and set it on the host (on EC2, in the instances' user data).`);
      delete sysctls[name];
    } else if (network && hostNetwork) {
      reader.problem(`${valuePath}.${name}`, name,
        `ECS does not set network kernel parameters in host network mode: remove ${name} from sysctls (and set it on the instances), ` +
        'or remove `network_mode: host`.');
      delete sysctls[name];
    }
  }
  return Object.keys(sysctls).length > 0 ? sysctls : undefined;
}

/** `nofile: 65536` or `nofile: { soft: 20000, hard: 40000 }`; -1 is unlimited. */
function readUlimits(reader: ComposeReader, ctx: ServiceContext, value: unknown): ComposeUlimit[] | undefined {
  if (value === undefined || value === null) return undefined;
  const valuePath = `${ctx.base}.ulimits`;
  if (!isMapping(value)) {
    reader.problem(valuePath, value, 'Give `ulimits` as a mapping, e.g. { nofile: { soft: 20000, hard: 40000 }, nproc: 65535 }.');
    return undefined;
  }
  const fargate = reader.options.fargate && ctx.selected;
  const limit = (raw: unknown) => {
    const n = Number(scalarString(raw) ?? NaN);
    return Number.isInteger(n) && n >= -1 ? n : undefined;
  };
  const ulimits: ComposeUlimit[] = [];
  for (const [name, entry] of Object.entries(value)) {
    const entryPath = `${valuePath}.${name}`;
    if (!ULIMIT_NAMES.includes(name)) {
      reader.problem(entryPath, name, `Use one of Docker's ulimit names: ${ULIMIT_NAMES.join(', ')}.`);
      continue;
    }
    const soft = limit(isMapping(entry) ? entry.soft : entry);
    const hard = limit(isMapping(entry) ? entry.hard : entry);
    if (soft === undefined || hard === undefined) {
      reader.problem(entryPath, entry, 'Give a whole number (-1 for unlimited), or { soft: n, hard: n }.');
      continue;
    }
    const unlimited = (n: number) => (n === -1 ? Infinity : n);
    if (unlimited(soft) > unlimited(hard)) {
      reader.problem(entryPath, entry, `The soft limit (${soft}) must not exceed the hard limit (${hard}).`);
      continue;
    }
    if (fargate && name !== 'nofile') {
      reader.problem(entryPath, name, `Fargate can change only the nofile ulimit: remove ulimits.${name}, ${RUN_ON_EC2}.`);
      continue;
    }
    if (fargate && unlimited(hard) > FARGATE_NOFILE_MAX) {
      reader.problem(entryPath, entry, `Fargate allows a nofile limit of at most ${FARGATE_NOFILE_MAX}: give ulimits.nofile ${FARGATE_NOFILE_MAX} or less, ${RUN_ON_EC2}.`);
      continue;
    }
    ulimits.push({ name, softLimit: soft, hardLimit: hard });
  }
  return ulimits.length > 0 ? ulimits : undefined;
}
