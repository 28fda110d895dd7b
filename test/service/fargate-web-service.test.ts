import {
  App,
  CfnElement,
  CfnParameter,
  Duration,
  RemovalPolicy,
  Stack,
  Validations,
  aws_certificatemanager as acm,
  aws_cloudwatch as cloudwatch,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_iam as iam,
  aws_logs as logs,
  aws_route53 as route53,
  aws_s3 as s3,
  aws_secretsmanager as secretsmanager,
  aws_servicediscovery as servicediscovery,
  aws_sns as sns,
} from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { IMAGE, resourcesOfType, testCluster } from './cluster';
import { EcrRepository, EcsCluster, EcsKitValidationError, FargateWebService, FargateWebServiceProps, SharedLoadBalancer, TaskCapacity } from '../../src';
import { createTestStack, errorOf, synthesizeWithValidators, validTemplate } from '../helpers/validators';

/** A stack with a test cluster and one service with `props`. */
function serviceStack(props: Partial<FargateWebServiceProps> = {}, env?: { account: string; region: string }) {
  const stack = createTestStack('TestStack', env);
  const cluster = testCluster(stack);
  const web = new FargateWebService(stack, 'Web', { cluster, image: IMAGE, ...props });
  return { stack, cluster, web };
}

function logicalId(stack: Stack, construct: { node: { defaultChild?: any } }): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

function hostedZone(stack: Stack): route53.IHostedZone {
  return route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' });
}

