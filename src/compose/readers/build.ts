/** Reads `build`: a Docker image asset built from a local context. */
import * as fs from 'fs';
import * as path from 'path';
import type { ComposeBuild } from '../model';
import { isMapping, scalarString } from '../values';
import { dockerfileExposedPorts } from './dockerfile-expose';
import { ComposeReader, ServiceContext } from './reader';

export function readBuild(reader: ComposeReader, ctx: ServiceContext, value: unknown): ComposeBuild | undefined {
  if (value === undefined || value === null) return undefined;
  const buildPath = `${ctx.base}.build`;
  const spec: Record<string, unknown> = typeof value === 'string' ? { context: value } : isMapping(value) ? value : {};
  if (!isMapping(value) && typeof value !== 'string') {
    reader.problem(buildPath, value, 'Give `build` as a context directory ("./web") or a mapping with context, dockerfile, args and target.');
    return undefined;
  }
  for (const key of Object.keys(spec)) {
    if (!['context', 'dockerfile', 'args', 'target'].includes(key)) {
      reader.ignore(ctx, `build.${key}`, `${buildPath}.${key}`, 'the image is built by `cdk deploy` as a Docker image asset from context, dockerfile, args and target only');
    }
  }
  const context = scalarString(spec.context) ?? '.';
  if (/^[a-z]+:\/\/|^git@|\.git(#.*)?$/.test(context)) {
    reader.problem(`${buildPath}${typeof value === 'string' ? '' : '.context'}`, context,
      'A Git or URL build context cannot be staged as an asset: clone it next to the Compose file and give the local directory.');
    return undefined;
  }
  const contextDir = path.resolve(reader.options.directory, context);
  const dockerfile = reader.readString(spec.dockerfile, `${buildPath}.dockerfile`);
  const args = reader.readKeyValues(spec.args, `${buildPath}.args`, true);
  const target = reader.readString(spec.target, `${buildPath}.target`);
  if (ctx.selected && !reader.options.imageOverrides.includes(ctx.name)) {
    if (!fs.existsSync(contextDir) || !fs.statSync(contextDir).isDirectory()) {
      reader.problem(`${buildPath}${typeof value === 'string' ? '' : '.context'}`, context,
        `The build context ${contextDir} is not a directory: paths are relative to the Compose file's directory (${reader.options.directory}).`);
      return undefined;
    }
    const dockerfilePath = path.resolve(contextDir, dockerfile ?? 'Dockerfile');
    if (!fs.existsSync(dockerfilePath)) {
      reader.problem(dockerfile ? `${buildPath}.dockerfile` : buildPath, dockerfile ?? context,
        `There is no Dockerfile at ${dockerfilePath}: \`dockerfile\` is relative to the build context.`);
      return undefined;
    }
  }
  return { context: contextDir, dockerfile, args, target, exposedPorts: ctx.selected ? exposedPorts(reader, ctx, path.resolve(contextDir, dockerfile ?? 'Dockerfile'), args, target) : [] };
}

/** The Dockerfile's `EXPOSE` ports, with one warning for the entries that cannot be read (they are left out). */
function exposedPorts(reader: ComposeReader, ctx: ServiceContext, dockerfilePath: string, args: Record<string, string>, target?: string) {
  if (!fs.existsSync(dockerfilePath) || !fs.statSync(dockerfilePath).isFile()) return [];
  const { ports, unreadable } = dockerfileExposedPorts(fs.readFileSync(dockerfilePath, 'utf-8'), args, target);
  if (unreadable.length > 0) {
    const entries = unreadable.map(u => `"${u.text}" (line ${u.line})`).join(', ');
    reader.warn('dockerfileExpose', { service: ctx.name },
      `The Dockerfile of service "${ctx.name}" (${dockerfilePath}) has EXPOSE entries that are not a port, a range or a variable with a ` +
      `known value: ${entries}. They are left out, so other services do not reach "${ctx.name}" on them by name: add the ports to ` +
      `\`expose\` of services.${ctx.name} (e.g. expose: ["8000"]), or give the variable a default (ARG PORT=8000) or a value in build.args.`);
  }
  return ports;
}
