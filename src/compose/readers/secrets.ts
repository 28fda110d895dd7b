/**
 * Reads secrets: the top-level secrets (Secrets Manager secrets) and the
 * `secrets` a service reads, as files (Compose's `/run/secrets/<name>`) or as
 * environment variables.
 */
import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import type { ComposeSecret, ComposeSecretUse } from '../model';
import { lineOf } from '../parse';
import { isMapping, scalarString } from '../values';
import { ComposeReader, RESOURCE_NAME, ServiceContext } from './reader';

/** What Secrets Manager accepts in a secret name. */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function readTopLevelSecrets(reader: ComposeReader, value: unknown): ComposeSecret[] {
  if (value === undefined || value === null) return [];
  if (!isMapping(value)) {
    reader.problem('secrets', value, 'Top-level `secrets` is a mapping of secret names, e.g. "secrets:\\n  db_password:\\n    external: true".');
    return [];
  }
  const secrets: ComposeSecret[] = [];
  for (const [name, spec] of Object.entries(value)) {
    const specPath = `secrets.${name}`;
    if (!RESOURCE_NAME.test(name)) {
      reader.problem(specPath, name, 'Use letters, digits, "_", "." and "-" in secret names, starting with a letter or digit (the Compose Specification\'s rule).');
    }
    if (!isMapping(spec)) {
      reader.problem(specPath, spec ?? null, 'Declare the secret with `file`, `environment` or `external: true` (an existing Secrets Manager secret, named by `name`).');
      continue;
    }
    for (const key of Object.keys(spec)) {
      if (!['file', 'environment', 'external', 'name'].includes(key)) {
        reader.ignoreTopLevel(`${specPath}.${key}`, 'only file, environment, external and name are read for secrets');
      }
    }
    const line = lineOf(reader.tree, specPath);
    if (spec.external === true || spec.external === 'true') {
      const externalName = scalarString(spec.name) ?? name;
      if (!SECRET_NAME.test(externalName) && !Token.isUnresolved(externalName)) {
        reader.problem(spec.name === undefined ? specPath : `${specPath}.name`, externalName,
          'An external secret is the Secrets Manager secret of this name, and Secrets Manager names are 1 to 512 letters, digits and "/_+=.@-": give the secret\'s name with `name`.');
      }
      secrets.push({ name, kind: 'external', externalName, line });
    } else if (spec.file !== undefined) {
      secrets.push({ name, kind: 'file', line });
    } else if (spec.environment !== undefined) {
      secrets.push({ name, kind: 'environment', line });
    } else {
      reader.problem(specPath, spec, 'Declare the secret with `file`, `environment` or `external: true` (an existing Secrets Manager secret, named by `name`).');
    }
  }
  return secrets;
}

/** Where Compose mounts secret files; a relative `target` is a path in it. */
export const SECRETS_DIRECTORY = '/run/secrets';

/** Compose's default permissions of a secret file. */
const DEFAULT_MODE = 0o444;

/** A numeric user or group id (Compose gives them as strings). */
const NUMERIC_ID = /^\d{1,10}$/;

/**
 * Reads a service's `secrets`: short syntax (`- db_password`) or long syntax
 * (`source`, `target`, `mode`, `uid`, `gid`). Each secret is a file at
 * `/run/secrets/<target or source>` (an absolute `target` is the file's path),
 * or with `secretsAs: ENVIRONMENT_VARIABLES` the variable named by the
 * `target` (its last path segment) or the upper-cased source.
 */