describe('FargateWebService defaults', () => {
  test('default service passes the validators and matches the snapshot', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = testCluster(stack);
    // WHEN
    new FargateWebService(stack, 'Web', { cluster, image: IMAGE });
    // THEN
    const template = validTemplate(stack);
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('the main child is the ecs.FargateService with id Resource, and the L2s are exposed', () => {
    const { stack, web } = serviceStack();
    expect(web.node.defaultChild).toBe(web.service);
    expect(web.service.node.id).toBe('Resource');
    expect(web.taskDefinition).toBeInstanceOf(ecs.FargateTaskDefinition);
    expect(web.container.containerName).toBe('web');
    expect(web.listener).toBe((web.sharedLoadBalancer as SharedLoadBalancer).httpListener);
    expect(web.loadBalancer).toBe(web.sharedLoadBalancer.loadBalancer);
    expect(web.listenerRule).toBeUndefined();
    expect(web.grantPrincipal).toBe(web.taskDefinition.taskRole);
    const template = validTemplate(stack);
    expect(Object.keys(template.toJSON().Outputs ?? {})).toEqual([]);
    template.templateMatches({ Resources: { WebService6469C718: Match.objectLike({ Type: 'AWS::ECS::Service' }) } });
  });

  test('deploys safely: circuit breaker with rollback, 100% / 200%, 60 s grace period, no DesiredCount to reset scaling', () => {
    const { stack } = serviceStack();
    validTemplate(stack).hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: Match.absent(),
      LaunchType: 'FARGATE',
      HealthCheckGracePeriodSeconds: 60,
      DeploymentConfiguration: Match.objectLike({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
      }),
      EnableExecuteCommand: false,
    });
  });

  test('tasks run in private subnets without a public IP', () => {
    const { stack } = serviceStack();
    validTemplate(stack).hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: {
        AwsvpcConfiguration: Match.objectLike({
          AssignPublicIp: 'DISABLED',
          Subnets: [{ Ref: Match.stringLikeRegexp('^VpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcPrivateSubnet2') }],
        }),
      },
    });
  });

  test('tasks accept traffic only from the load balancer security group, on the container port', () => {
    const { stack, web } = serviceStack({ containerPort: 8080 });
    const template = validTemplate(stack);
    const taskSg = logicalId(stack, web.securityGroup);
    const albSg = logicalId(stack, (web.sharedLoadBalancer as SharedLoadBalancer).securityGroup);
    expect(template.toJSON().Resources[taskSg].Properties.SecurityGroupIngress).toBeUndefined();
    const ingress = resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress')
      .filter(([, r]) => r.Properties.GroupId['Fn::GetAtt']?.[0] === taskSg);
    expect(ingress.map(([, r]) => r.Properties)).toEqual([{
      Description: 'Load balancer to target',
      GroupId: { 'Fn::GetAtt': [taskSg, 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [albSg, 'GroupId'] },
      IpProtocol: 'tcp',
      FromPort: 8080,
      ToPort: 8080,
    }]);
  });

  test('a given security group and execution role are used instead of new ones, and granted what the service needs', () => {
    // GIVEN a security group and an execution role several services share
    const stack = createTestStack();
    const cluster = testCluster(stack);
    const securityGroup = new ec2.SecurityGroup(stack, 'Tasks', { vpc: cluster.vpc, description: 'Shared by the web services' });
    const executionRole = new iam.Role(stack, 'Starter', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    // WHEN
    const web = new FargateWebService(stack, 'Web', { cluster, image: IMAGE, securityGroup, executionRole });
    // THEN
    const template = validTemplate(stack);
    expect(web.securityGroup).toBe(securityGroup);
    expect(web.taskDefinition.executionRole).toBe(executionRole);
    expect(web.node.tryFindChild('SecurityGroup')).toBeUndefined();
    expect(web.node.findAll().filter(c => c instanceof iam.CfnRole).map(c => c.node.path)).toEqual(['TestStack/Web/TaskDefinition/TaskRole/Resource']);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { ExecutionRoleArn: { 'Fn::GetAtt': [logicalId(stack, executionRole), 'Arn'] } });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId(stack, executionRole) }],
      PolicyDocument: { Statement: [Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] })] },
    });
    template.hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ SecurityGroups: [{ 'Fn::GetAtt': [logicalId(stack, securityGroup), 'GroupId'] }] }) },
    });
  });

  test('a given log group is written to under the service\'s id; its own retention props are refused', () => {
    const stack = createTestStack();
    const cluster = testCluster(stack);
    const logGroup = new logs.LogGroup(stack, 'Shared', { retention: logs.RetentionDays.ONE_WEEK });
    const web = new FargateWebService(stack, 'Web', { cluster, image: IMAGE, logGroup });
    web.addSidecar('proxy', { image: IMAGE, memoryReservationMiB: 64 });
    expect(web.logGroup).toBe(logGroup);
    const containers = validTemplate(stack).findResources('AWS::ECS::TaskDefinition');
    const options = Object.values<any>(containers)[0].Properties.ContainerDefinitions.map((c: any) => c.LogConfiguration.Options);
    expect(options.map((o: any) => [o['awslogs-group'], o['awslogs-stream-prefix']])).toEqual([
      [{ Ref: logicalId(stack, logGroup) }, 'Web'],
      [{ Ref: logicalId(stack, logGroup) }, 'Web'],
    ]);
    const other = new Stack();
    const otherCluster = testCluster(other);
    const otherLogs = new logs.LogGroup(other, 'Shared');
    expect(errorOf(() => new FargateWebService(other, 'Web', { cluster: otherCluster, image: IMAGE, logGroup: otherLogs, logRetention: logs.RetentionDays.ONE_DAY })).message)
      .toMatch(/logRetention: received "RetentionDays\.ONE_DAY"\. It applies only to the log group the service creates, and logGroup is given \(Default\/Shared\)/);
  });

  test('target group: IP targets, health check on /, 30 s deregistration delay', () => {
    const { stack } = serviceStack();
    validTemplate(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'ip',
      Port: 80,
      Protocol: 'HTTP',
      HealthCheckPath: '/',
      HealthCheckIntervalSeconds: 15,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 3,
      Matcher: { HttpCode: '200-399' },
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]),
    });
  });

  test('scales between 2 and 10 tasks on 70% CPU, set up in the constructor', () => {
    const { stack, web } = serviceStack();
    expect(web.scaling).toBeDefined();
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 10 });
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 1);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        TargetValue: 70,
        ScaleInCooldown: 300,
        ScaleOutCooldown: 60,
      },
    });
  });

  test('logs to a log group kept 30 days and retained on delete', () => {
    const { stack } = serviceStack();
    const template = validTemplate(stack);
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30 },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        LogConfiguration: {
          LogDriver: 'awslogs',
          Options: Match.objectLike({ 'awslogs-group': { Ref: Match.stringLikeRegexp('^WebLogGroup') }, 'awslogs-stream-prefix': 'web' }),
        },
      })],
    });
  });

  test('task: 256 CPU units, 512 MiB, X86_64 Linux, port 80, root filesystem writable', () => {
    const { stack } = serviceStack();
    validTemplate(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '256',
      Memory: '512',
      RequiresCompatibilities: ['FARGATE'],
      RuntimePlatform: { CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' },
      ContainerDefinitions: [Match.objectLike({
        Name: 'web',
        Essential: true,
        PortMappings: [{ ContainerPort: 80, Protocol: 'tcp' }],
        ReadonlyRootFilesystem: false,
      })],
    });
  });

  test('without a certificate: plain HTTP on port 80, open to the internet, with a warning saying how to enable HTTPS', () => {
    const { stack, web } = serviceStack();
    const template = validTemplate(stack);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: Match.stringLikeRegexp('^WebTargetGroup') } }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing' });
    const albSg = logicalId(stack, (web.sharedLoadBalancer as SharedLoadBalancer).securityGroup);
    expect(template.toJSON().Resources[albSg].Properties.SecurityGroupIngress).toEqual([
      { CidrIp: '0.0.0.0/0', Description: 'HTTP from 0.0.0.0/0', FromPort: 80, IpProtocol: 'tcp', ToPort: 80 },
    ]);
    Annotations.fromStack(stack).hasWarning('/TestStack/Web',
      Match.stringLikeRegexp('plain HTTP.*give `certificate`.*`domainName` with `hostedZone`.*cdk-ecs-kit:FargateWebService.httpOnly'));
    expect(stack.resolve(web.url)).toEqual({ 'Fn::Join': ['', ['http://', { 'Fn::GetAtt': [expect.stringMatching(/^WebLoadBalancer/), 'DNSName'] }]] });
  });

  test('the internet-facing security group finding is acknowledged with a reason, only on the ALB security group', () => {
    const { stack, web } = serviceStack();
    validTemplate(stack);
    const acknowledged = (web.sharedLoadBalancer as SharedLoadBalancer).securityGroup.node.metadata
      .filter(m => m.type === 'aws:cdk:acknowledged-rules');
    expect(JSON.stringify(acknowledged)).toContain('AwsSolutions-EC23');
    expect(JSON.stringify(web.securityGroup.node.metadata)).not.toContain('AwsSolutions-EC23');
  });

  test('access logs go to an encrypted, TLS-only bucket whose logs expire after 90 days', () => {
    const { stack } = serviceStack();
    const template = validTemplate(stack);
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90, Status: 'Enabled' })] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Sid: 'AllowLoadBalancerAccessLogs',
            Action: 's3:PutObject',
            // The Elastic Load Balancing account where the Region has one, the log delivery service otherwise.
            Principal: {
              'Fn::If': ['CdkEcsKitElbAccountRegion',
                { AWS: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([{ 'Fn::FindInMap': ['CdkEcsKitElbAccounts', { Ref: 'AWS::Region' }, 'account'] }])] }) },
                { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' }],
            },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        { Key: 'access_logs.s3.bucket', Value: { Ref: Match.stringLikeRegexp('^WebLoadBalancerAccessLogs') } },
      ]),
    });
    expect(template.toJSON().Mappings.CdkEcsKitElbAccounts['us-east-1']).toEqual({ account: '127311923021' });
  });

  test('in a stack with a Region, access logs use aws-cdk-lib\'s own bucket policy', () => {
    const { stack } = serviceStack({}, { account: '111122223333', region: 'eu-west-1' });
    const template = validTemplate(stack);
    expect(template.toJSON().Mappings).toBeUndefined();
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 's3:PutObject',
          Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::156460612806:root']] } },
        })]),
      },
    });
  });

  test('creates no alarms, no Spot capacity and no Service Connect by default', () => {
    const { stack, web } = serviceStack();
    const template = validTemplate(stack);
    expect(web.alarms).toEqual([]);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    template.hasResourceProperties('AWS::ECS::Service', {
      CapacityProviderStrategy: Match.absent(),
      ServiceConnectConfiguration: Match.absent(),
    });
  });
});

