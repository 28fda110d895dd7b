import { App, CfnParameter, Duration, NestedStack, Stack, aws_certificatemanager as acm, aws_ec2 as ec2, aws_ecs as ecs, aws_elasticloadbalancingv2 as elbv2, aws_route53 as route53 } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { IMAGE, testCluster } from './cluster';
import { createStacks } from '../../examples/fargate-web-app/app';
import { ComposeApp, ComposeFile, EcsCluster, EcsKitValidationError, FargateWebService, SharedLoadBalancer, SharedLoadBalancerAttributes } from '../../src';
import { automaticPriority, ruleConditions } from '../../src/service/private/listener-priorities';
import { createTestApp, createTestStack, errorOf, expectNoFindings, synthesizeWithValidators, validTemplate } from '../helpers/validators';

/** A stack with a test cluster and a shared load balancer. */
function sharedStack(props: Partial<ConstructorParameters<typeof SharedLoadBalancer>[2]> = {}) {
  const stack = createTestStack();
  const cluster = testCluster(stack);
  const alb = new SharedLoadBalancer(stack, 'Alb', { vpc: cluster.vpc, ...props });
  return { stack, cluster, alb };
}

function rulePriorities(stack: Stack): Record<string, number> {
  const rules = validTemplate(stack).findResources('AWS::ElasticLoadBalancingV2::ListenerRule');
  return Object.fromEntries(Object.entries(rules).map(([id, r]) => [id.replace(/ListenerRule.*$/, ''), r.Properties.Priority]));
}