export function readServiceSecrets(reader: ComposeReader, ctx: ServiceContext, value: unknown, secrets: ComposeSecret[]): ComposeSecretUse[] {
  if (value === undefined || value === null) return [];
  const secPath = `${ctx.base}.secrets`;
  if (!Array.isArray(value)) {
    reader.problem(secPath, value, 'Give `secrets` as a list of secret names or { source, target } mappings.');
    return [];
  }
  const asEnvironment = reader.options.secretsAsEnvironment === true;
  const out: ComposeSecretUse[] = [];
  value.forEach((entry, index) => {
    const entryPath = `${secPath}[${index}]`;
    const long = isMapping(entry) ? entry : undefined;
    const source = long ? scalarString(long.source) : scalarString(entry);
    if (long) {
      for (const key of Object.keys(long)) {
        if (['source', 'target'].includes(key)) continue;
        if (['mode', 'uid', 'gid'].includes(key) && !asEnvironment) continue;
        reader.ignore(ctx, `secrets.${key}`, `${entryPath}.${key}`);
      }
    }
    if (source === undefined) {
      reader.problem(entryPath, entry, 'Name a top-level secret, or give { source, target }.');
      return;
    }
    if (!secrets.some(s => s.name === source)) {
      reader.problem(entryPath, source, `Declare "${source}" under the top-level \`secrets\` (e.g. with \`external: true\` for an existing Secrets Manager secret).`);
      return;
    }
    const target = long ? scalarString(long.target) : undefined;
    const targetName = target === undefined ? undefined : path.posix.basename(target);
    const variable = targetName !== undefined && VARIABLE_NAME.test(targetName)
      ? targetName
      : source.toUpperCase().replace(/[^A-Z0-9_]/g, '_').replace(/^(\d)/, '_$1');
    const file = asEnvironment ? `${SECRETS_DIRECTORY}/${source}` : secretFilePath(reader, `${entryPath}.target`, target ?? source);
    const mode = long && !asEnvironment ? readMode(reader, `${entryPath}.mode`, long.mode) : DEFAULT_MODE;
    const uid = long && !asEnvironment ? readId(reader, `${entryPath}.uid`, long.uid) : undefined;
    const gid = long && !asEnvironment ? readId(reader, `${entryPath}.gid`, long.gid) : undefined;
    if (file === undefined || mode === undefined || uid === null || gid === null) return;
    if (asEnvironment) {
      const clash = out.find(use => use.variable === variable);
      if (clash) {
        reader.problem(entryPath, entry,
          `The secrets "${clash.secret}" and "${source}" both become the environment variable ${variable}: give one of them another \`target\`.`);
        return;
      }
    } else {
      const clash = out.find(use => use.target === file || file.startsWith(`${use.target}/`) || use.target.startsWith(`${file}/`));
      if (clash) {
        reader.problem(`${entryPath}${long ? '.target' : ''}`, target ?? source,
          `The secrets "${clash.secret}" and "${source}" both need the path ${clash.target === file ? file : `${clash.target} and ${file}`}: give one of them another \`target\`.`);
        return;
      }
    }
    out.push({ secret: source, variable, target: file, mode, uid, gid, path: entryPath });
  });
  return out;
}

/** The absolute path of a secret file: a relative target is under /run/secrets; `..` and the directories themselves are refused. */
function secretFilePath(reader: ComposeReader, valuePath: string, target: string): string | undefined {
  const absolute = path.posix.normalize(target.startsWith('/') ? target : `${SECRETS_DIRECTORY}/${target}`);
  const fix = `Give a file name (it goes in ${SECRETS_DIRECTORY}, e.g. "db_password") or the absolute path of a file in a directory other than "/", e.g. "/run/secrets/db_password".`;
  if (target === '' || target.endsWith('/') || target.includes('\0') || absolute === SECRETS_DIRECTORY || path.posix.dirname(absolute) === '/'
    || (!target.startsWith('/') && !absolute.startsWith(`${SECRETS_DIRECTORY}/`))) {
    reader.problem(valuePath, target, fix);
    return undefined;
  }
  return absolute;
}

/**
 * The `mode` of a secret file. Compose reads it in octal: `0440` (YAML 1.2
 * reads 440, so its text is used), `"0440"`, `0o440`; a number written
 * without a leading zero is decimal, as Compose reads it (`288` is 0o440).
 */
function readMode(reader: ComposeReader, valuePath: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return DEFAULT_MODE;
  const text = reader.tree.leadingZeroNumbers?.get(valuePath) ?? (typeof value === 'string' ? value.trim() : undefined);
  let mode: number | undefined;
  if (text !== undefined) mode = /^(0o?)?[0-7]{1,4}$/.test(text) ? parseInt(text.replace(/^0o/, ''), 8) : undefined;
  else if (typeof value === 'number' && Number.isInteger(value)) mode = value;
  if (mode === undefined || mode < 0 || mode > 0o777) {
    reader.problem(valuePath, value, 'Give the file\'s permissions in octal, from 0000 to 0777, e.g. 0440 (read for the owner and the group).');
    return undefined;
  }
  return mode;
}

/** A numeric `uid` or `gid`; `null` when it is not one (reported). */
function readId(reader: ComposeReader, valuePath: string, value: unknown): string | undefined | null {
  if (value === undefined || value === null) return undefined;
  const text = scalarString(value);
  if (text === undefined || !NUMERIC_ID.test(text) || Number(text) > 4_294_967_295) {
    reader.problem(valuePath, value, 'Give a numeric id from 0 to 4294967295, e.g. "1000" (the file is written before the container starts, so user names cannot be looked up).');
    return null;
  }
  return String(Number(text));
}