describe('FargateWebService with HTTPS', () => {
  test('a domain name and hosted zone create a DNS-validated certificate, HTTPS with a redirect, and an alias record', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = testCluster(stack);
    // WHEN
    const web = new FargateWebService(stack, 'Web', {
      cluster,
      image: IMAGE,
      domainName: 'shop.example.com',
      hostedZone: hostedZone(stack),
    });
    // THEN
    const template = validTemplate(stack);
    expect(template.toJSON()).toMatchSnapshot();
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'shop.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'shop.example.com', HostedZoneId: 'Z0123456789ABCDEFGHIJ' }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      Certificates: [{ CertificateArn: { Ref: Match.stringLikeRegexp('^WebLoadBalancerCertificate') } }],
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: Match.stringLikeRegexp('^WebTargetGroup') } }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'shop.example.com.', Type: 'A' });
    const albSg = logicalId(stack, (web.sharedLoadBalancer as SharedLoadBalancer).securityGroup);
    expect(template.toJSON().Resources[albSg].Properties.SecurityGroupIngress.map((r: any) => r.FromPort)).toEqual([80, 443]);
    expect(web.url).toBe('https://shop.example.com');
    expect(web.listener).toBe((web.sharedLoadBalancer as SharedLoadBalancer).httpsListener);
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('a given certificate is used as is', () => {
    const stack = createTestStack();
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:111122223333:certificate/abc');
    const web = new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE, certificate });
    const template = validTemplate(stack);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Certificates: [{ CertificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/abc' }],
    });
    expect(stack.resolve(web.url)).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [expect.stringMatching(/^WebLoadBalancer/), 'DNSName'] }]] });
  });

  test('a certificate that covers the domain name through a wildcard is accepted', () => {
    const stack = createTestStack();
    const certificate = new acm.Certificate(stack, 'Cert', { domainName: '*.example.com', validation: acm.CertificateValidation.fromDns(hostedZone(stack)) });
    expect(() => new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE, certificate, domainName: 'shop.example.com' }))
      .not.toThrow();
  });
});