describe('SharedLoadBalancer', () => {
  test('two services share one load balancer by path: validators pass, snapshot', () => {
    // GIVEN
    const { stack, cluster, alb } = sharedStack();
    // WHEN
    const web = new FargateWebService(stack, 'Web', { cluster, image: IMAGE, loadBalancer: alb });
    const api = new FargateWebService(stack, 'Api', { cluster, image: IMAGE, loadBalancer: alb, pathPatterns: ['/api/*'] });
    // THEN
    const template = validTemplate(stack);
    expect(template.toJSON()).toMatchSnapshot();
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 2);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 1);
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: Match.stringLikeRegexp('^WebTargetGroup') } }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: automaticPriority('TestStack/Api/ListenerRule', ruleConditions([], ['/api/*'])),
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } }],
      Actions: [{ Type: 'forward', TargetGroupArn: { Ref: Match.stringLikeRegexp('^ApiTargetGroup') } }],
    });
    expect(web.loadBalancer).toBe(api.loadBalancer);
    expect(web.listenerRule).toBeUndefined();
    expect(api.listenerRule).toBeInstanceOf(elbv2.ApplicationListenerRule);
    expect(stack.resolve(api.url)).toEqual({ 'Fn::Join': ['', ['http://', { 'Fn::GetAtt': [expect.stringMatching(/^Alb/), 'DNSName'] }, '/api/']] });
    Annotations.fromStack(stack).hasWarning('/TestStack/Alb', Match.stringLikeRegexp('cdk-ecs-kit:SharedLoadBalancer.httpOnly'));
  });

  test('the main child is the ALB with id Resource', () => {
    const { alb } = sharedStack();
    expect(alb.node.defaultChild).toBe(alb.loadBalancer);
    expect(alb.loadBalancer.node.id).toBe('Resource');
  });

  test('without a default target, unmatched requests get a 404', () => {
    const { stack, cluster, alb } = sharedStack();
    new FargateWebService(stack, 'Api', { cluster, image: IMAGE, loadBalancer: alb, hostHeaders: ['api.example.com'] });
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'Not found' } }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['api.example.com'] } }],
    });
  });

  test('automatic priorities depend only on each rule; explicit ones are kept as given', () => {
    // GIVEN
    const { stack, cluster, alb } = sharedStack();
    // WHEN
    new FargateWebService(stack, 'A', { cluster, image: IMAGE, loadBalancer: alb, pathPatterns: ['/a/*'] });
    new FargateWebService(stack, 'B', { cluster, image: IMAGE, loadBalancer: alb, pathPatterns: ['/b/*'], priority: 20 });
    new FargateWebService(stack, 'C', { cluster, image: IMAGE, loadBalancer: alb, pathPatterns: ['/c/*'] });
    new FargateWebService(stack, 'D', { cluster, image: IMAGE, loadBalancer: alb, hostHeaders: ['d.example.com'], pathPatterns: ['/d/*'], priority: 5 });
    // THEN
    expect(rulePriorities(stack)).toEqual({
      A: automaticPriority('TestStack/A/ListenerRule', ruleConditions([], ['/a/*'])),
      B: 20,
      C: automaticPriority('TestStack/C/ListenerRule', ruleConditions([], ['/c/*'])),
      D: 5,
    });
  });

  test('with HTTPS, services attach to the 443 listener and port 80 redirects', () => {
    const stack = createTestStack();
    const cluster = testCluster(stack);
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:111122223333:certificate/abc');
    const alb = new SharedLoadBalancer(stack, 'Alb', { vpc: cluster.vpc, certificate, domainName: 'shop.example.com' });
    const api = new FargateWebService(stack, 'Api', { cluster, image: IMAGE, loadBalancer: alb, pathPatterns: ['/api/*'] });
    const template = validTemplate(stack);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      ListenerArn: { Ref: Match.stringLikeRegexp('^AlbHttpsListener') },
    });
    expect(api.url).toBe('https://shop.example.com/api/');
    expect(alb.url).toBe('https://shop.example.com');
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('a service URL uses its host header', () => {
    const { stack, cluster, alb } = sharedStack();
    const api = new FargateWebService(stack, 'Api', { cluster, image: IMAGE, loadBalancer: alb, hostHeaders: ['api.example.com'] });
    expect(api.url).toBe('http://api.example.com');
  });

  test('addTargetGroup can be used directly and returns the rule it created', () => {
    const { stack, cluster, alb } = sharedStack();
    const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
    taskDefinition.addContainer('app', { image: IMAGE, portMappings: [{ containerPort: 80 }], logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'app' }) });
    const targetGroup = new elbv2.ApplicationTargetGroup(stack, 'Tg', { vpc: cluster.vpc, port: 80, targetType: elbv2.TargetType.IP });
    const rule = alb.addTargetGroup(stack, 'Rule', { targetGroup, pathPatterns: ['/x/*'], priority: 7 });
    expect(rule).toBeInstanceOf(elbv2.ApplicationListenerRule);
    const other = new elbv2.ApplicationTargetGroup(stack, 'Tg2', { vpc: cluster.vpc, port: 80, targetType: elbv2.TargetType.IP });
    expect(alb.addTargetGroup(stack, 'Default', { targetGroup: other })).toBeUndefined();
  });

  test('two load balancers in one stack share one Region table', () => {
    const { stack, cluster } = sharedStack();
    new SharedLoadBalancer(stack, 'Second', { vpc: cluster.vpc, internetFacing: false });
    const template = validTemplate(stack);
    expect(Object.keys(template.toJSON().Mappings)).toEqual(['CdkEcsKitElbAccounts']);
    expect(Object.keys(template.toJSON().Conditions)).toEqual(['CdkEcsKitElbAccountRegion']);
  });

  test('a domain with its hosted zone gets a certificate and an alias record', () => {
    const stack = createTestStack();
    const cluster = testCluster(stack);
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' });
    const alb = new SharedLoadBalancer(stack, 'Alb', { vpc: cluster.vpc, domainName: 'example.com', hostedZone, accessLogsRetention: Duration.days(400) });
    new FargateWebService(stack, 'Web', { cluster, image: IMAGE, loadBalancer: alb });
    expect(alb.certificate).toBeInstanceOf(acm.Certificate);
    expect(alb.aliasRecord).toBeDefined();
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'example.com.', Type: 'A' });
    template.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 400 })] } });
  });
});

