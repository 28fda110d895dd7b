import { App, Stack, StackProps, aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';
// In your own app: import { EcrRepository } from 'cdk-ecs-kit';
import { EcrRepository } from '../../src';

/** Who may pull, and from where. */
export interface PrivateRegistryStackProps extends StackProps {
  /** A second account (e.g. production) that pulls the images. */
  readonly consumerAccountId: string;
  /** The organization whose accounts may all pull. */
  readonly organizationId: string;
}

/**
 * A private registry for one service: images are built and pushed by CI
 * (CodeBuild here), pulled by a second account and by every account of the
 * organization.
 */
export class PrivateRegistryStack extends Stack {
  public readonly repository: EcrRepository;

  constructor(scope: Construct, id: string, props: PrivateRegistryStackProps) {
    super(scope, id, props);

    this.repository = new EcrRepository(this, 'WebImages', {
      repositoryName: 'shop/web',
      // CI moves `latest` on every main build; release tags stay immutable.
      mutableTagPatterns: ['latest'],
      pullAccountIds: [props.consumerAccountId],
      pullOrganizationId: props.organizationId,
    });

    const ciRole = new iam.Role(this, 'CiRole', {
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
      description: 'Builds the shop/web image and pushes it',
    });
    this.repository.grantPullPush(ciRole);
  }
}

/** Adds the example's stacks to an app (used by main.ts and by the tests). */
export function createStacks(app: App): Stack[] {
  return [
    new PrivateRegistryStack(app, 'PrivateRegistry', {
      consumerAccountId: app.node.tryGetContext('consumerAccountId') ?? '222233334444',
      organizationId: app.node.tryGetContext('organizationId') ?? 'o-exampleorg1',
    }),
  ];
}