describe('FargateWebService props', () => {
  test('an internal load balancer accepts traffic from the VPC only', () => {
    const { stack, web } = serviceStack({ internetFacing: false });
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
      Subnets: [{ Ref: Match.stringLikeRegexp('^VpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcPrivateSubnet2') }],
    });
    const albSg = logicalId(stack, (web.sharedLoadBalancer as SharedLoadBalancer).securityGroup);
    expect(template.toJSON().Resources[albSg].Properties.SecurityGroupIngress).toEqual([
      expect.objectContaining({ CidrIp: { 'Fn::GetAtt': [expect.stringMatching(/^Vpc/), 'CidrBlock'] }, FromPort: 80, ToPort: 80 }),
    ]);
  });

  test('ingress CIDRs replace the open internet, IPv4 and IPv6', () => {
    const { stack, web } = serviceStack({ ingressCidrs: ['203.0.113.0/24', '2001:db8::/32'] });
    const template = validTemplate(stack);
    const albSg = logicalId(stack, (web.sharedLoadBalancer as SharedLoadBalancer).securityGroup);
    expect(template.toJSON().Resources[albSg].Properties.SecurityGroupIngress).toEqual([
      expect.objectContaining({ CidrIp: '203.0.113.0/24', FromPort: 80 }),
      expect.objectContaining({ CidrIpv6: '2001:db8::/32', FromPort: 80 }),
    ]);
  });

  test('container: port, environment, secrets, command, health check, read-only root filesystem', () => {
    const stack = createTestStack();
    const secret = new secretsmanager.Secret(stack, 'DbPassword');
    new FargateWebService(stack, 'Web', {
      cluster: testCluster(stack),
      image: IMAGE,
      containerName: 'app',
      containerPort: 3000,
      environment: { NODE_ENV: 'production' },
      secrets: { DB_PASSWORD: ecs.Secret.fromSecretsManager(secret) },
      command: ['node', 'server.js'],
      containerHealthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:3000/ || exit 1'] },
      readonlyRootFilesystem: true,
    });
    Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: 'A test secret, not part of the service.' });
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        Name: 'app',
        PortMappings: [{ ContainerPort: 3000, Protocol: 'tcp' }],
        Environment: [{ Name: 'NODE_ENV', Value: 'production' }],
        Secrets: [{ Name: 'DB_PASSWORD', ValueFrom: { Ref: Match.stringLikeRegexp('^DbPassword') } }],
        Command: ['node', 'server.js'],
        HealthCheck: Match.objectLike({ Command: ['CMD-SHELL', 'curl -f http://localhost:3000/ || exit 1'] }),
        ReadonlyRootFilesystem: true,
      })],
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'] })]) },
    });
  });

  test('environment variables are acknowledged for cdk-nag ECS2 only when given', () => {
    const { stack, web } = serviceStack({ environment: { LOG_LEVEL: 'info' } });
    validTemplate(stack);
    expect(JSON.stringify(web.taskDefinition.node.metadata)).toContain('AwsSolutions-ECS2');
    const other = serviceStack();
    expect(JSON.stringify(other.web.taskDefinition.node.metadata)).not.toContain('AwsSolutions-ECS2');
  });

  test('an EcrRepository image grants pull to the execution role', () => {
    const stack = createTestStack();
    const repo = new EcrRepository(stack, 'Repo');
    new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: repo.containerImage('v1.0.0') });
    validTemplate(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^WebTaskDefinitionExecutionRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['ecr:BatchGetImage']), Resource: { 'Fn::GetAtt': ['Repo1CC4487E', 'Arn'] } })]),
      },
    });
  });

  test('sizes: CPU, memory, ephemeral storage and ARM64', () => {
    const { stack } = serviceStack({ cpu: 1024, memoryLimitMiB: 3072, ephemeralStorageGiB: 50, cpuArchitecture: ecs.CpuArchitecture.ARM64 });
    validTemplate(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '1024',
      Memory: '3072',
      EphemeralStorage: { SizeInGiB: 50 },
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
    });
  });

  test('target group options: health check, codes, thresholds, deregistration delay, stickiness, slow start', () => {
    const { stack } = serviceStack({
      healthCheckPath: '/healthz',
      healthyHttpCodes: '200,204',
      healthCheckInterval: Duration.seconds(30),
      healthCheckTimeout: Duration.seconds(10),
      healthyThresholdCount: 3,
      unhealthyThresholdCount: 5,
      deregistrationDelay: Duration.seconds(5),
      stickinessCookieDuration: Duration.hours(1),
      slowStart: Duration.seconds(60),
    });
    validTemplate(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/healthz',
      Matcher: { HttpCode: '200,204' },
      HealthCheckIntervalSeconds: 30,
      HealthCheckTimeoutSeconds: 10,
      HealthyThresholdCount: 3,
      UnhealthyThresholdCount: 5,
      TargetGroupAttributes: Match.arrayWith([
        { Key: 'deregistration_delay.timeout_seconds', Value: '5' },
        { Key: 'slow_start.duration_seconds', Value: '60' },
        { Key: 'stickiness.enabled', Value: 'true' },
        { Key: 'stickiness.type', Value: 'lb_cookie' },
        { Key: 'stickiness.lb_cookie.duration_seconds', Value: '3600' },
      ]),
    });
  });

  test('scaling: capacities, memory and request targets, cooldowns', () => {
    const { stack } = serviceStack({
      desiredCount: 3,
      minCapacity: 2,
      maxCapacity: 6,
      targetCpuUtilizationPercent: 50,
      targetMemoryUtilizationPercent: 80,
      targetRequestsPerTarget: 500,
      scaleInCooldown: Duration.minutes(10),
      scaleOutCooldown: Duration.seconds(30),
    });
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 3 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 6 });
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 3);
    for (const [metric, value] of [['ECSServiceAverageCPUUtilization', 50], ['ECSServiceAverageMemoryUtilization', 80], ['ALBRequestCountPerTarget', 500]] as const) {
      template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
        TargetTrackingScalingPolicyConfiguration: {
          PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: metric }),
          TargetValue: value,
          ScaleInCooldown: 600,
          ScaleOutCooldown: 30,
        },
      });
    }
  });

  test('capacities follow each other when not given', () => {
    const capacities = (props: Partial<FargateWebServiceProps>) => {
      const template = Template.fromStack(serviceStack(props).stack);
      const target = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget'))[0] as any;
      const service = Object.values(template.findResources('AWS::ECS::Service'))[0] as any;
      return [service.Properties.DesiredCount, target.Properties.MinCapacity, target.Properties.MaxCapacity];
    };
    expect(capacities({})).toEqual([undefined, 2, 10]);
    expect(capacities({ minCapacity: 4 })).toEqual([undefined, 4, 10]);
    expect(capacities({ maxCapacity: 1 })).toEqual([undefined, 1, 1]);
    expect(capacities({ desiredCount: 1 })).toEqual([1, 1, 10]);
    expect(capacities({ desiredCount: 12 })).toEqual([12, 2, 12]);
    expect(capacities({ minCapacity: 15 })).toEqual([undefined, 15, 15]);
  });

  test('deployment: circuit breaker off, custom percentages and grace period', () => {
    const { stack } = serviceStack({
      circuitBreaker: false, minHealthyPercent: 50, maxHealthyPercent: 150, healthCheckGracePeriod: Duration.minutes(2),
    });
    validTemplate(stack).hasResourceProperties('AWS::ECS::Service', {
      HealthCheckGracePeriodSeconds: 120,
      DeploymentConfiguration: Match.objectLike({
        DeploymentCircuitBreaker: Match.absent(),
        MinimumHealthyPercent: 50,
        MaximumPercent: 150,
      }),
    });
  });

  test('deployment alarms and the target 5xx alarm roll a deployment back', () => {
    const stack = createTestStack();
    const cluster = testCluster(stack);
    const external = new cloudwatch.Alarm(stack, 'Latency', {
      metric: new cloudwatch.Metric({ namespace: 'Shop', metricName: 'Latency' }), threshold: 1, evaluationPeriods: 1,
    });
    const web = new FargateWebService(stack, 'Web', { cluster, image: IMAGE, deploymentAlarms: [external], rollbackOnTarget5xx: true });
    expect(web.alarms.map(a => a.node.id)).toEqual(['Target5xxAlarm']);
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({
        Alarms: { AlarmNames: [{ Ref: Match.stringLikeRegexp('^Latency') }, { Ref: Match.stringLikeRegexp('^WebTarget5xxAlarm') }], Enable: true, Rollback: true },
      }),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'HTTPCode_Target_5XX_Count', Namespace: 'AWS/ApplicationELB', Statistic: 'Sum', Threshold: 10, Period: 300,
    });
  });

  test('Fargate Spot share: base on-demand plus Spot weight, after the cluster has its capacity providers', () => {
    const { stack } = serviceStack({ taskCapacity: TaskCapacity.fargate({ spotWeight: 3, onDemandBase: 1 }) });
    const template = validTemplate(stack);
    template.hasResource('AWS::ECS::Service', {
      Properties: Match.objectLike({
        LaunchType: Match.absent(),
        CapacityProviderStrategy: [
          { CapacityProvider: 'FARGATE', Base: 1, Weight: 1 },
          { CapacityProvider: 'FARGATE_SPOT', Weight: 3 },
        ],
      }),
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^Cluster')]),
    });
  });

  test('public subnets with a public IP (no NAT), still reachable only from the load balancer', () => {
    const { stack, web } = serviceStack({ assignPublicIp: true });
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: {
        AwsvpcConfiguration: Match.objectLike({
          AssignPublicIp: 'ENABLED',
          Subnets: [{ Ref: Match.stringLikeRegexp('^VpcPublicSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcPublicSubnet2') }],
        }),
      },
    });
    const taskSg = logicalId(stack, web.securityGroup);
    expect(template.toJSON().Resources[taskSg].Properties.SecurityGroupIngress).toBeUndefined();
    const ingress = resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress').filter(([, r]) => r.Properties.GroupId['Fn::GetAtt']?.[0] === taskSg);
    expect(ingress).toHaveLength(1);
    expect(ingress[0][1].Properties.SourceSecurityGroupId).toEqual({ 'Fn::GetAtt': [logicalId(stack, (web.sharedLoadBalancer as SharedLoadBalancer).securityGroup), 'GroupId'] });
  });

  test('ECS Exec opt-in, with the wildcard permissions aws-cdk-lib adds in a managed policy of their own, acknowledged there only', () => {
    const { stack, web } = serviceStack({ enableExecuteCommand: true });
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ECS::Service', { EnableExecuteCommand: true });
    const policy = web.taskDefinition.taskRole.node.findChild('ExecuteCommandPolicy');
    expect(policy).toBeInstanceOf(iam.ManagedPolicy);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: logicalId(stack, web.taskDefinition.taskRole) }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['ssmmessages:CreateControlChannel']) })]) },
    });
    expect(JSON.stringify(policy.node.metadata)).toContain('AwsSolutions-IAM5[Resource::*]');
    expect(JSON.stringify(web.taskDefinition.taskRole.node.metadata)).not.toContain('AwsSolutions-IAM5');
  });

  test('with ECS Exec, a wildcard statement the user adds to the task role keeps its finding (in the role\'s own managed policy)', () => {
    // GIVEN
    const { stack, web } = serviceStack({ enableExecuteCommand: true });
    // WHEN
    web.taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    // THEN
    const { findings } = synthesizeWithValidators(stack.node.root as App);
    expect(findings.filter(f => f.ruleId.startsWith('AwsSolutions-IAM5')).map(f => f.constructPath))
      .toEqual(['TestStack/Web/TaskDefinition/TaskRole/Policy/Resource']);
  });

  test('Service Connect in the cluster namespace', () => {
    const stack = createTestStack();
    const cluster = testCluster(stack, { defaultCloudMapNamespace: { name: 'shop.local', useForServiceConnect: true } });
    new FargateWebService(stack, 'Web', { cluster, image: IMAGE, enableServiceConnect: true, serviceConnectDnsName: 'web' });
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ECS::Service', {
      ServiceConnectConfiguration: Match.objectLike({
        Enabled: true,
        Services: [Match.objectLike({ PortName: 'web', ClientAliases: [{ DnsName: 'web', Port: 80 }] })],
      }),
    });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ PortMappings: [Match.objectLike({ ContainerPort: 80, Name: 'web', AppProtocol: 'http' })] })],
    });
  });

  test('Service Connect in a given namespace', () => {
    const stack = createTestStack();
    const cluster = testCluster(stack);
    const namespace = new servicediscovery.HttpNamespace(stack, 'Namespace', { name: 'shop' });
    new FargateWebService(stack, 'Web', { cluster, image: IMAGE, enableServiceConnect: true, serviceConnectNamespace: namespace });
    validTemplate(stack).hasResourceProperties('AWS::ECS::Service', {
      ServiceConnectConfiguration: Match.objectLike({ Namespace: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Namespace'), 'Arn'] } }),
    });
  });

  test('alarms notify an SNS topic', () => {
    const stack = createTestStack();
    const topic = new sns.Topic(stack, 'Alarms', { enforceSSL: true });
    const web = new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE, alarmTopic: topic });
    expect(web.alarms.map(a => a.node.id)).toEqual(['Target5xxAlarm', 'UnhealthyHostsAlarm', 'CpuAlarm', 'MemoryAlarm']);
    const template = validTemplate(stack);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    for (const metricName of ['HTTPCode_Target_5XX_Count', 'UnHealthyHostCount', 'CPUUtilization', 'MemoryUtilization']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metricName,
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }],
        OKActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }],
      });
    }
  });

  test('alarms without a topic', () => {
    const { stack, web } = serviceStack({ enableAlarms: true });
    expect(web.alarms).toHaveLength(4);
    validTemplate(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: Match.absent() });
  });

  test('metric helpers', () => {
    const { stack, web } = serviceStack();
    const dimensions = (metric: cloudwatch.Metric) => Object.keys(metric.dimensions ?? {}).sort();
    const fiveXx = web.metricTarget5xxCount();
    expect([fiveXx.namespace, fiveXx.metricName, fiveXx.statistic]).toEqual(['AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', 'Sum']);
    expect(dimensions(fiveXx)).toEqual(['LoadBalancer', 'TargetGroup']);
    expect(web.metricTargetResponseTime().metricName).toBe('TargetResponseTime');
    expect(web.metricUnhealthyHostCount()).toMatchObject({ metricName: 'UnHealthyHostCount', statistic: 'Maximum' });
    expect(web.metricRequestCount()).toMatchObject({ metricName: 'RequestCount', statistic: 'Sum' });
    const cpu = web.metricCpuUtilization({ period: Duration.minutes(1) });
    expect([cpu.namespace, cpu.metricName, cpu.period.toSeconds()]).toEqual(['AWS/ECS', 'CPUUtilization', 60]);
    expect(dimensions(cpu)).toEqual(['ClusterName', 'ServiceName']);
    expect(web.metricMemoryUtilization().metricName).toBe('MemoryUtilization');
    validTemplate(stack);
  });

  test('addSidecar returns the container, which logs to the service log group', () => {
    const { stack, web } = serviceStack();
    const sidecar = web.addSidecar('xray', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/xray/aws-xray-daemon:3.3'), memoryReservationMiB: 64 });
    expect(sidecar).toBeInstanceOf(ecs.ContainerDefinition);
    expect(sidecar.essential).toBe(false);
    validTemplate(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({ Name: 'web' }),
        Match.objectLike({
          Name: 'xray',
          Essential: false,
          LogConfiguration: Match.objectLike({ Options: Match.objectLike({ 'awslogs-stream-prefix': 'xray' }) }),
        }),
      ],
    });
  });

  test('log retention and removal policy can be changed', () => {
    const { stack } = serviceStack({ logRetention: logs.RetentionDays.ONE_WEEK, logRemovalPolicy: RemovalPolicy.DESTROY });
    validTemplate(stack).hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 7 },
      DeletionPolicy: 'Delete',
    });
  });

  test('access logs: a given bucket and prefix, or a custom retention', () => {
    const first = serviceStack({ accessLogsRetention: Duration.days(30) });
    validTemplate(first.stack).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30 })] },
    });
    const stack = createTestStack();
    const cluster = testCluster(stack);
    const bucket = (new SharedLoadBalancer(stack, 'Other', { vpc: cluster.vpc })).accessLogsBucket;
    new FargateWebService(stack, 'Web', { cluster, image: IMAGE, accessLogsBucket: bucket, accessLogsPrefix: 'web' });
    const template = validTemplate(stack);
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'access_logs.s3.prefix', Value: 'web' }]),
    });
  });
});

