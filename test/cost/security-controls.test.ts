import * as fs from 'fs';
import {
  App, Stack, Validations, aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2, aws_kms as kms, aws_logs as logs, aws_s3 as s3, aws_wafv2 as wafv2,
} from 'aws-cdk-lib';
import { EcsCluster, MonthlyCostReport } from '../../src';
import { StackCostEstimate, estimateMonthlyCost, formatCostTable, withNestedEstimates } from '../../src/cost/estimate';

/** What the hardened profile's controls cost, priced from the template whatever construct created them. */

const REQUESTS_NOTE = 'AWS WAF also charges $0.60 per million requests its web ACLs inspect (usage-based, not priced).';
const ACL_ARN = 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/shared/0f1e2d3c';

function lines(estimate: StackCostEstimate): [string, string, number][] {
  return estimate.items.map(i => [i.logicalId, i.description, i.monthlyUsd]);
}

describe('AWS WAF web ACLs', () => {
  test('a web ACL given by its ARN costs $5 a month once per distinct ARN; its rules are unknown; requests are usage', () => {
    // GIVEN three associations: two share one web ACL, the third has its own
    const association = (arn: unknown) => ({ Type: 'AWS::WAFv2::WebACLAssociation', Properties: { ResourceArn: { Ref: 'Alb' }, WebACLArn: arn } });
    const template = {
      Resources: {
        Web: association(ACL_ARN),
        Api: association(ACL_ARN),
        Admin: association({ 'Fn::ImportValue': 'AdminAcl' }),
      },
    };
    // WHEN
    const estimate = estimateMonthlyCost(template, 'S', 'us-east-1');
    // THEN
    expect(lines(estimate)).toEqual([
      ['Web', `AWS WAF web ACL "${ACL_ARN}" (given by its ARN: its rules, $1.00 a month each, not priced; ` +
        'paid once however many resources and stacks share it)', 5],
      ['Admin', 'AWS WAF web ACL {"Fn::ImportValue":"AdminAcl"} (given by its ARN: its rules, $1.00 a month each, not priced; ' +
        'paid once however many resources and stacks share it)', 5],
    ]);
    expect(estimate.monthlyUsd).toBe(10);
    expect(estimate.notes).toEqual([REQUESTS_NOTE]);
  });

  test('a web ACL of the template costs $5 and $1 a rule, once, whatever associates it; paid managed rule groups are noted', () => {
    // GIVEN a web ACL with 3 rules (one is Bot Control), associated with two load balancers
    const managed = (name: string) => ({ Name: name, Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: name } } });
    const template = {
      Resources: {
        Acl: {
          Type: 'AWS::WAFv2::WebACL',
          Properties: {
            Scope: 'REGIONAL',
            DefaultAction: { Allow: {} },
            Rules: [managed('AWSManagedRulesCommonRuleSet'), managed('AWSManagedRulesBotControlRuleSet'), { Name: 'rate', Statement: { RateBasedStatement: { Limit: 100 } } }],
          },
        },
        Web: { Type: 'AWS::WAFv2::WebACLAssociation', Properties: { ResourceArn: { Ref: 'Alb' }, WebACLArn: { 'Fn::GetAtt': ['Acl', 'Arn'] } } },
        Api: { Type: 'AWS::WAFv2::WebACLAssociation', Properties: { ResourceArn: { Ref: 'Alb2' }, WebACLArn: { 'Fn::GetAtt': ['Acl', 'Arn'] } } },
        NoRules: { Type: 'AWS::WAFv2::WebACL', Properties: { Scope: 'REGIONAL', DefaultAction: { Block: {} } } },
      },
    };
    // WHEN
    const estimate = estimateMonthlyCost(template, 'S', 'us-east-1');
    // THEN 5 + 3 × 1, and 5 for the web ACL without rules
    expect(lines(estimate)).toEqual([
      ['Acl', 'AWS WAF web ACL with 3 rule(s)', 8],
      ['NoRules', 'AWS WAF web ACL with 0 rule(s)', 5],
    ]);
    expect(estimate.notes).toEqual([
      'Acl uses AWSManagedRulesBotControlRuleSet: these AWS Managed Rules add a subscription fee and per-request charges, not priced.',
      REQUESTS_NOTE,
    ]);
  });

  test('rules, properties or an ARN that are not literals are noted; the web ACL itself is still priced', () => {
    const estimate = estimateMonthlyCost({
      Resources: {
        RulesIf: { Type: 'AWS::WAFv2::WebACL', Properties: { Rules: { 'Fn::If': ['Strict', [{ Name: 'a' }], []] } } },
        PropsIf: { Type: 'AWS::WAFv2::WebACL', Properties: { 'Fn::If': ['C', {}, {}] } },
        NoArn: { Type: 'AWS::WAFv2::WebACLAssociation', Properties: { ResourceArn: 'x' } },
        AssocIf: { Type: 'AWS::WAFv2::WebACLAssociation', Properties: { 'Fn::If': ['C', {}, {}] } },
      },
    }, 'S', 'us-east-1');
    expect(lines(estimate)).toEqual([
      ['RulesIf', 'AWS WAF web ACL (its rules not priced)', 5],
      ['PropsIf', 'AWS WAF web ACL (its rules not priced)', 5],
    ]);
    expect(estimate.notes).toEqual([
      'RulesIf: Rules not known at synthesis ({"Fn::If":["Strict",[{"Name":"a"}],[]]}): its rules ($1.00 a month each) are not priced.',
      'PropsIf: its Properties not known at synthesis ({"Fn::If":["C",{},{}]}): its rules ($1.00 a month each) are not priced.',
      'NoArn: WebACLArn missing: its web ACL is not priced.',
      'AssocIf: its Properties not known at synthesis ({"Fn::If":["C",{},{}]}): the AWS::WAFv2::WebACLAssociation is not priced.',
      REQUESTS_NOTE,
    ]);
  });
});

