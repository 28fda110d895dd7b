/**
 * Integration test: EcrRepository.
 *
 * Deploys a repository with the kit's defaults plus a cross-account pull grant, then
 * asks ECR (not the template) what it configured:
 * - `GetRepositoryPolicy`: the `AllowCrossAccountPull` statement lets the other
 *   account's principals pull (the three pull actions, nothing else);
 * - `DescribeRepositories`: scan on push is on, tags are `IMMUTABLE`, encryption is AES256.
 *
 * `npm test` only compares the synthesized templates with the committed snapshot
 * (`integ.ecr-repository.ts.snapshot/`); README's "Testing" section says how to deploy it.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { EcrRepository } from '../src';

/**
 * The account given pull access. It only appears in the policy: nothing is
 * deployed there and no one needs to own it (the AWS documentation's example account).
 */
const PULL_ACCOUNT = '111122223333';

const app = new App();
// Environment-agnostic: the stack synthesizes without credentials or lookups.
const stack = new Stack(app, 'EcsKitIntegEcrRepository');

const repo = new EcrRepository(stack, 'Images', {
  pullAccountIds: [PULL_ACCOUNT],
  // Integration test only: leave nothing behind (the default keeps the repository).
  removalPolicy: RemovalPolicy.DESTROY,
  emptyOnDelete: true,
});

const integ = new IntegTest(app, 'EcrRepository', {
  testCases: [stack],
});

// THEN the repository policy holds the cross-account pull statement
integ.assertions.awsApiCall('ECR', 'getRepositoryPolicy', {
  repositoryName: repo.repositoryName,
}).expect(ExpectedResult.objectLike({
  policyText: Match.serializedJson(Match.objectLike({
    Statement: Match.arrayWith([Match.objectLike({
      Sid: 'AllowCrossAccountPull',
      Effect: 'Allow',
      Principal: { AWS: Match.stringLikeRegexp(`^arn:aws[a-z-]*:iam::${PULL_ACCOUNT}:root$`) },
      // The three pull actions, in the order the template writes them (ECR keeps it).
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
    })]),
  })),
}));

// THEN ECR reports scan on push, immutable tags and AES256 encryption
integ.assertions.awsApiCall('ECR', 'describeRepositories', {
  repositoryNames: [repo.repositoryName],
}).expect(ExpectedResult.objectLike({
  repositories: [Match.objectLike({
    imageScanningConfiguration: { scanOnPush: true },
    imageTagMutability: 'IMMUTABLE',
    encryptionConfiguration: { encryptionType: 'AES256' },
  })],
}));
