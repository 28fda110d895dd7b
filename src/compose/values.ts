/**
 * Parsers for the small value formats of the Compose Specification: durations,
 * byte sizes, CPU counts and command strings. Each returns `undefined` (or
 * throws nothing) so the caller can report the problem with file and line.
 */

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A Compose duration (`1m30s`, `10s`, `1.5h`, `500ms`; Go's `time.ParseDuration`
 * format) in milliseconds, or `undefined` when it does not parse.
 * A bare number counts as seconds, as Compose reads `stop_grace_period: 10`.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '' || text === '0') return text === '0' ? 0 : undefined;
  const part = /(\d+(?:\.\d+)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let index = 0;
  while (index < text.length) {
    part.lastIndex = index;
    const match = part.exec(text);
    if (!match) return undefined;
    total += Number(match[1]) * DURATION_UNITS[match[2]];
    index = part.lastIndex;
  }
  return total;
}

const BYTE_UNITS: Record<string, number> = {
  b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4,
};

/**
 * A Compose byte size (`512m`, `1g`, `1.5gb`, `2048k`, or a number of bytes)
 * in MiB, rounded up, or `undefined` when it does not parse or is not positive.
 */
export function parseMemoryMiB(value: unknown): number | undefined {
  let bytes: number;
  if (typeof value === 'number') {
    bytes = value;
  } else if (typeof value === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Z]*)\s*$/.exec(value);
    if (!match) return undefined;
    const unit = BYTE_UNITS[match[2].toLowerCase() || 'b'];
    if (unit === undefined) return undefined;
    bytes = Number(match[1]) * unit;
  } else {
    return undefined;
  }
  if (!Number.isFinite(bytes) || bytes <= 0) return undefined;
  return Math.ceil(bytes / 1024 ** 2);
}

/**
 * A Compose CPU count (`0.5`, `"1.5"`, `2`) in ECS CPU units (1024 per vCPU),
 * rounded up, or `undefined` when it does not parse or is not positive.
 */
export function parseCpuUnits(value: unknown): number | undefined {
  const cpus = typeof value === 'number' ? value : typeof value === 'string' && /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(cpus) || cpus <= 0) return undefined;
  return Math.ceil(cpus * 1024);
}

/**
 * Splits a command string into words the way Compose does (POSIX shell
 * quoting, no expansion): `echo "hello world"` gives `['echo', 'hello world']`.
 * Returns `undefined` when a quote is not closed.
 */
export function shellSplit(command: string): string[] | undefined {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < command.length) {
    const c = command[i];
    if (c === '\'') {
      const end = command.indexOf('\'', i + 1);
      if (end < 0) return undefined;
      word += command.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < command.length) {
        const d = command[i];
        if (d === '"') { closed = true; i++; break; }
        if (d === '\\' && i + 1 < command.length && '"\\$`\n'.includes(command[i + 1])) {
          if (command[i + 1] !== '\n') word += command[i + 1];
          i += 2;
          continue;
        }
        word += d;
        i++;
      }
      if (!closed) return undefined;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 < command.length && command[i + 1] !== '\n') word += command[i + 1];
      inWord = true;
      i += 2;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Whether a value is a plain object (a YAML mapping). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A scalar as Compose reads it into a string (`8080` and `true` included); `undefined` for mappings, lists and null. */
export function scalarString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
