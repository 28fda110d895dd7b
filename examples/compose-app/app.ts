import * as path from 'path';
import { App, Stack, StackProps, Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
// In your own app: import { ComposeApp, ComposeFile, EcsCluster } from 'cdk-ecs-kit';
import { ComposeApp, ComposeFile, EcsCluster } from '../../src';

/**
 * The shop of compose.yaml on Fargate: the web front end and the API behind one
 * load balancer, on the ports compose.yaml publishes them on (the web front end
 * is the default route on port 80, the API listens on port 8000), Redis and
 * Postgres reached by their Compose names through Service Connect, Postgres'
 * data on an encrypted EFS volume, the database password a file at
 * /run/secrets/db_password in both (as under Compose).
 */
export class ComposeAppStack extends Stack {
  public readonly app: ComposeApp;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);

    const cluster = new EcsCluster(this, 'Cluster', {
      // Service Connect: every Compose service is reachable as http://<name>:<port> inside the namespace.
      cloudMapNamespaceName: 'shop.internal',
    });

    this.app = new ComposeApp(this, 'Shop', {
      cluster,
      // Relative to this file, so that `cdk synth` and the tests find it from any directory.
      composeFile: ComposeFile.fromFile(path.join(__dirname, 'compose.yaml')),
      environment: { LOG_LEVEL: 'warning' },
    });

    // compose.yaml reads db_password from a local file, which is never uploaded: the app generates the
    // password in Secrets Manager instead and gives it to both the API and Postgres.
    Validations.of(this.app).acknowledge({
      id: 'cdk-ecs-kit:ComposeApp.generatedSecret',
      reason: 'The database password is generated in Secrets Manager on purpose: the local development password stays local.',
      where: { secret: 'db_password' },
    });

    // Customise what was created, e.g. scale the API on requests as well as CPU.
    const api = this.app.webService('api')!;
    api.scaling.scaleOnRequestCount('RequestScaling', { requestsPerTarget: 500, targetGroup: api.targetGroup });
  }
}

/** Adds the example's stacks to an app (used by main.ts and by the tests). */
export function createStacks(app: App): Stack[] {
  return [new ComposeAppStack(app, 'ComposeApp')];
}
