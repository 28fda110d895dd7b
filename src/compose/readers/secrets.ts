/**
 * Reads secrets: the top-level secrets (Secrets Manager secrets) and the
 * `secrets` a service reads as environment variables.
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

export function readServiceSecrets(reader: ComposeReader, ctx: ServiceContext, value: unknown, secrets: ComposeSecret[]): ComposeSecretUse[] {
  if (value === undefined || value === null) return [];
  const secPath = `${ctx.base}.secrets`;
  if (!Array.isArray(value)) {
    reader.problem(secPath, value, 'Give `secrets` as a list of secret names or { source, target } mappings.');
    return [];
  }
  const out: ComposeSecretUse[] = [];
  value.forEach((entry, index) => {
    const entryPath = `${secPath}[${index}]`;
    const long = isMapping(entry) ? entry : undefined;
    const source = long ? scalarString(long.source) : scalarString(entry);
    if (long) {
      for (const key of Object.keys(long)) {
        if (!['source', 'target'].includes(key)) reader.ignore(ctx, `secrets.${key}`, `${entryPath}.${key}`);
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
    const clash = out.find(use => use.variable === variable);
    if (clash) {
      reader.problem(entryPath, entry,
        `The secrets "${clash.secret}" and "${source}" both become the environment variable ${variable}: give one of them another \`target\`.`);
      return;
    }
    out.push({ secret: source, variable });
  });
  return out;
}
