/** Reads `deploy` (replicas, resources) and the older `scale`, `cpus`, `mem_limit` and `mem_reservation`. */
import type { ComposeService } from '../model';
import { isMapping, parseCpuUnits, parseMemoryMiB } from '../values';
import { ComposeReader, ServiceContext } from './reader';

export function readResources(reader: ComposeReader, ctx: ServiceContext, spec: Record<string, unknown>): Pick<ComposeService, 'replicas' | 'cpuLimit' | 'cpuReservation' | 'memoryLimitMiB' | 'memoryReservationMiB'> {
  const deployPath = `${ctx.base}.deploy`;
  const deploy = isMapping(spec.deploy) ? spec.deploy : {};
  if (spec.deploy !== undefined && spec.deploy !== null && !isMapping(spec.deploy)) {
    reader.problem(deployPath, spec.deploy, 'Give `deploy` as a mapping (replicas, resources).');
  }
  for (const key of Object.keys(deploy)) {
    if (key === 'mode' && (deploy.mode === 'replicated' || deploy.mode === undefined)) continue;
    if (!['replicas', 'resources'].includes(key)) reader.ignore(ctx, `deploy.${key}`, `${deployPath}.${key}`);
  }
  const replicasPath = deploy.replicas !== undefined ? `${deployPath}.replicas` : `${ctx.base}.scale`;
  const replicasValue = deploy.replicas ?? spec.scale;
  let replicas: number | undefined;
  if (replicasValue !== undefined && replicasValue !== null) {
    const n = Number(replicasValue);
    if (Number.isInteger(n) && n >= 0 && n <= 1000) replicas = n;
    else reader.problem(replicasPath, replicasValue, 'Give a whole number of tasks from 0 to 1000.');
  }
  const resources = isMapping(deploy.resources) ? deploy.resources : {};
  const limits = isMapping(resources.limits) ? resources.limits : {};
  const reservations = isMapping(resources.reservations) ? resources.reservations : {};
  for (const [group, values] of [['limits', limits], ['reservations', reservations]] as const) {
    for (const key of Object.keys(values)) {
      if (!['cpus', 'memory'].includes(key)) reader.ignore(ctx, `deploy.resources.${group}.${key}`, `${deployPath}.resources.${group}.${key}`);
    }
  }
  for (const key of Object.keys(resources)) {
    if (!['limits', 'reservations'].includes(key)) reader.ignore(ctx, `deploy.resources.${key}`, `${deployPath}.resources.${key}`);
  }
  const cpu = (raw: unknown, valuePath: string) => {
    if (raw === undefined || raw === null) return undefined;
    const units = parseCpuUnits(raw);
    if (units === undefined) reader.problem(valuePath, raw, 'Give a number of CPUs greater than 0, e.g. 0.5 or "2".');
    return units;
  };
  const memory = (raw: unknown, valuePath: string) => {
    if (raw === undefined || raw === null) return undefined;
    const mib = parseMemoryMiB(raw);
    if (mib === undefined) reader.problem(valuePath, raw, 'Give a size such as "512m", "1g" or "1.5gb" (units b, k, m, g; 1024-based).');
    return mib;
  };
  const limitPath = limits.memory !== undefined && limits.memory !== null ? `${deployPath}.resources.limits.memory` : `${ctx.base}.mem_limit`;
  const reservationPath = reservations.memory !== undefined && reservations.memory !== null
    ? `${deployPath}.resources.reservations.memory` : `${ctx.base}.mem_reservation`;
  const memoryLimitMiB = memory(limits.memory, `${deployPath}.resources.limits.memory`) ?? memory(spec.mem_limit, `${ctx.base}.mem_limit`);
  const memoryReservationMiB = memory(reservations.memory, `${deployPath}.resources.reservations.memory`)
    ?? memory(spec.mem_reservation, `${ctx.base}.mem_reservation`);
  // ECS: Docker gives a container at least 6 MiB, and a reservation above the limit is refused.
  for (const [mib, valuePath] of [[memoryLimitMiB, limitPath], [memoryReservationMiB, reservationPath]] as const) {
    if (mib !== undefined && mib < MIN_CONTAINER_MEMORY_MIB) {
      reader.problem(valuePath, `${mib}m`, `Give at least ${MIN_CONTAINER_MEMORY_MIB}m: Docker gives a container no less, and ECS refuses less.`);
    }
  }
  if (memoryLimitMiB !== undefined && memoryReservationMiB !== undefined && memoryReservationMiB > memoryLimitMiB
    && memoryLimitMiB >= MIN_CONTAINER_MEMORY_MIB) {
    reader.problem(reservationPath, `${memoryReservationMiB}m`,
      `The memory reservation must not exceed the memory limit (${memoryLimitMiB}m): lower the reservation, or raise the limit.`);
  }
  return {
    replicas,
    cpuLimit: cpu(limits.cpus, `${deployPath}.resources.limits.cpus`) ?? cpu(spec.cpus, `${ctx.base}.cpus`),
    cpuReservation: cpu(reservations.cpus, `${deployPath}.resources.reservations.cpus`),
    memoryLimitMiB,
    memoryReservationMiB,
  };
}

/** The least memory Docker (20.10 and later) gives a container, in MiB. */
const MIN_CONTAINER_MEMORY_MIB = 6;
