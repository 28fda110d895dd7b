import * as path from 'path';
import { CloudFormationValidatePlugin } from 'aws-cdk-lib';
import { Finding } from './validation-report';

/** Starting the validation engine takes a second or two: one per process. */
let engine: CloudFormationValidatePlugin | undefined;

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
