import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
// In your own app: import { MonthlyCostReport } from 'cdk-ecs-kit';
import { createStacks } from './app';
import { MonthlyCostReport } from '../../src';

const app = new App();
// Every template is checked by aws-cdk-lib's built-in CloudFormation validation
// (errors, see cdk.json) and by cdk-nag's AwsSolutions rules.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
// The fixed monthly cost of each stack: printed, and written to cdk.out/<stack>.cost.json.
Validations.of(app).addPlugins(new MonthlyCostReport());
createStacks(app);
app.synth();
