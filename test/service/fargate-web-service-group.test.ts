import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, NestedStack, RemovalPolicy, Stack, aws_ec2 as ec2, aws_logs as logs, aws_route53 as route53, aws_s3 as s3 } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { IMAGE, testCluster } from './cluster';
import { EcsCluster, FargateWebService, FargateWebServiceGroup, SharedLoadBalancer, TaskCapacity } from '../../src';
import { nestedTemplateFiles, nestedTemplatePaths } from '../../src/cost/nested-templates';
import { createTestStack, errorOf, expectAcceptedOnlyWhen, expectNoFindings, synthesizeWithValidators } from '../helpers/validators';

/** A validated test stack with a cluster and an empty group. */
function groupStack(props: Partial<ConstructorParameters<typeof FargateWebServiceGroup>[2]> = {}) {
  const stack = createTestStack();
  const cluster = testCluster(stack);
  const group = new FargateWebServiceGroup(stack, 'Services', { cluster, ...props });
  return { stack, cluster, group };
}

/**
 * Adds `count` services: the first is the default target, the others routed by path. Past 10 services,
 * with explicit priorities: the automatic ones of a hundred rules on one listener may collide (the
 * group then asks for an explicit priority), and these tests are about placement and quotas.
 */
function addServices(group: FargateWebServiceGroup, count: number, options: { enableAlarms?: boolean } = {}): FargateWebService[] {
  return Array.from({ length: count }, (_, i) => group.addService(`Web${i}`, {
    image: IMAGE,
    pathPatterns: i === 0 ? undefined : [`/svc${i}/*`],
    priority: i === 0 || count <= 10 ? undefined : i,
    ...options,
  }));
}

/**
 * Synthesizes the app with the validators — cdk-nag over the whole tree, CloudFormation validation over
 * every template, nested ones included — allowing no finding, and returns every template by file name.
 */
function allTemplates(app: App): Record<string, any> {
  expectNoFindings(synthesizeWithValidators(app).findings);
  const stackFiles = app.node.children.filter(Stack.isStack).map(stack => path.join(app.outdir, stack.templateFile));
  return Object.fromEntries([...stackFiles, ...nestedTemplateFiles(stackFiles)]
    .map(file => [path.basename(file), JSON.parse(fs.readFileSync(file, 'utf-8'))]));
}

/** The synthesized template of `stack` itself, after a validated synthesis of its app. */
function validTemplateOf(stack: Stack): any {
  return allTemplates(stack.node.root as App)[`${stack.artifactId}.template.json`];
}

function resourcesOf(template: any, type: string): [string, any][] {
  return Object.entries<any>(template.Resources ?? {}).filter(([, r]) => r.Type === type);
}