describe('SharedLoadBalancer bad input', () => {
  test('fails when a rule priority collides, naming the service that uses it', () => {
    const { stack, cluster, alb } = sharedStack();
    new FargateWebService(stack, 'A', { cluster, image: IMAGE, loadBalancer: alb, pathPatterns: ['/a/*'], priority: 10 });
    expect(() => new FargateWebService(stack, 'B', { cluster, image: IMAGE, loadBalancer: alb, pathPatterns: ['/b/*'], priority: 10 }))
      .toThrow(/FargateWebService at 'TestStack\/B' has an invalid prop:\n {2}- priority: received 10\. Priority 10 is already used by 'TestStack\/A\/ListenerRule' on the listener of TestStack\/Alb/);
  });

  test('fails when a rule priority is outside 1–50000', () => {
    const { stack, cluster, alb } = sharedStack();
    expect(() => new FargateWebService(stack, 'A', { cluster, image: IMAGE, loadBalancer: alb, pathPatterns: ['/a/*'], priority: 50001 }))
      .toThrow(/priority: received 50001\. Use a whole number from 1 to 50000/);
  });

  test('fails when host/path conditions are missing and the load balancer already has a default target', () => {
    const { stack, cluster, alb } = sharedStack();
    new FargateWebService(stack, 'Web', { cluster, image: IMAGE, loadBalancer: alb });
    const error = (() => {
      try {
        new FargateWebService(stack, 'Api', { cluster, image: IMAGE, loadBalancer: alb });
      } catch (e) {
        return e as EcsKitValidationError;
      }
      throw new Error('expected an error');
    })();
    expect(EcsKitValidationError.isEcsKitValidationError(error)).toBe(true);
    expect(error.constructPath).toBe('TestStack/Api');
    expect(error.message).toMatch(/hostHeaders\/pathPatterns: received \[\]\. The load balancer TestStack\/Alb already sends unmatched requests to 'TestStack\/Web'/);
  });

  test('fails when a priority is given without conditions', () => {
    const { stack, cluster, alb } = sharedStack();
    expect(() => new FargateWebService(stack, 'Web', { cluster, image: IMAGE, loadBalancer: alb, priority: 5 }))
      .toThrow(/priority: received 5\. A priority only applies to a listener rule/);
  });

  test('fails when a rule has more than 5 condition values', () => {
    const { stack, cluster, alb } = sharedStack();
    expect(() => new FargateWebService(stack, 'Web', {
      cluster, image: IMAGE, loadBalancer: alb, hostHeaders: ['a.example.com', 'b.example.com', 'c.example.com'], pathPatterns: ['/a', '/b', '/c'],
    })).toThrow(/hostHeaders\/pathPatterns: received \[.*\]\. A listener rule matches at most 5 host headers and path patterns together/);
  });

  test('fails when a host header is malformed', () => {
    const { stack, cluster, alb } = sharedStack();
    expect(() => new FargateWebService(stack, 'Web', { cluster, image: IMAGE, loadBalancer: alb, hostHeaders: ['api example.com'] }))
      .toThrow(/hostHeaders: received "api example\.com"\. Use a host name of up to 128/);
  });

  test('fails when addTargetGroup is called directly with a taken priority', () => {
    const { stack, cluster, alb } = sharedStack();
    const targetGroup = () => new elbv2.ApplicationTargetGroup(stack, `Tg${Math.random()}`, { vpc: cluster.vpc, port: 80, targetType: elbv2.TargetType.IP });
    alb.addTargetGroup(stack, 'R1', { targetGroup: targetGroup(), pathPatterns: ['/a'], priority: 3 });
    expect(() => alb.addTargetGroup(stack, 'R2', { targetGroup: targetGroup(), pathPatterns: ['/b'], priority: 3 }))
      .toThrow(/SharedLoadBalancer.addTargetGroup at 'TestStack' has an invalid prop:\n {2}- priority: received 3\. Priority 3 is already used by 'TestStack\/R1'/);
  });

  test('fails past 100 target groups or 100 rules, the quotas of an Application Load Balancer', () => {
    // GIVEN a load balancer with 100 rules
    const { stack, cluster, alb } = sharedStack();
    const targetGroup = (i: number) =>
      new elbv2.ApplicationTargetGroup(stack, `Tg${i}`, { vpc: cluster.vpc, port: 80, targetType: elbv2.TargetType.IP });
    for (let i = 0; i < 100; i++) alb.addTargetGroup(stack, `R${i}`, { targetGroup: targetGroup(i), pathPatterns: [`/p${i}`] });
    expect([alb.ruleCount, alb.targetGroupCount, alb.hasRoomFor(false), alb.hasRoomFor(true)]).toEqual([100, 100, false, false]);
    // WHEN / THEN a 101st target group fails, by rule or as the default target
    expect(() => alb.addTargetGroup(stack, 'R100', { targetGroup: targetGroup(100), pathPatterns: ['/p100'] }))
      .toThrow(/loadBalancer: received "TestStack\/Alb"\. The load balancer already has 100 target groups, the quota of an Application Load Balancer\. Spread the services over several load balancers \(a FargateWebServiceGroup adds them as needed\)/);
    expect(() => alb.addTargetGroup(stack, 'Default', { targetGroup: targetGroup(101) })).toThrow(/already has 100 target groups/);
  });

  test('fails when the default target of another stack needs priority 50000 and a rule uses it', () => {
    const { stack, cluster, alb } = sharedStack();
    const nested = new NestedStack(stack, 'Services');
    const targetGroup = (scope: Stack, id: string) =>
      new elbv2.ApplicationTargetGroup(scope, id, { vpc: cluster.vpc, port: 80, targetType: elbv2.TargetType.IP });
    alb.addTargetGroup(stack, 'Last', { targetGroup: targetGroup(stack, 'Tg1'), pathPatterns: ['/z'], priority: 50000 });
    expect(() => alb.addTargetGroup(nested, 'Default', { targetGroup: targetGroup(nested, 'Tg2') }))
      .toThrow(/priority: received 50000\. 'TestStack\/Last' uses priority 50000, which the default target of another stack needs: give it a lower priority/);
  });

  test.each([
    ['domainName', { domainName: 'Shop.Example.com', certificate: undefined }, /domainName: received "Shop\.Example\.com"\. Use a fully qualified domain name in lowercase/],
    ['ingressCidrs', { ingressCidrs: [] }, /ingressCidrs: received \[\]\. Give at least one CIDR block/],
    ['accessLogsRetention', { accessLogsRetention: Duration.hours(12) }, /accessLogsRetention: received "12 hours"\. Use a whole number of days/],
  ] as const)('fails when %s is invalid', (_, props, message) => {
    expect(() => sharedStack(props as any)).toThrow(message);
  });

  test('fails when a retention is given for a bucket that is not created here', () => {
    const stack = createTestStack();
    const cluster = testCluster(stack);
    const first = new SharedLoadBalancer(stack, 'First', { vpc: cluster.vpc });
    expect(() => new SharedLoadBalancer(stack, 'Second', { vpc: cluster.vpc, accessLogsBucket: first.accessLogsBucket, accessLogsRetention: Duration.days(7) }))
      .toThrow(/SharedLoadBalancer at 'TestStack\/Second'.*accessLogsRetention: received "7 days"\. The retention applies only to the bucket this construct creates/s);
  });
});

