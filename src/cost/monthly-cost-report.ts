import * as fs from 'fs';
import * as path from 'path';
import { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { StackCostEstimate, estimateMonthlyCost, formatCostTable, withNestedEstimates } from './estimate';
import { nestedTemplatePaths, readTemplate } from './nested-templates';

/**
 * Options of the monthly cost report.
 */
export interface MonthlyCostReportProps {
  /**
   * Print each stack's table on the console during synthesis.
   *
   * @default true
   */
  readonly print?: boolean;
}

/**
 * Estimates, at synthesis, the fixed monthly cost of every stack of the app —
 * NAT gateways, load balancers, public IPv4 addresses, interface VPC endpoints,
 * KMS keys, AWS WAF web ACLs, the EC2 instances kept running (an Auto Scaling
 * group's minimum, or the instances its services' minimum tasks need: such lines have
 * `basis: 'instances for minimum tasks'`) and their detailed monitoring, and the
 * Fargate tasks kept running — prints a table per stack (its nested stacks included)
 * and writes `<outdir>/<stack>.cost.json`. Usage-based charges (EFS, log ingestion
 * and storage, data processing, LCUs, KMS and WAF requests) are excluded and listed
 * as such; log groups kept a year or more and buckets that receive server access
 * logs get a note.
 *
 * Opt in with one line; it never fails synthesis:
 *
 * @example
 * declare const app: App;
 * Validations.of(app).addPlugins(new MonthlyCostReport());
 */
export class MonthlyCostReport implements IPolicyValidationPlugin {
  public readonly name = 'cdk-ecs-kit-monthly-cost';
  private readonly print: boolean;

  constructor(props: MonthlyCostReportProps = {}) {
    this.print = props.print ?? true;
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    for (const stack of context.stackTemplates) {
      const name = path.basename(stack.templatePath).replace(/\.template\.json$/, '');
      const estimate = estimateTemplateFile(stack.templatePath, name, stack.region);
      fs.writeFileSync(path.join(path.dirname(stack.templatePath), `${name}.cost.json`), JSON.stringify(estimate, undefined, 2));
      if (this.print) {
        // The report is the point of opting in: print it where synthesis output goes.
        process.stderr.write(`${formatCostTable(estimate)}\n`);
      }
    }
    return { success: true, violations: [] };
  }
}

/**
 * The estimate of a synthesized template, its nested stacks' included. A nested
 * template that is missing, or already on the path from the top (possible only in
 * a hand-edited assembly), is noted instead of read.
 */
function estimateTemplateFile(templatePath: string, name: string, region: string | undefined, parents: string[] = []): StackCostEstimate {
  const template = readTemplate(templatePath);
  const nested: { [logicalId: string]: StackCostEstimate } = {};
  const skipped: string[] = [];
  for (const [logicalId, nestedPath] of Object.entries(nestedTemplatePaths(templatePath, template))) {
    if (fs.existsSync(nestedPath) && !parents.includes(nestedPath) && nestedPath !== templatePath) {
      nested[logicalId] = estimateTemplateFile(nestedPath, logicalId, region, [...parents, templatePath]);
    } else {
      skipped.push(`${logicalId}: the template of this nested stack (${path.basename(nestedPath)}) could not be read: not priced.`);
    }
  }
  const estimate = withNestedEstimates(estimateMonthlyCost(template, name, region), nested);
  return skipped.length > 0 ? { ...estimate, notes: [...estimate.notes, ...skipped] } : estimate;
}