describe('EC2 detailed monitoring', () => {
  const launchTemplate = (monitoring: unknown) => ({
    Type: 'AWS::EC2::LaunchTemplate',
    Properties: { LaunchTemplateData: { InstanceType: 't3.small', ...monitoring === undefined ? {} : { Monitoring: { Enabled: monitoring } } } },
  });
  const group = (lt: string, minSize: string) =>
    ({ Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: minSize, MaxSize: '10', LaunchTemplate: { LaunchTemplateId: { Ref: lt } } } });

  test('costs $2.10 per instance the group keeps running (7 metrics × $0.30); off, absent or no instances: nothing', () => {
    // GIVEN groups of 2 and 0 instances with detailed monitoring, and groups without it
    const estimate = estimateMonthlyCost({
      Resources: {
        Monitored: launchTemplate(true),
        MonitoredText: launchTemplate('true'),
        Basic: launchTemplate(false),
        Default: launchTemplate(undefined),
        Two: group('Monitored', '2'),
        One: group('MonitoredText', '1'),
        Idle: group('Monitored', '0'),
        Off: group('Basic', '1'),
        Unset: group('Default', '1'),
      },
    }, 'S', 'us-east-1');
    // THEN 2 × 0.0208 × 730 = 30.37 and 2 × 2.10; 1 × t3.small = 15.18 and 2.10
    expect(lines(estimate)).toEqual([
      ['Two', '2 × t3.small (minimum capacity)', 30.37],
      ['Two', 'EC2 detailed monitoring of 2 instance(s) (7 metrics × $0.30 each)', 4.2],
      ['One', '1 × t3.small (minimum capacity)', 15.18],
      ['One', 'EC2 detailed monitoring of 1 instance(s) (7 metrics × $0.30 each)', 2.1],
      ['Off', '1 × t3.small (minimum capacity)', 15.18],
      ['Unset', '1 × t3.small (minimum capacity)', 15.18],
    ]);
    expect(estimate.notes).toEqual([]);
  });

  test('the instances for minimum tasks carry their basis to the monitoring line; a setting that is not a literal is noted', () => {
    // GIVEN a group of MinSize 0 whose one service keeps 3 tasks of 1 vCPU on t3.small (2 vCPU): 2 instances
    const estimate = estimateMonthlyCost({
      Resources: {
        Lt: launchTemplate(true),
        Asg: group('Lt', '0'),
        Provider: { Type: 'AWS::ECS::CapacityProvider', Properties: { AutoScalingGroupProvider: { AutoScalingGroupArn: { Ref: 'Asg' } } } },
        Td: { Type: 'AWS::ECS::TaskDefinition', Properties: { NetworkMode: 'awsvpc', Cpu: '1024', Memory: '512' } },
        Service: {
          Type: 'AWS::ECS::Service',
          Properties: { CapacityProviderStrategy: [{ CapacityProvider: { Ref: 'Provider' }, Weight: 1 }], TaskDefinition: { Ref: 'Td' }, DesiredCount: 3 },
        },
        LtIf: launchTemplate({ 'Fn::If': ['Prod', true, false] }),
        Maybe: group('LtIf', '1'),
      },
    }, 'S', 'us-east-1');
    const monitoring = estimate.items.find(i => i.logicalId === 'Asg' && i.description.startsWith('EC2 detailed monitoring'));
    expect(monitoring).toEqual({
      logicalId: 'Asg',
      resourceType: 'AWS::AutoScaling::AutoScalingGroup',
      description: 'EC2 detailed monitoring of 2 instance(s) (7 metrics × $0.30 each, instances for minimum tasks)',
      monthlyUsd: 4.2,
      basis: 'instances for minimum tasks',
    });
    expect(formatCostTable(estimate)).toContain('$    4.20  EC2 detailed monitoring of 2 instance(s) (7 metrics × $0.30 each, instances for minimum tasks)  [Asg] *');
    expect(estimate.notes).toEqual([
      'Maybe: the detailed monitoring of its launch template not known at synthesis ({"Fn::If":["Prod",true,false]}): if it is on, it adds $2.10 a month.',
    ]);
  });
});