describe('FargateWebService bad input', () => {
  test('fails when the CPU/memory pair is not a Fargate size, listing the valid memory values', () => {
    const error = errorOf(() => serviceStack({ cpu: 512, memoryLimitMiB: 512 }));
    expect(error.constructPath).toBe('TestStack/Web');
    expect(error.message).toContain("FargateWebService at 'TestStack/Web' has an invalid prop:");
    expect(error.message).toContain('memoryLimitMiB: received 512. With cpu 512, Fargate accepts memoryLimitMiB 1024, 2048, 3072 or 4096.');
  });

  test('fails when the CPU is not a Fargate value', () => {
    expect(() => serviceStack({ cpu: 300 })).toThrow(/cpu: received 300\. Fargate task CPU is one of 256, 512, 1024, 2048, 4096, 8192 or 16384/);
  });

  test.each([0, 65536, 80.5])('fails when the container port is %p', (port) => {
    expect(() => serviceStack({ containerPort: port })).toThrow(new RegExp(`containerPort: received ${port}\\. Use a whole number from 1 to 65535`));
  });

  test('fails when the health-check path does not start with /', () => {
    expect(() => serviceStack({ healthCheckPath: 'healthz' })).toThrow(/healthCheckPath: received "healthz"\. Use a path that starts with "\/"/);
  });

  test('fails when the desired count is outside [minCapacity, maxCapacity]', () => {
    expect(() => serviceStack({ desiredCount: 1, minCapacity: 2, maxCapacity: 4 }))
      .toThrow(/desiredCount: received 1\. The desired count must lie between minCapacity \(2\) and maxCapacity \(4\)/);
    expect(() => serviceStack({ desiredCount: 12, maxCapacity: 10 }))
      .toThrow(/desiredCount: received 12\. The desired count must lie between minCapacity \(2\) and maxCapacity \(10\)/);
  });

  test('fails when minCapacity exceeds maxCapacity', () => {
    expect(() => serviceStack({ minCapacity: 5, maxCapacity: 3 })).toThrow(/minCapacity: received 5\. minCapacity must not exceed maxCapacity \(3\)/);
  });

  test.each([
    ['targetCpuUtilizationPercent', 0],
    ['targetCpuUtilizationPercent', 101],
    ['targetMemoryUtilizationPercent', 150],
  ] as const)('fails when %s is %p (outside 1–100)', (prop, value) => {
    expect(() => serviceStack({ [prop]: value })).toThrow(new RegExp(`${prop}: received ${value}\\. Use a percentage from 1 to 100`));
  });

  test('fails when a certificate does not cover the domain name', () => {
    const stack = createTestStack();
    const certificate = new acm.Certificate(stack, 'Cert', { domainName: 'www.example.org', validation: acm.CertificateValidation.fromDns() });
    expect(() => new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE, certificate, domainName: 'shop.example.com' }))
      .toThrow(/domainName: received "shop\.example\.com"\. The certificate covers "www\.example\.org", not this domain name/);
  });

  test('fails when a domain name has no hosted zone (and no certificate)', () => {
    expect(() => serviceStack({ domainName: 'shop.example.com' }))
      .toThrow(/domainName: received "shop\.example\.com"\. A domain name needs its Route 53 hostedZone .*give hostedZone or certificate/);
  });

  test('fails when the domain name is not in the hosted zone', () => {
    const stack = createTestStack();
    expect(() => new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE, domainName: 'shop.example.org', hostedZone: hostedZone(stack) }))
      .toThrow(/domainName: received "shop\.example\.org"\. The domain name must be in the hosted zone "example\.com"/);
  });

  test('fails when a hosted zone is given without a domain name', () => {
    const stack = createTestStack();
    expect(() => new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE, hostedZone: hostedZone(stack) }))
      .toThrow(/hostedZone: received "example\.com"\. .*give domainName too/);
  });

  test('fails when the rule priority is outside 1–50000', () => {
    expect(() => serviceStack({ pathPatterns: ['/api/*'], priority: 0 })).toThrow(/priority: received 0\. Use a whole number from 1 to 50000/);
    expect(() => serviceStack({ pathPatterns: ['/api/*'], priority: 50001 })).toThrow(/priority: received 50001/);
  });

  test.each([
    ['ephemeralStorageGiB', 20, /ephemeralStorageGiB: received 20\. Use a whole number of GiB from 21 to 200/],
    ['healthyHttpCodes', '600', /healthyHttpCodes: received "600"\. Use HTTP codes from 200 to 499/],
    ['healthCheckTimeout', Duration.seconds(20), /healthCheckTimeout: received "20 seconds"\. The timeout must be shorter than healthCheckInterval \(15 seconds\)/],
    ['deregistrationDelay', Duration.hours(2), /deregistrationDelay: received "2 hours"\. Use a whole number of seconds from 0 to 3600/],
    ['slowStart', Duration.seconds(10), /slowStart: received "10 seconds"\. Use a whole number of seconds from 30 to 900/],
    ['maxHealthyPercent', 100, /maxHealthyPercent: received 100\. Must be more than minHealthyPercent \(100\)/],
    ['logRetention', logs.RetentionDays.INFINITE, /logRetention: received "RetentionDays\.INFINITE"\. Logs must expire/],
    ['ingressCidrs', ['10.0.0.0/33'], /ingressCidrs: received "10\.0\.0\.0\/33"\. Use an IPv4 CIDR block/],
    ['taskCapacity', TaskCapacity.fargate({ onDemandBase: 1 }), /taskCapacity\.onDemandBase: received 1\. Only used with Fargate Spot/],
    ['taskCapacity', TaskCapacity.fargate({ spotWeight: 2000 }), /taskCapacity\.spotWeight: received 2000\. Use a whole number from 0 to 1000/],
    ['taskCapacity', TaskCapacity.ec2(), /taskCapacity: received "TaskCapacity\.ec2\(\)"\. This construct runs its tasks on Fargate/],
    ['pathPatterns', ['api/*'], /pathPatterns: received "api\/\*"\. Use a path pattern of up to 128 characters starting with "\/"/],
    ['accessLogsPrefix', 'AWSLogs/x', /accessLogsPrefix: received "AWSLogs\/x"/],
    ['taskSubnets', { subnetType: ec2.SubnetType.PUBLIC }, /taskSubnets: received "PUBLIC"\. Tasks in public subnets need a public IP/],
    ['enableServiceConnect', true, /enableServiceConnect: received true\. Service Connect needs a Cloud Map namespace/],
  ] as const)('fails when %s is %p', (prop, value, message) => {
    expect(() => serviceStack({ [prop]: value })).toThrow(message);
  });

  test('fails when load balancer options are given together with a shared load balancer', () => {
    const stack = createTestStack();
    const cluster = testCluster(stack);
    const alb = new SharedLoadBalancer(stack, 'Alb', { vpc: cluster.vpc });
    expect(() => new FargateWebService(stack, 'Web', { cluster, image: IMAGE, loadBalancer: alb, internetFacing: false, ingressCidrs: ['10.0.0.0/8'] }))
      .toThrow(/2 invalid props:\n {2}- internetFacing: received false\. .*set internetFacing on that SharedLoadBalancer instead\.\n {2}- ingressCidrs/);
  });

  test('fails when load balancer options are given with a shared load balancer: constructs by path, durations in words', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = testCluster(stack);
    const alb = new SharedLoadBalancer(stack, 'Alb', { vpc: cluster.vpc });
    const accessLogsBucket = new s3.Bucket(stack, 'Logs');
    // WHEN
    const error = errorOf(() => new FargateWebService(stack, 'Web', {
      cluster, image: IMAGE, loadBalancer: alb, accessLogsBucket, accessLogsRetention: Duration.days(7),
    }));
    // THEN
    expect(error.problems.map(problem => [problem.prop, problem.received])).toEqual([
      ['accessLogsBucket', '<TestStack/Logs>'],
      ['accessLogsRetention', '"7 days"'],
    ]);
  });

  test('fails when alarmTopic is given with enableAlarms false', () => {
    const stack = createTestStack();
    const topic = new sns.Topic(stack, 'Topic');
    expect(() => new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE, alarmTopic: topic, enableAlarms: false }))
      .toThrow(/alarmTopic: received <TestStack\/Topic>\./);
  });

  test('reports every problem at once', () => {
    const error = errorOf(() => serviceStack({ containerPort: 0, healthCheckPath: 'x', minCapacity: 3, maxCapacity: 1 }));
    expect(error.problems.map(p => p.prop)).toEqual(['containerPort', 'healthCheckPath', 'minCapacity']);
  });

  test('fails when a sidecar reuses the web container id', () => {
    const { web } = serviceStack();
    expect(() => web.addSidecar('web', { image: IMAGE })).toThrow(/FargateWebService.addSidecar at 'TestStack\/Web'.*id: received "web"\. Each container needs its own id/s);
  });

  test('unresolved tokens are not checked', () => {
    const stack = createTestStack();
    const cluster = testCluster(stack);
    const port = new CfnParameter(stack, 'Port', { type: 'Number' }).valueAsNumber;
    expect(() => new FargateWebService(stack, 'Web', { cluster, image: IMAGE, containerPort: port })).not.toThrow();
  });
});