describe('SharedLoadBalancer property-based', () => {
  test('explicit priorities: distinct ones in 1–50000 attach, a repeat or an out-of-range one fails with our error', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: -5, max: 50005 }), { minLength: 1, maxLength: 6 }), (priorities) => {
      const { stack, cluster, alb } = sharedStack();
      const seen = new Set<number>();
      priorities.forEach((priority, i) => {
        const targetGroup = new elbv2.ApplicationTargetGroup(stack, `Tg${i}`, { vpc: cluster.vpc, port: 80, targetType: elbv2.TargetType.IP });
        const attach = () => alb.addTargetGroup(stack, `Rule${i}`, { targetGroup, pathPatterns: [`/p${i}/*`], priority });
        if (priority < 1 || priority > 50_000 || seen.has(priority)) {
          expect(attach).toThrow(`priority: received ${priority}.`);
        } else {
          expect(attach()).toBeInstanceOf(elbv2.ApplicationListenerRule);
          seen.add(priority);
        }
      });
    }), { numRuns: 25 });
  });
});

describe('example fargate-web-app with a domain', () => {
  test('serves HTTPS with zero validation findings', () => {
    // GIVEN the example's context plus a domain and its hosted zone
    const app: App = createTestApp({ context: { domainName: 'shop.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' } });
    // WHEN
    const [stack] = createStacks(app);
    const { templates, findings } = synthesizeWithValidators(app);
    // THEN
    expectNoFindings(findings);
    const template = templates[stack.artifactId];
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, DefaultActions: [Match.objectLike({ Type: 'redirect' })] });
    template.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'shop.example.com' });
  });

  test('serves plain HTTP without a domain: one ALB for both services, with the promised defaults', () => {
    const app: App = createTestApp();
    const [stack] = createStacks(app);
    const { templates, findings } = synthesizeWithValidators(app);
    expectNoFindings(findings);
    const template = templates[stack.artifactId];
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    template.resourceCountIs('AWS::ECS::Service', 2);
    template.allResourcesProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true }, MinimumHealthyPercent: 100 }),
    });
    template.allResourcesProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } }],
    });
  });
});

