import * as fs from 'fs';
import * as path from 'path';

/** A CloudFormation template as read from a cloud assembly. */
export type Template = { Resources?: { [logicalId: string]: { Type: string; Properties?: any; Metadata?: any } } };

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
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
    const assetPath = resource.Metadata?.['aws:asset:path'];
    if (typeof assetPath === 'string') {
      found[logicalId] = path.join(directory, assetPath);
      continue;
    }
    fileAssets ??= readFileAssets(directory);
    const url = JSON.stringify(resource.Properties?.TemplateURL ?? '');
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
    const template: Template = JSON.parse(fs.readFileSync(file, 'utf-8'));
    for (const nested of Object.values(nestedTemplatePaths(file, template))) {
      found.push(nested);
      visit(nested);
    }
  };
  templatePaths.forEach(visit);
  return found;
}

/** The file assets of every asset manifest in a cloud assembly directory. */
function readFileAssets(directory: string): { hash: string; path: string }[] {
  const assets: { hash: string; path: string }[] = [];
  for (const file of fs.readdirSync(directory).filter(f => f.endsWith('.assets.json'))) {
    const manifest = JSON.parse(fs.readFileSync(path.join(directory, file), 'utf-8'));
    for (const [hash, asset] of Object.entries<any>(manifest.files ?? {})) {
      if (typeof asset?.source?.path === 'string') assets.push({ hash, path: asset.source.path });
    }
  }
  return assets;
}