describe('FargateWebService property-based', () => {
  const FARGATE_CPUS = [256, 512, 1024, 2048, 4096, 8192, 16384];

  test('every CPU/memory pair either synthesizes or fails with the list of valid values', () => {
    fc.assert(fc.property(
      fc.oneof(fc.constantFrom(...FARGATE_CPUS), fc.integer({ min: 1, max: 20000 })),
      fc.oneof(fc.integer({ min: 1, max: 128 }).map(n => n * 1024), fc.integer({ min: 1, max: 130000 })),
      (cpu, memoryLimitMiB) => {
        let stack: Stack;
        try {
          stack = serviceStack({ cpu, memoryLimitMiB }).stack;
        } catch (e) {
          expect(EcsKitValidationError.isEcsKitValidationError(e)).toBe(true);
          expect((e as Error).message).toMatch(/(cpu: received \d+\. Fargate task CPU is one of)|(memoryLimitMiB: received \d+\. With cpu \d+, Fargate accepts memoryLimitMiB [\d, ]+or \d+\.)/);
          return;
        }
        Template.fromStack(stack).hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: String(cpu), Memory: String(memoryLimitMiB) });
      }), { numRuns: 40 });
  });

  test('every container port either synthesizes or fails naming the port', () => {
    fc.assert(fc.property(fc.integer({ min: -100, max: 70000 }), (port) => {
      const valid = port >= 1 && port <= 65535;
      if (valid) {
        Template.fromStack(serviceStack({ containerPort: port }).stack)
          .hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: port });
      } else {
        expect(() => serviceStack({ containerPort: port })).toThrow(`containerPort: received ${port}.`);
      }
    }), { numRuns: 25 });
  });
});

