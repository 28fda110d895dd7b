/**
 * Reads a Compose file into the model `ComposeApp` builds from: every key is
 * either mapped, ignored with exactly one warning, or reported as a problem
 * with the file, the line and the path of the value.
 *
 * Plain functions over plain values: no constructs, so every rule can be unit tested.
 */
import * as fs from 'fs';
import { Token } from 'aws-cdk-lib';
import { Interpolated, InterpolationError, Variables, interpolate, parseEnvFile } from './interpolate';
import type { ComposeProblem, ComposeProject, LoadOptions, LoadResult } from './model';
import { childPath, parseYaml } from './parse';
import { checkReferences } from './readers/dependencies';
import { ComposeReader, EXTENSION_REASON, IGNORED_KEY_REASONS } from './readers/reader';
import { readTopLevelSecrets } from './readers/secrets';
import { SERVICE_KEYS, checkNamesDifferInLowercase, readService } from './readers/service';
import { readTopLevelVolumes } from './readers/volumes';
import { isMapping, scalarString } from './values';

const TOP_LEVEL_REASONS: Record<string, string> = {
  version: 'the Compose Specification made it obsolete',
  networks: IGNORED_KEY_REASONS.networks,
  configs: 'configs are not mapped: bake configuration files into the image or pass them as environment variables',
  include: 'merge the files first (`docker compose config > merged.yaml`) and import the result',
};

/**
 * Where a value interpolated from an unresolved token (a variable of the
 * `environment` prop such as a CloudFormation parameter) is passed to the
 * template unchanged, and so works at deploy time. Everywhere else the value is
 * read at synth time (ports, durations, sizes, names, paths) and a token is refused.
 */
const TOKEN_PATHS = [
  /^services\.[^.]+\.(image|working_dir|user)$/,
  /^services\.[^.]+\.(command|entrypoint)(\[\d+\])?$/,
  /^services\.[^.]+\.(environment|labels)(\..+|\[\d+\])$/,
  /^services\.[^.]+\.healthcheck\.test(\[\d+\])?$/,
  /^services\.[^.]+\.build\.args(\..+|\[\d+\])$/,
  /^secrets\.[^.]+\.name$/,
];

/** Whether a value is read by the import (keys that are ignored, with a warning, are not). */
function readAtSynth(valuePath: string): boolean {
  const [top, service, key] = valuePath.split('.');
  if (top === 'services') return service !== undefined && key !== undefined && SERVICE_KEYS.has(key.replace(/\[.*$/, ''));
  return ['name', 'volumes', 'secrets'].includes(top.replace(/\[.*$/, ''));
}

/** Reads the interpolation variables: the env file, overridden by `variables`. */
export function readEnvFile(file: string, displayName: string, variables: Variables): { values: Record<string, string>; problems: ComposeProblem[] } {
  const parsed = parseEnvFile(fs.readFileSync(file, 'utf-8'), variables);
  return {
    values: { ...parsed.values, ...definedOnly(variables) },
    problems: parsed.problems.map(p => ({ file: displayName, line: p.line, path: `line ${p.line}`, received: p.text, fix: p.fix })),
  };
}

function definedOnly(variables: Variables): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(variables)) if (value !== undefined) out[key] = value;
  return out;
}

/** Loads a Compose file's text into the model. */
export function loadProject(content: string, options: LoadOptions): LoadResult {
  return new Loader(options).load(content);
}

/** Reads the file top-down: interpolation first, then the top-level keys, then every service and the references between them. */
class Loader {
  private readonly reader: ComposeReader;
  private readonly unsetVariables = new Map<string, string>();

  constructor(private readonly options: LoadOptions) {
    this.reader = new ComposeReader(options);
  }

  public load(content: string): LoadResult {
    const { tree, errors } = parseYaml(content);
    if (!tree) {
      for (const error of errors) {
        this.reader.problems.push({ file: this.options.fileName, line: error.line, path: '(YAML)', received: error.message, fix: 'Fix the YAML syntax.' });
      }
      return this.result(undefined);
    }
    this.reader.tree = tree;
    const root = this.interpolateTree(tree.value, '');
    if (!isMapping(root) || !isMapping(root.services) || Object.keys(root.services).length === 0) {
      const received = !isMapping(root) ? root : root.services;
      this.reader.problem(isMapping(root) ? 'services' : '', received ?? null,
        'This is not a Compose file: it needs a top-level `services:` mapping with at least one service, e.g. "services:\\n  web:\\n    image: nginx".');
      return this.result(undefined);
    }
    for (const [variable, where] of this.unsetVariables) {
      this.reader.warn('unsetVariable', { variable },
        `The variable ${variable} is not set (${where}), so it became an empty string: set it in the \`environment\` prop or the .env file, or give a default with \${${variable}:-default}.`);
    }

    const name = scalarString(root.name);
    for (const key of Object.keys(root)) {
      if (['services', 'volumes', 'secrets', 'name'].includes(key)) continue;
      const reason = key.startsWith('x-') ? EXTENSION_REASON : TOP_LEVEL_REASONS[key] ?? 'it is not a top-level key of the Compose Specification';
      this.reader.ignoreTopLevel(key, reason);
    }
    const volumes = readTopLevelVolumes(this.reader, root.volumes);
    const secrets = readTopLevelSecrets(this.reader, root.secrets);
    const services = Object.entries(root.services).map(([serviceName, value]) => readService(this.reader, serviceName, value, volumes, secrets));
    checkNamesDifferInLowercase(this.reader, services.map(s => s.name));
    checkReferences(this.reader, services);
    return this.result({ name, services, volumes, secrets });
  }

  private result(project: ComposeProject | undefined): LoadResult {
    return { project, problems: this.reader.problems, warnings: this.reader.warnings };
  }

  // ---- interpolation

  private interpolateTree(value: unknown, valuePath: string): unknown {
    if (typeof value === 'string') {
      let result: Interpolated;
      try {
        result = interpolate(value, this.options.variables);
      } catch (e) {
        if (!(e instanceof InterpolationError)) throw e;
        this.reader.problem(valuePath, value, `${capitalize(e.message)}. ${e.fix}`);
        return value;
      }
      for (const variable of result.unset) {
        if (!this.unsetVariables.has(variable)) this.unsetVariables.set(variable, `${this.reader.where(valuePath)} ${valuePath}`);
      }
      if (Token.isUnresolved(result.value) && readAtSynth(valuePath) && !TOKEN_PATHS.some(pattern => pattern.test(valuePath))) {
        this.reader.problem(valuePath, value,
          'A variable here holds an unresolved token (e.g. a CloudFormation parameter), but this value is read at synth time: give it a literal value. ' +
          'Tokens work in image, command, entrypoint, working_dir, user, environment, labels, healthcheck.test, build.args and the name of an external secret.');
        return value;
      }
      return result.value;
    }
    if (Array.isArray(value)) return value.map((item, index) => this.interpolateTree(item, childPath(valuePath, index)));
    if (isMapping(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value)) out[key] = this.interpolateTree(inner, childPath(valuePath, key));
      return out;
    }
    return value;
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
