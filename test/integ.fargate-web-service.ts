/**
 * Integration test: FargateWebService on an EcsCluster with the kit's defaults.
 *
 * Deploys the default cluster (VPC with one NAT gateway) and a web service
 * running the public nginx image, then sends an HTTP GET to the service's URL
 * (`service.url`, the load balancer's DNS name) until nginx answers 200 with its
 * welcome page: the listener, target group, security groups, task networking and
 * image pull all work together, and the response comes from the container.
 *
 * `npm test` only compares the synthesized templates with the committed snapshot
 * (`integ.fargate-web-service.ts.snapshot/`); README's "Testing" section says how to deploy it.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack, aws_ecs as ecs, aws_s3 as s3 } from 'aws-cdk-lib';
import { EcsCluster, FargateWebService } from '../src';

const app = new App();
// Environment-agnostic: the stack synthesizes without credentials or lookups.
const stack = new Stack(app, 'EcsKitIntegFargateWebService');

const cluster = new EcsCluster(stack, 'Cluster');

// Integration test only: leave nothing behind. The kit retains its log groups and
// access-log bucket by default; this bucket (configured like the kit's own) empties
// itself on delete, since the load balancer will have written logs to it.
cluster.flowLogGroup?.applyRemovalPolicy(RemovalPolicy.DESTROY);
const accessLogs = new s3.Bucket(stack, 'AccessLogs', {
  encryption: s3.BucketEncryption.S3_MANAGED,
  enforceSSL: true,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  removalPolicy: RemovalPolicy.DESTROY,
  autoDeleteObjects: true,
});

const web = new FargateWebService(stack, 'Web', {
  cluster,
  // A public image, pulled through the cluster's NAT gateway: no registry to set up.
  image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'),
  containerPort: 80,
  accessLogsBucket: accessLogs,
  logRemovalPolicy: RemovalPolicy.DESTROY,
});

const integ = new IntegTest(app, 'FargateWebService', {
  testCases: [stack],
});

// THEN a GET through the load balancer returns nginx's welcome page with 200
// (retried while the targets become healthy: until then the load balancer answers 503)
integ.assertions.httpApiCall(web.url).expect(ExpectedResult.objectLike({
  status: 200,
  body: Match.stringLikeRegexp('Welcome to nginx!'),
})).waitForAssertions({
  totalTimeout: Duration.minutes(10),
  interval: Duration.seconds(15),
  backoffRate: 1,
});