describe('FargateWebService on an EcsCluster', () => {
  test('runs on an EcsCluster with Fargate Spot and Service Connect, validator-clean', () => {
    // GIVEN a cluster from this library with a Service Connect namespace
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'internal' });
    // WHEN
    const api = new FargateWebService(stack, 'Api', {
      cluster, image: IMAGE, taskCapacity: TaskCapacity.fargate({ spotWeight: 3, onDemandBase: 1 }), enableServiceConnect: true, serviceConnectDnsName: 'api',
    });
    // THEN
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ECS::Service', {
      Cluster: { Ref: 'ClusterC2E21B66' },
      CapacityProviderStrategy: [
        { CapacityProvider: 'FARGATE', Base: 1, Weight: 1 },
        { CapacityProvider: 'FARGATE_SPOT', Weight: 3 },
      ],
      ServiceConnectConfiguration: Match.objectLike({ Enabled: true }),
    });
    // The service waits for the cluster's capacity provider associations.
    const service = Object.values(template.findResources('AWS::ECS::Service'))[0] as any;
    const associations = Object.keys(template.findResources('AWS::ECS::ClusterCapacityProviderAssociations'));
    expect(service.DependsOn).toEqual(expect.arrayContaining(associations));
    expect(api.service.cluster).toBe(cluster);
  });
});
