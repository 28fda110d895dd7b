import { App, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
// In your own app: import { EcrRepository, EcsCluster, FargateWebServiceGroup } from 'cdk-ecs-kit';
import { EcrRepository, EcsCluster, FargateWebServiceGroup } from '../../src';

/** The 120 services of the platform: in real life read from a catalogue, here numbered. */
export const SERVICE_NAMES = Array.from({ length: 120 }, (_, i) => `svc${String(i + 1).padStart(3, '0')}`);

/**
 * A platform of 120 small web services, each at its own path (`/svc001/*`, …)
 * and built from its own tag of one ECR repository. More than one stack and
 * one load balancer can hold: the group spreads the services over 4 nested
 * stacks of 30 and 2 load balancers (an ALB takes 100 rules), 7 resources per service.
 */
export class ManyServicesStack extends Stack {
  public readonly services: FargateWebServiceGroup;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const cluster = new EcsCluster(this, 'Cluster');
    const images = new EcrRepository(this, 'Images', { repositoryName: 'platform/services' });

    this.services = new FargateWebServiceGroup(this, 'Services', { cluster });
    for (const name of SERVICE_NAMES) {
      this.services.addService(name, {
        image: images.containerImage(`${name}-v1`),
        containerPort: 8080,
        pathPatterns: [`/${name}/*`],
        healthCheckPath: `/${name}/health`,
        minCapacity: 1,
        maxCapacity: 4,
      });
    }
  }
}

/** Adds the example's stacks to an app (used by main.ts and by the tests). */
export function createStacks(app: App): Stack[] {
  return [new ManyServicesStack(app, 'ManyServices')];
}