describe('FargateWebServiceGroup', () => {
  test('three services: one load balancer, one nested stack, validators pass, 7 resources per service', () => {
    // GIVEN
    const { stack, group } = groupStack();
    // WHEN
    const services = addServices(group, 3);
    // THEN
    const { templates, findings } = synthesizeWithValidators(stack.node.root as App);
    expectNoFindings(findings);
    expect(group.loadBalancers).toHaveLength(1);
    expect(group.stacks).toHaveLength(1);
    expect(group.services).toEqual(services);
    const nested = Template.fromJSON(allTemplates(stack.node.root as App)[path.basename(group.stacks[0].templateFile)]);
    expect(nested.toJSON()).toMatchSnapshot();
    // 3 × 7 resources: the execution role, log group and security group are the group's, in the parent stack
    const counts: Record<string, number> = {};
    for (const resource of Object.values<any>(nested.toJSON().Resources)) counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
    expect(counts).toEqual({
      'AWS::ECS::TaskDefinition': 3,
      'AWS::IAM::Role': 3,
      'AWS::ElasticLoadBalancingV2::TargetGroup': 3,
      'AWS::ElasticLoadBalancingV2::ListenerRule': 3,
      'AWS::ECS::Service': 3,
      'AWS::ApplicationAutoScaling::ScalableTarget': 3,
      'AWS::ApplicationAutoScaling::ScalingPolicy': 3,
    });
    // One task security group in the parent stack, in from the load balancer on port 80 once.
    const parent = templates[stack.artifactId];
    parent.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
    parent.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 80, ToPort: 80, GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ServicesSecurityGroup'), 'GroupId'] },
    });
    for (const service of services) {
      expect(service.securityGroup).toBe(group.securityGroup);
      expect(service.logGroup).toBe(group.logGroup);
      expect(service.taskDefinition.executionRole).toBe(group.executionRole);
    }
    parent.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^ServicesExecutionRole') }],
      PolicyDocument: { Statement: [Match.objectLike({ Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ServicesLogGroup'), 'Arn'] } })] },
    });
    parent.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain', Properties: { RetentionInDays: 30 } });
    // Log streams of the shared log group start with the service's id.
    nested.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ LogConfiguration: Match.objectLike({ Options: Match.objectLike({ 'awslogs-stream-prefix': 'Web1' }) }) })],
    });
    // The nested stack starts after the execution role can pull images and write logs.
    parent.hasResource('AWS::CloudFormation::Stack', { DependsOn: Match.arrayWith([Match.stringLikeRegexp('^ServicesExecutionRolePolicy')]) });
  });

  test('the default target is a rule matching every path at priority 50000: no circular dependency', () => {
    const { stack, group } = groupStack();
    const [web] = addServices(group, 2);
    const nested = allTemplates(stack.node.root as App)[path.basename(group.stacks[0].templateFile)];
    const rule = resourcesOf(nested, 'AWS::ElasticLoadBalancingV2::ListenerRule').find(([id]) => id.startsWith('Web0'))![1];
    expect(rule.Properties).toMatchObject({ Priority: 50000, Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }] });
    expect(web.listenerRule).toBeDefined();
    const parent = Template.fromJSON(JSON.parse(fs.readFileSync(path.join((stack.node.root as App).outdir, stack.templateFile), 'utf-8')));
    parent.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: Match.objectLike({ StatusCode: '404' }) }],
    });
  });

  test('300 services: every stack under 500 resources, at most 100 rules per load balancer, validators pass', () => {
    // GIVEN
    const { stack, group } = groupStack();
    // WHEN
    addServices(group, 300);
    // THEN
    const app = stack.node.root as App;
    const templates = allTemplates(app);
    expect(Object.keys(templates)).toHaveLength(11); // the stack and 10 nested stacks of 30 services
    for (const [file, template] of Object.entries(templates)) {
      expect([file, Object.keys(template.Resources).length < 500]).toEqual([file, true]);
    }
    // Each nested stack receives its listener as a parameter: count the rules per listener of the parent.
    const parent = templates[`${stack.artifactId}.template.json`];
    const rulesPerListener: Record<string, number> = {};
    for (const [logicalId, nestedStack] of resourcesOf(parent, 'AWS::CloudFormation::Stack')) {
      const nested = templates[path.basename(nestedTemplatePaths(path.join(app.outdir, stack.templateFile), parent)[logicalId])];
      for (const [, rule] of resourcesOf(nested, 'AWS::ElasticLoadBalancingV2::ListenerRule')) {
        const listener = JSON.stringify(nestedStack.Properties.Parameters[rule.Properties.ListenerArn.Ref]);
        rulesPerListener[listener] = (rulesPerListener[listener] ?? 0) + 1;
      }
    }
    expect(Object.values(rulesPerListener)).toEqual([100, 100, 100]);
    expect(group.loadBalancers.map(lb => [lb.targetGroupCount, lb.ruleCount])).toEqual([[100, 100], [100, 100], [100, 100]]);
    // Each service adds 7 resources to its nested stack.
    for (const [file, template] of Object.entries(templates)) {
      if (file.includes('.nested.')) expect([file, Object.keys(template.Resources).length]).toEqual([file, 30 * 7]);
    }
    const serviceResources = Object.values(templates).reduce((sum, t) => sum + resourcesOf(t, 'AWS::ECS::Service').length, 0);
    expect(serviceResources).toBe(300);
  }, 300_000);

  test('a nested stack past 500 resources fails synthesis and says to lower servicesPerStack', () => {
    const { stack, group } = groupStack({ servicesPerStack: 50 });
    addServices(group, 50, { enableAlarms: true }); // 11 resources each
    expect(() => (stack.node.root as App).synth()).toThrow(
      /TestStack\/Services\/Services1 holds 50 services and 5\d\d resources, more than the 500 .* lower servicesPerStack \(now 50\)/);
  });

  test('fails when the log group would be snapshotted or its retention is not a RetentionDays value', () => {
    const stack = new Stack();
    const cluster = testCluster(stack);
    const error = errorOf(() => new FargateWebServiceGroup(stack, 'Services', {
      cluster, logRemovalPolicy: RemovalPolicy.SNAPSHOT, logRetention: 4 as logs.RetentionDays,
    }));
    expect(error.message).toMatch(/logRetention: received 4\. Use a logs\.RetentionDays value/);
    expect(error.message).toMatch(/logRemovalPolicy: received "RemovalPolicy\.SNAPSHOT"\. A log group cannot be snapshotted/);
  });

  test('fails when servicesPerStack is not 1 to 60', () => {
    for (const servicesPerStack of [0, 61, 2.5]) {
      const stack = new Stack();
      const error = errorOf(() => new FargateWebServiceGroup(stack, 'Services', { cluster: testCluster(stack), servicesPerStack }));
      expect(error.message).toContain('servicesPerStack');
      expect(error.message).toContain(String(servicesPerStack));
    }
  });

  test('property: servicesPerStack is accepted exactly when it is a whole number from 1 to 60', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ min: -5, max: 80 }), fc.double({ min: -5, max: 80, noNaN: true })), (servicesPerStack) => {
      const stack = new Stack();
      const cluster = testCluster(stack);
      expectAcceptedOnlyWhen(Number.isInteger(servicesPerStack) && servicesPerStack >= 1 && servicesPerStack <= 60,
        () => new FargateWebServiceGroup(stack, 'Services', { cluster, servicesPerStack }));
    }), { numRuns: 50 });
  });

  test('fails at the group when a load balancer option is invalid, before any service is added', () => {
    const stack = new Stack();
    const cluster = testCluster(stack);
    const bucket = new s3.Bucket(stack, 'Logs');
    expect(errorOf(() => new FargateWebServiceGroup(stack, 'Services', { cluster, accessLogsBucket: bucket, accessLogsRetention: Duration.days(7) })).message)
      .toMatch(/FargateWebServiceGroup at 'Default\/Services'.*accessLogsRetention: received "7 days"\. The retention applies only to the bucket this construct creates/s);
    expect(errorOf(() => new FargateWebServiceGroup(stack, 'Open', { cluster, ingressCidrs: [] })).message).toMatch(/ingressCidrs: received \[\]/);
  });

  test('fails when domainName or hostedZone is given: each load balancer of the group has its own DNS name', () => {
    // GIVEN
    const stack = new Stack();
    const cluster = testCluster(stack);
    const hostedZone = new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'example.com' });
    // WHEN
    const error = errorOf(() => new FargateWebServiceGroup(stack, 'Services', { cluster, domainName: 'app.example.com', hostedZone }));
    // THEN
    expect(error.problems.map(problem => problem.prop)).toEqual(['domainName', 'hostedZone']);
    expect(error.message).toMatch(/domainName: received "app\.example\.com"\. The group adds load balancers as needed, each with its own DNS name/);
    expect(error.message).toMatch(/hostedZone: received <Default\/Zone>\./);
  });

  test('the load balancer options of WebLoadBalancerOptions reach every load balancer of the group', () => {
    // GIVEN
    const { stack, group } = groupStack({ internetFacing: false, ingressCidrs: ['10.1.0.0/16'], accessLogsPrefix: 'alb' });
    // WHEN
    group.addService('Web', { image: IMAGE });
    group.addService('Admin', { image: IMAGE });
    // THEN
    expect(group.loadBalancers).toHaveLength(2);
    const template = Template.fromStack(stack);
    template.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' }, 2);
    template.resourcePropertiesCountIs('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ CidrIp: '10.1.0.0/16', FromPort: 80 })],
    }, 2);
    template.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'access_logs.s3.prefix', Value: 'alb' }]),
    }, 2);
  });

  test('connections: a rule added to the group applies to the tasks of every service', () => {
    const { stack, group } = groupStack();
    addServices(group, 2);
    const database = new ec2.SecurityGroup(stack, 'Database', { vpc: group.cluster.vpc, description: 'The database' });
    group.connections.allowTo(database, ec2.Port.tcp(5432), 'Services to the database');
    expect(group.connections.securityGroups).toEqual([group.securityGroup]);
    const parent = Template.fromJSON(validTemplateOf(stack));
    parent.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 5432,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Database'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ServicesSecurityGroup'), 'GroupId'] },
    });
  });

  test('fails when two services have the same id', () => {
    const { group } = groupStack();
    addServices(group, 1);
    expect(errorOf(() => group.addService('Web0', { image: IMAGE, pathPatterns: ['/x/*'] })).message)
      .toMatch(/already in the group \(TestStack\/Services\/Services1\/Web0\)/);
  });

  test('a second service without routing conditions goes to a load balancer without a default target', () => {
    const { group } = groupStack();
    group.addService('Web', { image: IMAGE });
    group.addService('Other', { image: IMAGE, hostHeaders: ['other.example.com'] });
    group.addService('Site', { image: IMAGE });
    expect(group.loadBalancers).toHaveLength(2);
    expect(group.services.map(s => group.loadBalancers.indexOf(s.sharedLoadBalancer as SharedLoadBalancer))).toEqual([0, 0, 1]);
  });

  test('load balancers share one access logs bucket', () => {
    const { stack, group } = groupStack();
    addServices(group, 101);
    expect(group.loadBalancers).toHaveLength(2);
    expect(group.loadBalancers[1].accessLogsBucket).toBe(group.loadBalancers[0].accessLogsBucket);
    const parent = Template.fromJSON(validTemplateOf(stack));
    parent.resourceCountIs('AWS::S3::Bucket', 1);
    parent.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 2);
  }, 120_000);

  test('nested stacks are NestedStacks named Services1, Services2, …', () => {
    const { group } = groupStack({ servicesPerStack: 2 });
    addServices(group, 5);
    expect(group.stacks.map(s => s.node.id)).toEqual(['Services1', 'Services2', 'Services3']);
    expect(group.stacks.every(s => NestedStack.isNestedStack(s))).toBe(true);
  });
});