describe('SharedLoadBalancer subnets and VPCs', () => {
  test('fails when an internet-facing load balancer has no public subnets', () => {
    const stack = new Stack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    expect(() => new SharedLoadBalancer(stack, 'Alb', { vpc }))
      .toThrow(/internetFacing: received true\. An internet-facing load balancer needs public subnets, and this VPC has none/);
    expect(() => new SharedLoadBalancer(stack, 'Alb2', { vpc, internetFacing: false })).not.toThrow();
  });

  test('fails when the load balancer\'s subnets are in one Availability Zone (an EcsCluster with maxAzs: 1)', () => {
    const stack = new Stack();
    const cluster = new EcsCluster(stack, 'Cluster', { maxAzs: 1 });
    expect(() => new SharedLoadBalancer(stack, 'Alb', { vpc: cluster.vpc }))
      .toThrow(/needs subnets in at least two Availability Zones, and these are in one/);
    expect(() => new SharedLoadBalancer(stack, 'Internal', { vpc: cluster.vpc, internetFacing: false, loadBalancerSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } }))
      .toThrow(/loadBalancerSubnets: received "ec2\.SubnetType\.Private"\. An Application Load Balancer needs subnets in at least two/);
  });

  test('fails with our error when an internal load balancer\'s VPC was imported without its CIDR block', () => {
    const stack = new Stack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-1234', availabilityZones: ['us-east-1a', 'us-east-1b'], privateSubnetIds: ['subnet-1', 'subnet-2'],
    });
    expect(() => new SharedLoadBalancer(stack, 'Alb', { vpc, internetFacing: false }))
      .toThrow(/ingressCidrs: received undefined\. An internal load balancer accepts traffic from its VPC's CIDR block by default, but this VPC was imported without one/);
    expect(() => new SharedLoadBalancer(stack, 'Alb2', { vpc, internetFacing: false, ingressCidrs: ['10.0.0.0/16'] })).not.toThrow();
  });
});

