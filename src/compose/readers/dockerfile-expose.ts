/**
 * The ports a local Dockerfile declares with `EXPOSE`: the ports the built
 * image listens on, which other Compose services reach it by (Compose reaches a
 * service on any port; Service Connect needs the ports named).
 *
 * @see https://docs.docker.com/reference/dockerfile/#expose
 */
import { ComposePort, PortSyntaxError, parseExposeEntry } from '../ports';

/** What `EXPOSE` gave for the built stage, and the entries that could not be read. */
export interface DockerfileExpose {
  readonly ports: ComposePort[];
  /** Entries that are not a port, a range or a variable with a known value, with their line. */
  readonly unreadable: { readonly line: number; readonly text: string }[];
}

interface Stage {
  readonly name?: string;
  readonly ports: ComposePort[];
  readonly unreadable: { readonly line: number; readonly text: string }[];
  /** ARG defaults and ENV values seen in the stage (and the global ARGs before the first FROM). */
  readonly variables: Map<string, string>;
}

/** Logical lines: continuation backslashes joined, comments and parser directives dropped, with the line each starts on. */
function logicalLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let current: { line: number; text: string } | undefined;
  const physical = text.split(/\r?\n/);
  physical.forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (current === undefined && trimmed === '')) return;
    const continued = /\\$/.test(trimmed);
    const body = continued ? trimmed.slice(0, -1) : trimmed;
    if (current) current.text += ` ${body}`;
    else current = { line: index + 1, text: body };
    if (!continued) {
      out.push(current);
      current = undefined;
    }
  });
  if (current) out.push(current);
  return out;
}

/** `$NAME`, `${NAME}` and `${NAME:-default}` from `variables`; undefined when a variable has no known value. */
function substitute(word: string, variables: ReadonlyMap<string, string>): string | undefined {
  let unknown = false;
  const result = word.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_match, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
      const value = variables.get(braced ?? bare!);
      if (value !== undefined && value !== '') return value;
      if (fallback !== undefined) return fallback;
      unknown = true;
      return '';
    });
  return unknown ? undefined : result;
}

/** `KEY=value` pairs (or the legacy `KEY value`) of ARG and ENV. */
function assignments(rest: string, legacyForm: boolean): [string, string | undefined][] {
  const words = rest.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
  const first = words[0];
  if (legacyForm && first !== undefined && words.length >= 2 && !first.includes('=')) {
    return [[first, unquote(words.slice(1).join(' '))]];
  }
  return words.map(w => {
    const eq = w.indexOf('=');
    return eq < 0 ? [w, undefined] : [w.slice(0, eq), unquote(w.slice(eq + 1))];
  });
}

function unquote(text: string): string {
  return text.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
}

/**
 * Reads the `EXPOSE` ports of the stage that is built: `target`, else the
 * last one. A stage built `FROM` an earlier stage inherits its ports, as the
 * image does. Variables take the build `args`, else the `ARG` default, else the
 * `ENV` value; an entry with a variable of no known value is unreadable.
 */
export function dockerfileExposedPorts(text: string, args: Readonly<Record<string, string>> = {}, target?: string): DockerfileExpose {
  const stages: Stage[] = [];
  const globals = new Map<string, string>();
  let stage: Stage | undefined;
  for (const { line, text: instruction } of logicalLines(text)) {
    const match = /^([A-Za-z]+)\s*(.*)$/.exec(instruction);
    if (!match) continue;
    const keyword = match[1].toUpperCase();
    const rest = match[2];
    if (keyword === 'FROM') {
      const words = rest.split(/\s+/).filter(w => !w.startsWith('--'));
      const base = substitute(words[0] ?? '', globals) ?? words[0];
      const name = words.length >= 3 && words[1].toLowerCase() === 'as' ? words[2].toLowerCase() : undefined;
      const parent = stages.find(s => s.name !== undefined && s.name === base?.toLowerCase());
      stage = {
        name,
        ports: [...parent?.ports ?? []],
        unreadable: [...parent?.unreadable ?? []],
        // A stage sees the global ARGs only when it declares them again (ARG NAME): keep them aside.
        variables: new Map(parent?.variables ?? []),
      };
      stages.push(stage);
      continue;
    }
    if (keyword === 'ARG') {
      for (const [name, value] of assignments(rest, false)) {
        const given = args[name] ?? value ?? (stage ? globals.get(name) : undefined);
        if (!stage) {
          if (given !== undefined) globals.set(name, given);
        } else if (given !== undefined) {
          stage.variables.set(name, given);
        }
      }
      continue;
    }
    if (!stage) continue;
    if (keyword === 'ENV') {
      for (const [name, value] of assignments(rest, true)) {
        if (value !== undefined) stage.variables.set(name, substitute(value, stage.variables) ?? value);
      }
      continue;
    }
    if (keyword !== 'EXPOSE') continue;
    for (const word of rest.split(/\s+/).filter(w => w !== '')) {
      const value = substitute(word, stage.variables);
      try {
        if (value === undefined) throw new PortSyntaxError('unknown variable');
        for (const port of parseExposeEntry(value)) {
          if (!stage.ports.some(p => p.containerPort === port.containerPort && p.protocol === port.protocol)) stage.ports.push(port);
        }
      } catch (e) {
        if (!(e instanceof PortSyntaxError)) throw e;
        stage.unreadable.push({ line, text: word });
      }
    }
  }
  const built = (target !== undefined ? stages.find(s => s.name === target.toLowerCase()) : undefined) ?? stages[stages.length - 1];
  return { ports: built?.ports ?? [], unreadable: built?.unreadable ?? [] };
}