describe('FargateWebServiceGroup on an EcsCluster', () => {
  test('services with Fargate Spot, Service Connect and alarms synthesize validator-clean across the nested stack', () => {
    // GIVEN an EcsCluster with a Service Connect namespace
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'internal' });
    const group = new FargateWebServiceGroup(stack, 'Services', { cluster, logRetention: logs.RetentionDays.ONE_WEEK });
    // WHEN
    group.addService('Web', { image: IMAGE, taskCapacity: TaskCapacity.fargate({ spotWeight: 3, onDemandBase: 1 }), enableServiceConnect: true });
    group.addService('Api', { image: IMAGE, pathPatterns: ['/api/*'], enableAlarms: true, enableServiceConnect: true, serviceConnectDnsName: 'api' });
    // THEN
    const templates = allTemplates(stack.node.root as App);
    const nested = Template.fromJSON(templates[path.basename(group.stacks[0].templateFile)]);
    nested.hasResourceProperties('AWS::ECS::Service', {
      CapacityProviderStrategy: [
        { CapacityProvider: 'FARGATE', Base: 1, Weight: 1 },
        { CapacityProvider: 'FARGATE_SPOT', Weight: 3 },
      ],
      ServiceConnectConfiguration: Match.objectLike({ Enabled: true }),
    });
    nested.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    // The Spot service waits for the cluster's capacity providers: the nested stack depends on them.
    const parent = Template.fromJSON(templates[`${stack.artifactId}.template.json`]);
    const [associations] = Object.keys(parent.findResources('AWS::ECS::ClusterCapacityProviderAssociations'));
    parent.hasResource('AWS::CloudFormation::Stack', { DependsOn: Match.arrayWith([associations]) });
    parent.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });
});