describe('SharedLoadBalancer tokens', () => {
  test('condition values, priority, ingress CIDR items, the log prefix and a retention in days may be tokens', () => {
    // GIVEN parameters for every token-accepting option
    const stack = createTestStack();
    const cluster = testCluster(stack);
    const text = (id: string) => new CfnParameter(stack, id, { type: 'String' }).valueAsString;
    const days = new CfnParameter(stack, 'Days', { type: 'Number' }).valueAsNumber;
    // WHEN
    const alb = new SharedLoadBalancer(stack, 'Alb', {
      vpc: cluster.vpc, ingressCidrs: [text('Cidr')], accessLogsPrefix: text('Prefix'), accessLogsRetention: Duration.days(days),
    });
    new FargateWebService(stack, 'Api', {
      cluster,
      image: IMAGE,
      loadBalancer: alb,
      hostHeaders: [text('Host')],
      pathPatterns: ['/api/*'],
      priority: new CfnParameter(stack, 'Priority', { type: 'Number' }).valueAsNumber,
    });
    // THEN the values reach the template as references
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: { Ref: 'Priority' },
      Conditions: Match.arrayWith([{ Field: 'host-header', HostHeaderConfig: { Values: [{ Ref: 'Host' }] } }]),
    });
    template.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: { Ref: 'Days' } })] } });
  });

  test('fails when a retention token is not in days, or a whole condition list is one token', () => {
    const { stack, cluster } = sharedStack();
    const hours = new CfnParameter(stack, 'Hours', { type: 'Number' }).valueAsNumber;
    expect(() => new SharedLoadBalancer(stack, 'Alb2', { vpc: cluster.vpc, accessLogsRetention: Duration.hours(hours) }))
      .toThrow(/accessLogsRetention: received "\(a token in hours\)"\. A retention from a token must be given in days/);
    const alb = new SharedLoadBalancer(stack, 'Alb3', { vpc: cluster.vpc });
    const hosts = new CfnParameter(stack, 'Hosts', { type: 'CommaDelimitedList' }).valueAsList;
    expect(() => new FargateWebService(stack, 'Api', { cluster, image: IMAGE, loadBalancer: alb, hostHeaders: hosts }))
      .toThrow(/hostHeaders: received "\(a token for the whole list\)"/);
  });
});

const ALB_ARN = 'arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/shop/50dc6c495c0c9188';
const LISTENER_ARN = 'arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2';

/** An existing HTTPS load balancer of another app, imported by attributes into a stack with a test cluster. */
function importedStack(attrs: Partial<SharedLoadBalancerAttributes> | ((stack: Stack) => Partial<SharedLoadBalancerAttributes>) = {}) {
  const stack = createTestStack();
  const cluster = testCluster(stack);
  const alb = SharedLoadBalancer.fromSharedLoadBalancerAttributes(stack, 'Alb', {
    vpc: cluster.vpc,
    loadBalancerArn: ALB_ARN,
    loadBalancerDnsName: 'shop-1234567890.eu-west-1.elb.amazonaws.com',
    securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'AlbSecurityGroup', 'sg-0a1b2c3d4e5f67890', { allowAllOutbound: false })],
    listenerArn: LISTENER_ARN,
    listenerProtocol: elbv2.ApplicationProtocol.HTTPS,
    ...typeof attrs === 'function' ? attrs(stack) : attrs,
  });
  return { stack, cluster, alb };
}

