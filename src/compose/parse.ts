/**
 * YAML to plain values, keeping the line of every value so that errors can
 * name it (`compose.yaml:12 services.web.ports[0]`). Anchors, aliases and
 * `<<` merge keys are resolved the way Compose resolves them.
 */
import type { Document, LineCounter, Node } from 'yaml';

/**
 * The YAML library, loaded on first use: apps that import cdk-ecs-kit without
 * importing a Compose file do not pay for loading it at every synthesis.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = (): typeof import('yaml') => require('yaml');
import { isMapping } from './values';

/** A YAML syntax error with its line. */
export interface YamlSyntaxError {
  readonly line?: number;
  readonly message: string;
}

/** A parsed YAML document: its plain value, and the line of each value by path. */
export interface YamlTree {
  readonly value: unknown;
  /** Line (1-based) of the value at a path such as `services.web.ports[0]`. */
  readonly lines: ReadonlyMap<string, number>;
  /** The text of numbers written with a leading zero, e.g. `0440` (YAML 1.2 reads 440; Compose reads a file mode in octal). */
  readonly leadingZeroNumbers?: ReadonlyMap<string, string>;
}

/** Joins a path and a mapping key: `services` + `web` gives `services.web`. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/**
 * The line of the value at `path`, or of the closest enclosing value that has
 * one (for a key that is missing, the line of its parent).
 */
export function lineOf(tree: YamlTree, path: string): number | undefined {
  let current = path;
  while (true) {
    const line = tree.lines.get(current);
    if (line !== undefined) return line;
    if (current === '') return undefined;
    const cut = Math.max(current.lastIndexOf('.'), current.lastIndexOf('['));
    current = cut < 0 ? '' : current.slice(0, cut);
  }
}

/** Parses YAML; the errors (each with a line) are returned instead of thrown. */
export function parseYaml(content: string): { tree?: YamlTree; errors: YamlSyntaxError[] } {
  const lineCounter = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(content, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      errors: doc.errors.map(error => ({
        line: error.linePos?.[0]?.line ?? (error.pos ? lineCounter.linePos(error.pos[0]).line : undefined),
        message: error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''),
      })),
    };
  }
  const lines = new Map<string, number>();
  const leadingZeroNumbers = new Map<string, string>();
  const walker = new Walker(doc, lineCounter, lines, leadingZeroNumbers);
  const value = walker.toPlain(doc.contents, '', 0);
  return { tree: { value, lines, leadingZeroNumbers }, errors: [] };
}

class Walker {
  constructor(private readonly doc: Document, private readonly lineCounter: LineCounter, private readonly lines: Map<string, number>,
    private readonly leadingZeroNumbers: Map<string, string>) {}

  public toPlain(node: unknown, path: string, depth: number): unknown {
    if (depth > 100) return undefined; // a self-referencing alias; YAML itself forbids it, this is a guard
    if (node === null || node === undefined) return null;
    if (yaml().isAlias(node)) return this.toPlain(node.resolve(this.doc), path, depth + 1);
    this.record(node as Node, path);
    if (yaml().isScalar(node)) {
      if (typeof node.value === 'number' && typeof node.source === 'string' && /^0\d/.test(node.source)) this.leadingZeroNumbers.set(path, node.source);
      return node.value;
    }
    if (yaml().isSeq(node)) return node.items.map((item, index) => this.toPlain(item, childPath(path, index), depth + 1));
    if (yaml().isMap(node)) {
      const out: Record<string, unknown> = {};
      const merges: unknown[] = [];
      for (const pair of node.items) {
        const key = yaml().isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (key === '<<') {
          merges.push(pair.value);
          continue;
        }
        if (yaml().isScalar(pair.key) && pair.key.range) this.recordLine(childPath(path, key), pair.key.range[0]);
        out[key] = this.toPlain(pair.value, childPath(path, key), depth + 1);
        // A null value has no node of its own: keep the key's line.
      }
      // Explicit keys win over merged ones; earlier merge sources win over later ones.
      for (const merge of merges) {
        const sources = yaml().isSeq(merge) ? merge.items : [merge];
        for (const source of sources) {
          const merged = this.toPlain(source, path, depth + 1);
          if (!isMapping(merged)) continue;
          for (const [key, value] of Object.entries(merged)) {
            if (!(key in out)) out[key] = value;
          }
        }
      }
      return out;
    }
    return null;
  }

  /** Records a value's line, unless its key already gave one (the key's line reads better for a nested mapping). */
  private record(node: Node, path: string): void {
    if (node.range && !this.lines.has(path)) this.recordLine(path, node.range[0]);
  }

  private recordLine(path: string, offset: number): void {
    this.lines.set(path, this.lineCounter.linePos(offset).line);
  }
}