describe('usage the profile adds: notes, no figure', () => {
  test('log groups kept a year or more are named with the storage they multiply; shorter or unknown retentions are not', () => {
    const logGroup = (days: unknown) => ({ Type: 'AWS::Logs::LogGroup', Properties: days === undefined ? {} : { RetentionInDays: days } });
    const estimate = estimateMonthlyCost({
      Resources: {
        Month: logGroup(30),
        Forever: logGroup(undefined),
        ByRef: logGroup({ Ref: 'Days' }),
        Decade: logGroup(3653),
        ...Object.fromEntries(['A', 'B', 'C', 'D', 'E', 'F'].map(id => [id, logGroup(365)])),
      },
    }, 'S', 'us-east-1');
    expect(estimate.items).toEqual([]);
    expect(estimate.notes).toEqual([
      '6 log group(s) keep their events 365 days (A, B, C, D, E and 1 more): CloudWatch Logs storage, $0.03 per GB-month, ' +
      'is usage-based and not priced, but they hold about 12× the logs of one month (a 30-day retention holds 1×).',
      '1 log group(s) keep their events 3653 days (Decade): CloudWatch Logs storage, $0.03 per GB-month, ' +
      'is usage-based and not priced, but they hold about 120× the logs of one month (a 30-day retention holds 1×).',
    ]);
  });

  test('a bucket that receives the server access logs of another bucket of the template is noted; a bucket outside it is not', () => {
    const estimate = estimateMonthlyCost({
      Resources: {
        AccessLogs: { Type: 'AWS::S3::Bucket', Properties: { LoggingConfiguration: { DestinationBucketName: { Ref: 'ServerAccessLogs' } } } },
        ServerAccessLogs: { Type: 'AWS::S3::Bucket', Properties: {} },
        External: { Type: 'AWS::S3::Bucket', Properties: { LoggingConfiguration: { DestinationBucketName: 'their-log-bucket' } } },
      },
    }, 'S', 'us-east-1');
    expect(estimate.items).toEqual([]);
    expect(estimate.notes).toEqual([
      'AccessLogs writes its server access logs to the bucket ServerAccessLogs: S3 storage ($0.023 per GB-month, S3 Standard) ' +
      'and requests are usage-based, not priced.',
    ]);
  });
});

