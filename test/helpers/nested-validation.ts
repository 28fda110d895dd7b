import * as fs from 'fs';
import * as path from 'path';
import { CloudFormationValidatePlugin } from 'aws-cdk-lib';
import { Finding } from './validation-report';
import { Template, nestedTemplatePaths } from '../../src/core/cost/nested-templates';

/** Starting the validation engine takes a second or two: one per process. */
let engine: CloudFormationValidatePlugin | undefined;

/**
 * The templates of every nested stack of the given stack templates,
 * recursively (absolute paths).
 */
export function nestedTemplateFiles(stackTemplateFiles: string[]): string[] {
  const found: string[] = [];
  const visit = (file: string): void => {
    const template: Template = JSON.parse(fs.readFileSync(file, 'utf-8'));
    for (const nested of Object.values(nestedTemplatePaths(file, template))) {
      found.push(nested);
      visit(nested);
    }
  };
  stackTemplateFiles.forEach(visit);
  return found;
}

/**
 * Runs aws-cdk-lib's built-in CloudFormation validation on nested stack
 * templates, which aws-cdk-lib itself hands only the templates of top-level
 * stacks. Findings are named `<template file>/<logical id>`.
 */
export function validateNestedTemplates(templateFiles: string[]): Finding[] {
  if (templateFiles.length === 0) return [];
  engine ??= new CloudFormationValidatePlugin();
  const report = engine.validate({
    templatePaths: templateFiles,
    stackTemplates: templateFiles.map(templatePath => ({ templatePath, stackConstructPath: path.basename(templatePath) })),
  } as any);
  return report.violations.flatMap(violation => violation.violatingResources.map(resource => ({
    plugin: engine!.name,
    ruleId: violation.ruleName,
    severity: violation.severity ?? 'error',
    constructPath: `${path.basename(resource.templatePath ?? '(template)')}/${resource.resourceLogicalId}`,
    message: violation.description,
  })));
}
