/**
 * Compose variable interpolation (`${VAR}`, `$VAR`, `${VAR:-default}`,
 * `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `${VAR:+replacement}`,
 * `${VAR+replacement}`, `$$` for a literal `$`), and `.env` / `env_file` parsing.
 *
 * @see https://docs.docker.com/reference/compose-file/interpolation/
 */

/** Interpolation variables; a missing key is an unset variable. */
export type Variables = Readonly<Record<string, string | undefined>>;

/** Why a string could not be interpolated. */
export class InterpolationError extends Error {
  constructor(message: string, public readonly fix: string) {
    super(message);
    Object.setPrototypeOf(this, InterpolationError.prototype);
    this.name = 'InterpolationError';
  }
}

/** The interpolated string, and the variables it used that were not set (they became ""). */
export interface Interpolated {
  readonly value: string;
  readonly unset: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * Interpolates one string. Throws `InterpolationError` for `${VAR:?msg}` /
 * `${VAR?msg}` on an unset (or empty) variable and for malformed `${...}`.
 */
export function interpolate(input: string, variables: Variables): Interpolated {
  const unset: string[] = [];
  const value = interpolateInto(input, variables, unset);
  return { value, unset: [...new Set(unset)] };
}

function interpolateInto(input: string, variables: Variables, unset: string[]): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '{') {
      const end = closingBrace(input, i + 2);
      if (end < 0) {
        throw new InterpolationError(`invalid interpolation format: "${input.slice(i)}" has no closing "}"`,
          'Close the braces, e.g. "${VAR}", or write "$$" for a literal "$".');
      }
      out += expand(input.slice(i + 2, end), variables, unset);
      i = end + 1;
    } else {
      const match = NAME.exec(input.slice(i + 1));
      if (match) {
        out += lookup(match[0], variables, unset);
        i += 1 + match[0].length;
      } else {
        out += '$';
        i++;
      }
    }
  }
  return out;
}

/** Index of the `}` closing a `${` whose body starts at `start`, allowing nested `${...}`. */
function closingBrace(input: string, start: number): number {
  let depth = 1;
  for (let i = start; i < input.length; i++) {
    if (input[i] === '$' && input[i + 1] === '$') {
      i++;
    } else if (input[i] === '$' && input[i + 1] === '{') {
      depth++;
      i++;
    } else if (input[i] === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function lookup(name: string, variables: Variables, unset: string[]): string {
  const value = variables[name];
  if (value === undefined) {
    unset.push(name);
    return '';
  }
  return value;
}

function expand(body: string, variables: Variables, unset: string[]): string {
  const match = NAME.exec(body);
  if (!match) {
    throw new InterpolationError(`invalid interpolation format: "\${${body}}" does not start with a variable name`,
      'Name a variable (letters, digits and "_", not starting with a digit), e.g. "${PORT:-8080}", or write "$$" for a literal "$".');
  }
  const name = match[0];
  const rest = body.slice(name.length);
  if (rest === '') return lookup(name, variables, unset);
  const operator = /^(:-|-|:\?|\?|:\+|\+)/.exec(rest)?.[0];
  if (operator === undefined) {
    throw new InterpolationError(`invalid interpolation format: "\${${body}}"`,
      'Use ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, ${VAR:+replacement} or ${VAR+replacement}.');
  }
  const value = variables[name];
  const isSet = value !== undefined;
  const isSetAndNotEmpty = isSet && value !== '';
  const argument = () => interpolateInto(rest.slice(operator.length), variables, unset);
  switch (operator) {
    case ':-': return isSetAndNotEmpty ? value : argument();
    case '-': return isSet ? value : argument();
    case ':+': return isSetAndNotEmpty ? argument() : '';
    case '+': return isSet ? argument() : '';
    default: {
      const required = operator === ':?' ? isSetAndNotEmpty : isSet;
      if (!required) {
        const message = argument();
        throw new InterpolationError(
          `required variable ${name} is ${isSet ? 'empty' : 'not set'}${message ? `: ${message}` : ''}`,
          `Set ${name} in the ComposeApp's \`environment\` prop or in the .env file.`);
      }
      return value!;
    }
  }
}

/** One problem in an env file, with its line (1-based). */
export interface EnvFileProblem {
  readonly line: number;
  readonly text: string;
  readonly fix: string;
}

/** The variables of an env file, in order, and the lines that could not be read. */
export interface EnvFile {
  readonly values: Record<string, string>;
  readonly problems: EnvFileProblem[];
  /** Variables referenced by the file that were not set (they became ""). */
  readonly unset: string[];
}

/**
 * Parses a `.env` / `env_file` file: `KEY=value` lines, `export KEY=value`,
 * `# comments`, single-quoted values taken literally, double-quoted values with
 * `\n`, `\t`, `\"`, `\\` escapes, unquoted values trimmed with ` #` comments
 * removed. Double-quoted and unquoted values are interpolated with `variables`
 * plus the keys defined earlier in the file. A line `KEY` alone takes KEY from
 * `variables`, and is left out when it is not set there.
 */
export function parseEnvFile(content: string, variables: Variables = {}): EnvFile {
  const values: Record<string, string> = {};
  const problems: EnvFileProblem[] = [];
  const unset: string[] = [];
  const lines = content.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index];
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(?:=(.*))?$/.exec(line);
    if (!match) {
      problems.push({ line: index + 1, text: raw, fix: 'Write one variable per line as KEY=value (a comment starts with #).' });
      continue;
    }
    const [, key, rawValue] = match;
    const scope = { ...variables, ...values };
    if (rawValue === undefined) {
      const value = variables[key];
      if (value !== undefined) values[key] = value;
      continue;
    }
    const value = rawValue.trim();
    try {
      if (value.startsWith('\'')) {
        const end = value.indexOf('\'', 1);
        if (end < 0) throw new InterpolationError('unclosed single quote', 'Close the quote: KEY=\'value\'.');
        values[key] = value.slice(1, end);
      } else if (value.startsWith('"')) {
        const end = closingQuote(value);
        if (end < 0) throw new InterpolationError('unclosed double quote', 'Close the quote: KEY="value".');
        const unescaped = value.slice(1, end).replace(/\\([nrt"\\])/g, (_, e: string) => ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[e] ?? e);
        const result = interpolate(unescaped, scope);
        unset.push(...result.unset);
        values[key] = result.value;
      } else {
        const withoutComment = value.replace(/\s+#.*$/, '');
        const result = interpolate(withoutComment, scope);
        unset.push(...result.unset);
        values[key] = result.value;
      }
    } catch (e) {
      if (!(e instanceof InterpolationError)) throw e;
      problems.push({ line: index + 1, text: raw, fix: `${e.message}. ${e.fix}` });
    }
  }
  return { values, problems, unset: [...new Set(unset)] };
}

function closingQuote(value: string): number {
  for (let i = 1; i < value.length; i++) {
    if (value[i] === '\\') i++;
    else if (value[i] === '"') return i;
  }
  return -1;
}