describe('SharedLoadBalancer.fromSharedLoadBalancerAttributes', () => {
  test('services attach to an imported load balancer: rules on its listener, validators pass, nothing else created', () => {
    // GIVEN
    const { stack, cluster, alb } = importedStack({ domainName: 'shop.example.com' });
    // WHEN
    const web = new FargateWebService(stack, 'Web', { cluster, image: IMAGE, loadBalancer: alb });
    const api = new FargateWebService(stack, 'Api', { cluster, image: IMAGE, loadBalancer: alb, pathPatterns: ['/api/*'] });
    // THEN
    const template = validTemplate(stack);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 0);
    // The listener's default action is not ours: the service without conditions gets the catch-all rule.
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      ListenerArn: LISTENER_ARN,
      Priority: 50000,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      ListenerArn: LISTENER_ARN,
      Priority: automaticPriority('TestStack/Api/ListenerRule', ruleConditions(undefined, ['/api/*'])),
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } }],
    });
    // The tasks accept the load balancer's security group, which may send to them.
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { SourceSecurityGroupId: 'sg-0a1b2c3d4e5f67890', FromPort: 80 });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { GroupId: 'sg-0a1b2c3d4e5f67890', FromPort: 80 });
    expect([web.listenerRule?.node.path, alb.url, api.url]).toEqual(['TestStack/Web/ListenerRule', 'https://shop.example.com', 'https://shop.example.com/api/']);
    expect(web.loadBalancer.loadBalancerArn).toBe(ALB_ARN);
  });

  test('the routing checks apply to the rules attached in this app', () => {
    // GIVEN
    const { stack, cluster, alb } = importedStack();
    new FargateWebService(stack, 'Api', { cluster, image: IMAGE, loadBalancer: alb, pathPatterns: ['/api/*'], priority: 100 });
    // WHEN
    const error = errorOf(() => new FargateWebService(stack, 'Admin', { cluster, image: IMAGE, loadBalancer: alb, pathPatterns: ['/admin/*'], priority: 100 }));
    // THEN
    expect(error.message).toMatch(/priority: received 100\. Priority 100 is already used by 'TestStack\/Api\/ListenerRule' on the listener of TestStack\/Alb/);
    expect(errorOf(() => new FargateWebService(stack, 'Shop', { cluster, image: IMAGE, loadBalancer: alb, pathPatterns: ['/api/*'] })).message)
      .toMatch(/match the same requests/);
  });

  test('a ComposeApp attaches its web services to an imported load balancer', () => {
    // GIVEN
    const { stack, cluster, alb } = importedStack({ listenerProtocol: elbv2.ApplicationProtocol.HTTP });
    // WHEN
    const app = new ComposeApp(stack, 'App', {
      cluster,
      loadBalancer: alb,
      composeFile: ComposeFile.fromString('services:\n  web:\n    image: public.ecr.aws/nginx/nginx:1.27\n    ports: ["8080:80"]\n'),
    });
    // THEN
    const template = validTemplate(stack);
    expect(app.loadBalancer).toBe(alb);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', { ListenerArn: LISTENER_ARN, Priority: 50000 });
    expect(alb.url).toBe('http://shop-1234567890.eu-west-1.elb.amazonaws.com');
  });

  test('connections: ingress rules go to every security group of the imported load balancer', () => {
    // GIVEN
    const securityGroups = (scope: Stack) => ['sg-0000000000000000a', 'sg-0000000000000000b']
      .map(id => ec2.SecurityGroup.fromSecurityGroupId(scope, id, id));
    const { stack, alb } = importedStack(scope => ({ securityGroups: securityGroups(scope) }));
    // WHEN
    alb.connections.allowFrom(ec2.Peer.ipv4('192.0.2.0/24'), ec2.Port.tcp(443), 'HTTPS from the office');
    // THEN
    const ingress = Template.fromStack(stack).findResources('AWS::EC2::SecurityGroupIngress', { Properties: { CidrIp: '192.0.2.0/24' } });
    expect(Object.values(ingress).map((r: any) => r.Properties.GroupId).sort()).toEqual(['sg-0000000000000000a', 'sg-0000000000000000b']);
  });

  test.each([
    ['loadBalancerArn', 'arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/net/shop/50dc6c495c0c9188', /loadBalancerArn: received .*Give the ARN of an Application Load Balancer/],
    ['listenerArn', 'arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/other/1111111111111111/f2f7dc8efc522ab2',
      /listenerArn: received .*The listener belongs to the load balancer app\/other\/1111111111111111, not to app\/shop\/50dc6c495c0c9188/],
    ['securityGroups', [], /securityGroups: received \[\]\. Give the load balancer's security groups \(1 to 5\)/],
    ['listenerPort', 0, /listenerPort: received 0\. Use a whole number from 1 to 65535/],
    ['listenerProtocol', 'TCP', /listenerProtocol: received "TCP"\. Use elbv2\.ApplicationProtocol\.HTTPS/],
    ['domainName', 'Shop.Example.com', /domainName: received "Shop\.Example\.com"\. Use a fully qualified domain name in lowercase/],
  ] as const)('fails when %s is %p', (attr, value, message) => {
    const error = errorOf(() => importedStack({ [attr]: value }));
    expect(error.message).toMatch(/SharedLoadBalancer\.fromSharedLoadBalancerAttributes at 'TestStack'/);
    expect(error.message).toMatch(message);
  });

  test('attribute tokens are taken as they are', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = testCluster(stack);
    const arn = new CfnParameter(stack, 'AlbArn').valueAsString;
    // WHEN
    const alb = SharedLoadBalancer.fromSharedLoadBalancerAttributes(stack, 'Alb', {
      vpc: cluster.vpc,
      loadBalancerArn: arn,
      loadBalancerDnsName: new CfnParameter(stack, 'AlbDns').valueAsString,
      securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'AlbSg', new CfnParameter(stack, 'AlbSgId').valueAsString)],
      listenerArn: new CfnParameter(stack, 'ListenerArn').valueAsString,
      listenerProtocol: elbv2.ApplicationProtocol.HTTPS,
    });
    const web = new FargateWebService(stack, 'Web', { cluster, image: IMAGE, loadBalancer: alb, pathPatterns: ['/shop/*'] });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', { ListenerArn: { Ref: 'ListenerArn' } });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { SourceSecurityGroupId: { Ref: 'AlbSgId' } });
    expect(stack.resolve(web.url)).toEqual({ 'Fn::Join': ['', ['https://', { Ref: 'AlbDns' }, '/shop/']] });
    const part = (i: number) => ({ 'Fn::Select': [i, { 'Fn::Split': ['/', { Ref: 'AlbArn' }] }] });
    expect(stack.resolve(alb.metricRequestCount().dimensions)).toEqual({
      LoadBalancer: { 'Fn::Join': ['', [part(1), '/', part(2), '/', part(3)]] },
    });
  });
});

