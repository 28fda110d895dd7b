/**
 * Reads what orders start-up (`depends_on`, `links`, `volumes_from`), and
 * checks the references between services once all are read.
 */
import type { ComposeDependency, ComposeService, DependencyCondition } from '../model';
import { isMapping, scalarString } from '../values';
import { ComposeReader, ServiceContext } from './reader';

export function readDependsOn(reader: ComposeReader, ctx: ServiceContext, value: unknown): ComposeDependency[] {
  if (value === undefined || value === null) return [];
  const dpPath = `${ctx.base}.depends_on`;
  const out: ComposeDependency[] = [];
  if (Array.isArray(value)) {
    value.forEach((entry, index) => {
      const name = scalarString(entry);
      if (name === undefined) reader.problem(`${dpPath}[${index}]`, entry, 'Name a service of this file.');
      else out.push({ service: name, condition: 'started' });
    });
    return out;
  }
  if (!isMapping(value)) {
    reader.problem(dpPath, value, 'Give `depends_on` as a list of services or a mapping of service: { condition }.');
    return out;
  }
  const conditions: Record<string, DependencyCondition> = {
    service_started: 'started', service_healthy: 'healthy', service_completed_successfully: 'completed',
  };
  for (const [name, spec] of Object.entries(value)) {
    const entryPath = `${dpPath}.${name}`;
    const long = isMapping(spec) ? spec : {};
    for (const key of Object.keys(long)) {
      if (!['condition', 'required'].includes(key)) reader.ignore(ctx, `depends_on.${key}`, `${entryPath}.${key}`);
    }
    const conditionText = scalarString(long.condition) ?? 'service_started';
    const condition = conditions[conditionText];
    if (condition === undefined) {
      reader.problem(`${entryPath}.condition`, long.condition, 'Use service_started, service_healthy or service_completed_successfully.');
      continue;
    }
    // An optional dependency applies only when that service runs (checked in checkReferences).
    out.push({ service: name, condition, optional: long.required === false || long.required === 'false' });
  }
  return out;
}

export function readLinks(reader: ComposeReader, ctx: ServiceContext, value: unknown): { service: string; alias?: string }[] {
  const list = reader.stringList(value, `${ctx.base}.links`) ?? [];
  return list.map(entry => {
    const [service, alias] = entry.split(':');
    return { service, alias: alias && alias !== service ? alias : undefined };
  });
}

export function readVolumesFrom(reader: ComposeReader, ctx: ServiceContext, value: unknown): { service: string; readOnly: boolean }[] {
  const list = reader.stringList(value, `${ctx.base}.volumes_from`) ?? [];
  const out: { service: string; readOnly: boolean }[] = [];
  list.forEach((entry, index) => {
    if (entry.startsWith('container:')) {
      reader.problem(`${ctx.base}.volumes_from[${index}]`, entry, 'Only services of this file can share volumes: name the service ("db" or "db:ro").');
      return;
    }
    const [service, mode] = entry.split(':');
    out.push({ service, readOnly: mode === 'ro' });
  });
  return out;
}

export function checkReferences(reader: ComposeReader, services: ComposeService[]): void {
  const byName = new Map(services.map(s => [s.name, s]));
  for (const service of services) {
    const base = `services.${service.name}`;
    const kept: ComposeDependency[] = [];
    for (const dependency of service.dependsOn) {
      const optional = dependency.optional === true;
      const target = byName.get(dependency.service);
      const depPath = `${base}.depends_on`;
      const entryPath = reader.tree.lines.has(`${depPath}.${dependency.service}`) ? `${depPath}.${dependency.service}` : depPath;
      if (!target) {
        reader.problem(entryPath, dependency.service, `depends_on names a service this file does not define: use one of ${names(services)}.`);
      } else if (service.selected && !target.selected) {
        if (!optional) {
          reader.problem(entryPath, dependency.service,
            `"${dependency.service}" is not in the selected profiles: add one of its profiles to the \`profiles\` prop, or make the dependency optional with \`required: false\`.`);
        }
      } else {
        if (dependency.condition === 'healthy' && !target.healthCheck) {
          reader.problem(`${entryPath}.condition`, 'service_healthy',
            `"${dependency.service}" has no healthcheck, so it never becomes healthy: give it a healthcheck, or use condition service_started.`);
        }
        kept.push({ service: dependency.service, condition: dependency.condition });
      }
    }
    service.dependsOn = kept;
    for (const [key, refs] of [['links', service.links], ['volumes_from', service.volumesFrom]] as const) {
      refs.forEach((ref, index) => {
        const target = byName.get(ref.service);
        const refPath = `${base}.${key}[${index}]`;
        if (!target) {reader.problem(refPath, ref.service, `${key} names a service this file does not define: use one of ${names(services)}.`);} else if (ref.service === service.name) {reader.problem(refPath, ref.service, `A service cannot name itself in ${key}.`);} else if (service.selected && !target.selected) {
          reader.problem(refPath, ref.service, `"${ref.service}" is not in the selected profiles: add one of its profiles to the \`profiles\` prop.`);
        }
      });
    }
  }
  const cycle = findCycle(services.filter(s => s.selected && byName.size > 0), byName);
  if (cycle) {
    reader.problem(`services.${cycle[0]}`, cycle.join(' -> '),
      'Services cannot depend on each other in a circle (depends_on, links and volumes_from all order start-up): remove one of these dependencies.');
  }
}

function names(services: ComposeService[]): string {
  return services.map(s => `"${s.name}"`).join(', ');
}

/** The services a service starts after: depends_on, links and volumes_from. */
export function startsAfter(service: ComposeService): string[] {
  return [...new Set([...service.dependsOn.map(d => d.service), ...service.links.map(l => l.service), ...service.volumesFrom.map(v => v.service)])];
}

/** A dependency cycle among the services, as names from the first back to it, or undefined. */
export function findCycle(services: ComposeService[], byName: Map<string, ComposeService>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    const service = byName.get(name);
    if (!service) return undefined;
    state.set(name, 'visiting');
    stack.push(name);
    for (const next of startsAfter(service)) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const service of services) {
    const cycle = visit(service.name);
    if (cycle) return cycle;
  }
  return undefined;
}
