import { App, CfnParameter, Duration, Stack, Validations, aws_certificatemanager as acm, aws_ec2 as ec2, aws_iam as iam, aws_kms as kms, aws_logs as logs, aws_s3 as s3 } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { IMAGE, testCluster } from './cluster';
import { FargateWebService, FargateWebServiceGroup, Hardening, SharedLoadBalancer } from '../../src';
import { createHardenedTestStack, createTestStack, errorOf, synthesizeWithValidators, validTemplate } from '../helpers/validators';

const WEB_ACL_ARN = 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/app/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111';
const ENV = { account: '123456789012', region: 'eu-west-1' };
const PACKS = /^(NIST\.800\.53\.R5|HIPAA\.Security|PCI\.DSS\.321)-/;

/**
 * A VPC that the four packs accept, as a regulated user would bring it: flow
 * logs to an encrypted log group kept a year, the default security group
 * closed, public subnets that assign no public IP. The routes of the public
 * subnets to the internet gateway (VPCNoUnrestrictedRouteToIGW) are inherent
 * to an internet-facing load balancer and acknowledged on this fixture.
 */
function compliantVpc(stack: Stack): ec2.Vpc {
  const key = new kms.Key(stack, 'FlowLogsKey', { enableKeyRotation: true });
  key.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`));
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    restrictDefaultSecurityGroup: true,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
    flowLogs: {
      all: {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(
          new logs.LogGroup(stack, 'FlowLogs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: key })),
      },
    },
  });
  Validations.of(vpc.node.findChild('all')).acknowledge(...['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map(pack => ({
    id: `${pack}-IAMNoInlinePolicy`, reason: 'Test fixture: the flow log role aws-cdk-lib creates.',
  })));
  for (const subnet of vpc.publicSubnets) {
    Validations.of(subnet).acknowledge(...['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map(pack => ({
      id: `${pack}-VPCNoUnrestrictedRouteToIGW`, reason: 'Test fixture: the public subnets of an internet-facing load balancer.',
    })));
  }
  return vpc;
}

/** A stack in the hardened profile without the validators, for assertions on templates that are not meant to pass them. */
function hardenedStack(): Stack {
  return new Stack(new App({ context: { [Hardening.CONTEXT_KEY]: true } }), 'TestStack', { env: ENV });
}

function hardenedAlb(props: Partial<ConstructorParameters<typeof SharedLoadBalancer>[2]> = {}, stack = hardenedStack()) {
  const vpc = compliantVpc(stack);
  const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc');
  const alb = new SharedLoadBalancer(stack, 'Alb', { vpc, certificate, domainName: 'app.example.com', ...props });
  return { stack, vpc, alb };
}

function attributes(template: Template): Record<string, string> {
  const [lb] = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'));
  return Object.fromEntries(lb.Properties.LoadBalancerAttributes.map((a: any) => [a.Key, a.Value]));
}

function bucketsByPrefix(template: Template): Record<string, any> {
  return Object.fromEntries(Object.entries(template.findResources('AWS::S3::Bucket'))
    .map(([id, r]) => [id.replace(/[0-9A-F]{8}$/, ''), r]));
}

describe('SharedLoadBalancer in the hardened profile', () => {
  test('with HTTPS and a web ACL: 0 findings of the four packs, snapshot', () => {
    // GIVEN / WHEN
    const { stack, alb } = hardenedAlb({ webAclArn: WEB_ACL_ARN }, createHardenedTestStack('TestStack', ENV));
    // THEN
    const template = validTemplate(stack);
    expect(template.toJSON()).toMatchSnapshot();
    expect(attributes(template)).toMatchObject({
      'deletion_protection.enabled': 'true',
      'routing.http.drop_invalid_header_fields.enabled': 'true',
      'access_logs.s3.enabled': 'true',
    });
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { Ref: Match.stringLikeRegexp('^Alb') },
      WebACLArn: WEB_ACL_ARN,
    });
    const buckets = bucketsByPrefix(template);
    expect(Object.keys(buckets).sort()).toEqual(['AlbAccessLogs', 'AlbServerAccessLogs']);
    expect(buckets.AlbAccessLogs.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: expect.stringMatching(/^AlbServerAccessLogs/) } },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LifecycleConfiguration: { Rules: [expect.objectContaining({ ExpirationInDays: 365, NoncurrentVersionExpiration: { NoncurrentDays: 30 } })] },
    });
    expect(buckets.AlbServerAccessLogs).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^EcsKitKey/), 'Arn'] } },
          }],
        },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      },
    });
    expect(buckets.AlbServerAccessLogs.Properties.LoggingConfiguration).toBeUndefined();
    // S3 log delivery is allowed by a bucket policy bound to the access-log bucket, never by an ACL.
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^AlbServerAccessLogs') },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AllowServerAccessLogDelivery',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 's3:PutObject',
          Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlbAccessLogs'), 'Arn'] } }, StringEquals: { 'aws:SourceAccount': '123456789012' } },
        })]),
      },
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('LogDeliveryWrite');
    expect(alb.serverAccessLogsBucket).toBeDefined();
    expect(alb.webAclAssociation).toBeDefined();
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('without a web ACL or a certificate, the warnings say how to clear ALBWAFEnabled and the HTTP rules, which stay reported', () => {
    // GIVEN
    const stack = createHardenedTestStack('TestStack', ENV);
    const vpc = compliantVpc(stack);
    // WHEN
    const alb = new SharedLoadBalancer(stack, 'Alb', { vpc });
    // THEN
    const warnings = alb.node.metadata.filter(m => m.type === 'aws:cdk:warning').map(m => String(m.data));
    expect(warnings).toEqual([
      expect.stringMatching(/give webAclArn.*Hardening\.enable\(scope, \{ webAclArn \}\).*SharedLoadBalancer\.noWebAcl/),
      expect.stringMatching(/give `certificate`.*ALBHttpToHttpsRedirection and ELBv2ACMCertificateRequired.*SharedLoadBalancer\.httpOnly/),
    ]);
    const { findings } = synthesizeWithValidators(stack.node.root as App);
    const rules = [...new Set(findings.filter(f => PACKS.test(f.ruleId)).map(f => f.ruleId.replace(PACKS, '')))].sort();
    // Not acknowledged by the kit: the user clears them with a web ACL and a certificate.
    expect(rules).toEqual(['ALBHttpToHttpsRedirection', 'ALBWAFEnabled', 'ELBv2ACMCertificateRequired']);
  });

  test('the profile\'s webAclArn is associated; a construct\'s own webAclArn wins', () => {
    // GIVEN
    const app = new App();
    const other = WEB_ACL_ARN.replace('/app/', '/other/');
    Hardening.enable(app, { webAclArn: WEB_ACL_ARN });
    const stack = new Stack(app, 'TestStack', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    // WHEN
    new SharedLoadBalancer(stack, 'Alb', { vpc });
    new SharedLoadBalancer(stack, 'Alb2', { vpc, webAclArn: other });
    // THEN
    const associations = Template.fromStack(stack).findResources('AWS::WAFv2::WebACLAssociation');
    expect(Object.values(associations).map(a => a.Properties.WebACLArn).sort()).toEqual([WEB_ACL_ARN, other]);
  });

  test('each control can be turned off one by one', () => {
    // GIVEN / WHEN
    const { stack } = hardenedAlb({
      deletionProtection: false,
      dropInvalidHeaderFields: false,
      accessLogsBucketVersioned: false,
      accessLogsBucketLogging: false,
      accessLogsRetention: Duration.days(30),
    });
    // THEN
    const template = Template.fromStack(stack);
    expect(attributes(template)).toMatchObject({
      'deletion_protection.enabled': 'false',
      'routing.http.drop_invalid_header_fields.enabled': 'false',
    });
    const buckets = bucketsByPrefix(template);
    expect(Object.keys(buckets)).toEqual(['AlbAccessLogs']);
    expect(buckets.AlbAccessLogs.Properties.VersioningConfiguration).toBeUndefined();
    expect(buckets.AlbAccessLogs.Properties.LoggingConfiguration).toBeUndefined();
    expect(buckets.AlbAccessLogs.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(30);
  });

  test('a user-given access-log bucket is left untouched', () => {
    // GIVEN
    const { stack } = hardenedAlb({ webAclArn: WEB_ACL_ARN, accessLogsBucket: undefined });
    const mine = new s3.Bucket(stack, 'MyLogs', { encryption: s3.BucketEncryption.S3_MANAGED });
    const imported = s3.Bucket.fromBucketName(stack, 'Imported', 'my-alb-logs');
    // WHEN
    const vpc = stack.node.findChild('Vpc') as ec2.Vpc;
    const withMine = new SharedLoadBalancer(stack, 'Mine', { vpc, accessLogsBucket: mine });
    new SharedLoadBalancer(stack, 'WithImported', { vpc, accessLogsBucket: imported });
    // THEN
    const template = Template.fromStack(stack);
    const myBucket = template.toJSON().Resources[stack.getLogicalId(mine.node.defaultChild as s3.CfnBucket)];
    expect(myBucket.Properties.VersioningConfiguration).toBeUndefined();
    expect(myBucket.Properties.LoggingConfiguration).toBeUndefined();
    expect(myBucket.Properties.LifecycleConfiguration).toBeUndefined();
    expect(withMine.serverAccessLogsBucket).toBeUndefined();
    expect(withMine.node.tryFindChild('ServerAccessLogs')).toBeUndefined();
    expect(withMine.node.tryFindChild('AccessLogs')).toBeUndefined();
    // Only the first load balancer created buckets.
    expect(Object.keys(bucketsByPrefix(template)).sort()).toEqual(['AlbAccessLogs', 'AlbServerAccessLogs', 'MyLogs']);
    // The kit acknowledges nothing on a bucket it did not create (and does on its own).
    const acknowledgments = (scope: Construct) => scope.node.findAll()
      .flatMap(c => c.node.metadata.filter(m => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY));
    expect(acknowledgments(mine)).toEqual([]);
    expect(acknowledgments(stack.node.findChild('Alb').node.findChild('AccessLogs'))).not.toEqual([]);
  });

  test('a FargateWebService and a FargateWebServiceGroup create their load balancers hardened', () => {
    // GIVEN
    const stack = hardenedStack();
    const cluster = testCluster(stack);
    // WHEN
    new FargateWebService(stack, 'Web', { cluster, image: IMAGE, webAclArn: WEB_ACL_ARN });
    const group = new FargateWebServiceGroup(stack, 'Group', { cluster, accessLogsBucketVersioned: false });
    group.addService('A', { image: IMAGE });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    template.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }]),
    }, 2);
    const buckets = bucketsByPrefix(template);
    expect(buckets.WebLoadBalancerAccessLogs.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(buckets.GroupLoadBalancer1AccessLogs.Properties.VersioningConfiguration).toBeUndefined();
    expect(buckets.GroupLoadBalancer1ServerAccessLogs).toBeDefined();
    Annotations.fromStack(stack).hasWarning('/TestStack/Group/LoadBalancer1', Match.stringLikeRegexp('noWebAcl'));
    Annotations.fromStack(stack).hasNoWarning('/TestStack/Web', Match.stringLikeRegexp('noWebAcl'));
  });
});

describe('SharedLoadBalancer hardening props in the default profile', () => {
  test('defaults: drops invalid headers, no deletion protection, no web ACL, one unversioned bucket kept 90 days', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = testCluster(stack);
    // WHEN
    new SharedLoadBalancer(stack, 'Alb', { vpc: cluster.vpc });
    // THEN
    const template = Template.fromStack(stack);
    expect(attributes(template)).toMatchObject({
      'deletion_protection.enabled': 'false',
      'routing.http.drop_invalid_header_fields.enabled': 'true',
    });
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
    const buckets = bucketsByPrefix(template);
    expect(Object.keys(buckets)).toEqual(['AlbAccessLogs']);
    expect(buckets.AlbAccessLogs.Properties.VersioningConfiguration).toBeUndefined();
    expect(buckets.AlbAccessLogs.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(90);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('noWebAcl'));
  });

  test('each control can be turned on alone; validators pass', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = testCluster(stack);
    // WHEN
    new SharedLoadBalancer(stack, 'Alb', {
      vpc: cluster.vpc, deletionProtection: true, accessLogsBucketVersioned: true, accessLogsBucketLogging: true, webAclArn: WEB_ACL_ARN,
    });
    // THEN
    const template = validTemplate(stack);
    expect(attributes(template)['deletion_protection.enabled']).toBe('true');
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    const buckets = bucketsByPrefix(template);
    expect(buckets.AlbAccessLogs.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    // Without the profile's key, the server access log bucket is SSE-S3 encrypted.
    expect(buckets.AlbServerAccessLogs.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault)
      .toEqual({ SSEAlgorithm: 'AES256' });
    template.resourceCountIs('AWS::KMS::Key', 0);
  });

  test('webAclArn may be a token, taken as it is', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = testCluster(stack);
    const param = new CfnParameter(stack, 'WebAclArn');
    // WHEN
    new SharedLoadBalancer(stack, 'Alb', { vpc: cluster.vpc, webAclArn: param.valueAsString });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::WAFv2::WebACLAssociation', { WebACLArn: { Ref: 'WebAclArn' } });
  });
});

describe('SharedLoadBalancer hardening props bad input', () => {
  test.each([
    ['not an ARN', 'my-acl', /REGIONAL scope/],
    ['a WAF Classic ARN', 'arn:aws:waf-regional:eu-west-1:123456789012:webacl/abc', /REGIONAL scope/],
    ['a CloudFront web ACL', 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/app/a1b2c3d4', /CloudFront \(global\) scope/],
    ['a web ACL of another Region', WEB_ACL_ARN.replace('eu-west-1', 'us-east-1'), /deploys to eu-west-1/],
  ])('fails when webAclArn is %s', (_, webAclArn, fix) => {
    const stack = createTestStack('TestStack', ENV);
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const error = errorOf(() => new SharedLoadBalancer(stack, 'Alb', { vpc, webAclArn }));
    expect(error.problems).toEqual([expect.objectContaining({ prop: 'webAclArn', received: JSON.stringify(webAclArn), fix: expect.stringMatching(fix) })]);
  });

  test('fails when bucket versioning or logging is asked for a bucket that is not created here', () => {
    const stack = createTestStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const accessLogsBucket = s3.Bucket.fromBucketName(stack, 'Logs', 'my-logs');
    const error = errorOf(() => new SharedLoadBalancer(stack, 'Alb', {
      vpc, accessLogsBucket, accessLogsBucketVersioned: true, accessLogsBucketLogging: false,
    }));
    expect(error.problems.map(p => p.prop)).toEqual(['accessLogsBucketVersioned', 'accessLogsBucketLogging']);
    expect(error.problems[0].fix).toMatch(/leaves a bucket you give as it is/);
  });

  test('fails when a service is given a load balancer and the hardening options of one it would create', () => {
    const stack = createTestStack();
    const cluster = testCluster(stack);
    const loadBalancer = new SharedLoadBalancer(stack, 'Alb', { vpc: cluster.vpc });
    const error = errorOf(() => new FargateWebService(stack, 'Web', {
      cluster, image: IMAGE, loadBalancer, webAclArn: WEB_ACL_ARN, deletionProtection: true,
    }));
    expect(error.problems.map(p => p.prop)).toEqual(['deletionProtection', 'webAclArn']);
  });
});