describe('MonthlyCostReport prices the hardened profile\'s controls from plain aws-cdk-lib resources', () => {
  /** Synthesizes a kit cluster with 2 t3.small instances and an ALB; `harden` adds the controls. */
  function report(harden: boolean): StackCostEstimate {
    const outdir = fs.mkdtempSync('/tmp/cost-');
    const app = new App({ outdir });
    Validations.of(app).addPlugins(new MonthlyCostReport({ print: false }));
    const stack = new Stack(app, 'Hardened', { env: { account: '123456789012', region: 'us-east-1' } });
    const cluster = new EcsCluster(stack, 'Cluster', { natGateways: 0 });
    const capacity = cluster.addEc2Capacity('Instances', {
      instanceTypes: [new ec2.InstanceType('t3.small')],
      minCapacity: 2,
      maxCapacity: 4,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    });
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc: cluster.vpc, internetFacing: true });
    if (harden) {
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: key });
      new wafv2.CfnWebACLAssociation(stack, 'WebAcl', { resourceArn: alb.loadBalancerArn, webAclArn: ACL_ARN });
      (capacity.launchTemplate.node.defaultChild as ec2.CfnLaunchTemplate).addPropertyOverride('LaunchTemplateData.Monitoring.Enabled', true);
      const serverAccessLogs = new s3.Bucket(stack, 'ServerAccessLogs');
      new s3.Bucket(stack, 'AccessLogs', { serverAccessLogsBucket: serverAccessLogs, versioned: true });
    }
    app.synth();
    return JSON.parse(fs.readFileSync(`${outdir}/Hardened.cost.json`, 'utf-8'));
  }

  test('KMS key $1, WAF web ACL $5, detailed monitoring 2 × $2.10: $10.20 a month more; retention and log bucket noted', () => {
    // GIVEN the same stack without and with the controls
    const plain = report(false);
    // WHEN
    const hardened = report(true);
    // THEN the plain stack's lines are all there, unchanged, and the controls add theirs
    const added = hardened.items.filter(item => !plain.items.some(p => JSON.stringify(p) === JSON.stringify(item)));
    expect(hardened.items.length - added.length).toBe(plain.items.length);
    expect(added.map(i => [i.resourceType, i.description, i.monthlyUsd])).toEqual([
      ['AWS::AutoScaling::AutoScalingGroup', 'EC2 detailed monitoring of 2 instance(s) (7 metrics × $0.30 each)', 4.2],
      ['AWS::KMS::Key', 'KMS customer managed key', 1],
      ['AWS::WAFv2::WebACLAssociation', expect.stringMatching(/^AWS WAF web ACL "arn:aws:wafv2:.*\/shared\/0f1e2d3c" \(given by its ARN/), 5],
    ]);
    expect(Math.round((hardened.monthlyUsd - plain.monthlyUsd) * 100) / 100).toBe(10.2);
    const newNotes = hardened.notes.filter(note => !plain.notes.includes(note));
    expect(newNotes).toEqual([
      expect.stringMatching(/rotates yearly/),
      REQUESTS_NOTE,
      expect.stringMatching(/^1 log group\(s\) keep their events 365 days \(Logs[0-9A-F]{8}\): .* about 12× the logs of one month/),
      expect.stringMatching(/^AccessLogs[0-9A-F]{8} writes its server access logs to the bucket ServerAccessLogs[0-9A-F]{8}: S3 storage/),
    ]);
  });
});

describe('a web ACL shared by nested stacks', () => {
  test('is priced once when its literal ARN is the same; an ARN from a parameter is priced in each stack', () => {
    // GIVEN the parent and two nested stacks associating the same literal ARN, and a nested one with a parameter
    const association = (arn: unknown) => ({
      Resources: { Waf: { Type: 'AWS::WAFv2::WebACLAssociation', Properties: { ResourceArn: { Ref: 'Alb' }, WebACLArn: arn } } },
    });
    const parent = estimateMonthlyCost(association(ACL_ARN), 'Parent', 'us-east-1');
    // WHEN
    const estimate = withNestedEstimates(parent, {
      A: estimateMonthlyCost(association(ACL_ARN), 'A', 'us-east-1'),
      B: estimateMonthlyCost(association(ACL_ARN), 'B', 'us-east-1'),
      C: estimateMonthlyCost(association({ Ref: 'WebAclArn' }), 'C', 'us-east-1'),
    });
    // THEN
    expect(estimate.items.map(i => i.logicalId)).toEqual(['Waf', 'C/Waf']);
    expect(estimate.monthlyUsd).toBe(10);
    expect(estimate.notes).toEqual([REQUESTS_NOTE]);
  });
});
