import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { createStacks } from './app';

const app = new App();
// Every template is checked by aws-cdk-lib's built-in CloudFormation validation
// (errors, see cdk.json) and by cdk-nag's AwsSolutions rules.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
createStacks(app);
app.synth();
