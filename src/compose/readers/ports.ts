/** Reads `ports` and `expose`. */
import { ComposePort, LONG_SYNTAX_KEYS, PortSyntaxError, parseExposeEntry, parsePortEntry } from '../ports';
import { isMapping } from '../values';
import { ComposeReader, ServiceContext } from './reader';

export function readPorts(reader: ComposeReader, ctx: ServiceContext, spec: Record<string, unknown>): ComposePort[] {
  const ports: ComposePort[] = [];
  const add = (entries: ComposePort[]) => {
    for (const port of entries) {
      if (!ports.some(p => p.containerPort === port.containerPort && p.protocol === port.protocol)) ports.push(port);
    }
  };
  for (const [key, parse] of [['ports', parsePortEntry], ['expose', parseExposeEntry]] as const) {
    const list = spec[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      reader.problem(`${ctx.base}.${key}`, list, `\`${key}\` is a list, e.g. ${key === 'ports' ? '["8080:80"]' : '["3000"]'}.`);
      continue;
    }
    list.forEach((entry, index) => {
      const entryPath = `${ctx.base}.${key}[${index}]`;
      try {
        add(parse(entry));
      } catch (e) {
        if (!(e instanceof PortSyntaxError)) throw e;
        reader.problem(entryPath, entry, e.fix);
      }
      if (key === 'ports' && isMapping(entry)) {
        for (const longKey of Object.keys(entry)) {
          if (!LONG_SYNTAX_KEYS.includes(longKey) || longKey === 'mode' || longKey === 'name') {
            reader.ignore(ctx, `ports.${longKey}`, `${entryPath}.${longKey}`);
          }
        }
      }
    });
  }
  // Published ports first: the first published HTTP port is the one the load balancer sends to.
  return [...ports.filter(p => p.published), ...ports.filter(p => !p.published)];
}