describe('SharedLoadBalancer metrics', () => {
  test('created: AWS/ApplicationELB metrics of the load balancer, with the aws-cdk-lib statistics', () => {
    // GIVEN
    const { stack, alb } = sharedStack();
    // WHEN
    const metrics = [
      alb.metricRequestCount(),
      alb.metricHttpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT),
      alb.metricHttpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: Duration.minutes(1) }),
      alb.metricTargetResponseTime(),
    ];
    // THEN
    const fullName = stack.resolve((alb.loadBalancer as elbv2.ApplicationLoadBalancer).loadBalancerFullName);
    expect(metrics.map(m => [m.namespace, m.metricName, m.statistic, m.period.toMinutes(), stack.resolve(m.dimensions)])).toEqual([
      ['AWS/ApplicationELB', 'RequestCount', 'Sum', 5, { LoadBalancer: fullName }],
      ['AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count', 'Sum', 5, { LoadBalancer: fullName }],
      ['AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', 'Sum', 1, { LoadBalancer: fullName }],
      ['AWS/ApplicationELB', 'TargetResponseTime', 'Average', 5, { LoadBalancer: fullName }],
    ]);
  });

  test('imported: the dimension is the full name from the ARN, and alarms can use the metrics', () => {
    // GIVEN
    const { stack, alb } = importedStack();
    // WHEN
    alb.metricHttpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT).createAlarm(stack, 'Elb5xx', { threshold: 1, evaluationPeriods: 1 });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'HTTPCode_ELB_5XX_Count',
      Dimensions: [{ Name: 'LoadBalancer', Value: 'app/shop/50dc6c495c0c9188' }],
    });
  });

  test('connections of a created load balancer: its security group takes ingress rules', () => {
    // GIVEN
    const { stack, alb } = sharedStack();
    // WHEN
    alb.connections.allowFrom(ec2.Peer.ipv4('192.0.2.0/24'), ec2.Port.tcp(8443), 'Admin port from the office');
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: Match.arrayWith([Match.objectLike({ CidrIp: '192.0.2.0/24', FromPort: 8443, Description: 'Admin port from the office' })]),
    });
    expect(alb.connections.securityGroups).toEqual([alb.securityGroup]);
  });
});
