import * as fs from 'fs';
import * as path from 'path';
import { objectOf, pathOf, propertyOf } from './template-values';

/**
 * A CloudFormation template as read from a cloud assembly: any JSON value as far
 * as its readers are concerned, since escape hatches can put any shape anywhere.
 */
export type Template = unknown;

/**
 * Finds the template of each nested stack (`AWS::CloudFormation::Stack`) of a
 * synthesized template, in the same cloud assembly directory: through the
 * `aws:asset:path` metadata the CDK CLI asks for, otherwise through the
 * stack's asset manifest, whose file asset hash ends the nested stack's TemplateURL.
 *
 * @returns the absolute path of each nested template, by logical id of its stack resource
 */
export function nestedTemplatePaths(templatePath: string, template: Template): { [logicalId: string]: string } {
  const directory = path.dirname(templatePath);
  const found: { [logicalId: string]: string } = {};
  let fileAssets: { hash: string; path: string }[] | undefined;
  for (const [logicalId, resource] of Object.entries(objectOf(propertyOf(template, 'Resources')) ?? {})) {
    if (propertyOf(resource, 'Type') !== 'AWS::CloudFormation::Stack') continue;
    const assetPath = pathOf(resource, 'Metadata', 'aws:asset:path');
    if (typeof assetPath === 'string') {
      found[logicalId] = path.join(directory, assetPath);
      continue;
    }
    fileAssets ??= readFileAssets(directory);
    const url = JSON.stringify(pathOf(resource, 'Properties', 'TemplateURL') ?? '');
    const asset = fileAssets.find(a => url.includes(`${a.hash}.json`));
    if (asset) found[logicalId] = path.join(directory, asset.path);
  }
  return found;
}

/**
 * The templates of every nested stack of the given templates, nested stacks of
 * nested stacks included (absolute paths, parents before their children).
 */
export function nestedTemplateFiles(templatePaths: string[]): string[] {
  const found: string[] = [];
  const visit = (file: string): void => {
    const template = readTemplate(file);
    for (const nested of Object.values(nestedTemplatePaths(file, template))) {
      // A template can only be missing or seen before in a hand-edited assembly: skip it rather than fail or loop.
      if (found.includes(nested) || !fs.existsSync(nested)) continue;
      found.push(nested);
      visit(nested);
    }
  };
  templatePaths.forEach(visit);
  return found;
}

/** A template file of a cloud assembly, parsed. */
export function readTemplate(file: string): Template {
  return JSON.parse(fs.readFileSync(file, 'utf-8'));
}

/** The file assets of every asset manifest in a cloud assembly directory. */
function readFileAssets(directory: string): { hash: string; path: string }[] {
  const assets: { hash: string; path: string }[] = [];
  for (const file of fs.readdirSync(directory).filter(f => f.endsWith('.assets.json'))) {
    const manifest = JSON.parse(fs.readFileSync(path.join(directory, file), 'utf-8'));
    for (const [hash, asset] of Object.entries(objectOf(propertyOf(manifest, 'files')) ?? {})) {
      const source = pathOf(asset, 'source', 'path');
      if (typeof source === 'string') assets.push({ hash, path: source });
    }
  }
  return assets;
}
