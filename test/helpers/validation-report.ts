import * as fs from 'fs';

/** One finding of a validator: cdk-nag's AwsSolutions pack or CloudFormation Validate. */
export interface Finding {
  readonly plugin: string;
  readonly ruleId: string;
  readonly severity: string;
  readonly constructPath: string;
  readonly message: string;
}

/**
 * Reads the `validation-report.json` that aws-cdk-lib writes into the cloud
 * assembly when a validation plugin reports anything (absent when nothing was
 * reported). Acknowledged findings are not in it.
 */
export function readFindings(reportFile: string): Finding[] {
  if (!fs.existsSync(reportFile)) return [];
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf-8'));
  const findings: Finding[] = [];
  for (const pluginReport of report.pluginReports ?? []) {
    for (const violation of pluginReport.violations ?? []) {
      for (const construct of violation.violatingConstructs ?? [{ constructPath: '(unknown)' }]) {
        findings.push({
          plugin: pluginReport.pluginName,
          ruleId: violation.ruleName,
          severity: violation.severity ?? 'error',
          constructPath: construct.constructPath,
          message: violation.description,
        });
      }
    }
  }
  return findings;
}

/** Renders findings one per line: severity, rule id, construct path, message. */
export function formatFindings(findings: Finding[]): string {
  return findings.map(f => `  [${f.severity}] ${f.ruleId} at ${f.constructPath}: ${f.message} (${f.plugin})`).join('\n');
}
