import { App, Stack, aws_elasticloadbalancingv2 as elbv2 } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { IMAGE, testCluster } from './cluster';
import { ComposeApp, ComposeFile, EcsCluster, FargateWebService, FargateWebServiceGroup, SharedLoadBalancer } from '../../src';
import {
  automaticPriority, bandOf, compareRules, ruleConditions, RuleOverlap, specificityScore,
} from '../../src/service/private/listener-priorities';
import { createTestStack, errorOf, expectAcceptedOnlyWhen, expectNoFindings, synthesizeWithValidators } from '../helpers/validators';

/** A web service as the stability tests declare it. */
interface ServiceSpec {
  readonly id: string;
  readonly hostHeaders?: string[];
  readonly pathPatterns?: string[];
  readonly priority?: number;
}

/** Every listener rule's priority in a template, by logical ID. */
function prioritiesOf(template: Template): Record<string, number> {
  const rules = template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule');
  return Object.fromEntries(Object.entries(rules).map(([id, rule]) => [id, rule.Properties.Priority]));
}

/** Synthesizes services behind one SharedLoadBalancer, in the given order, and returns the rules' priorities. */
function sharedLoadBalancerPriorities(specs: ServiceSpec[]): Record<string, number> {
  const stack = new Stack(new App(), 'TestStack');
  const cluster = testCluster(stack);
  const alb = new SharedLoadBalancer(stack, 'Alb', { vpc: cluster.vpc });
  for (const spec of specs) new FargateWebService(stack, spec.id, { cluster, image: IMAGE, loadBalancer: alb, ...spec });
  return prioritiesOf(Template.fromStack(stack));
}

/** The same with a FargateWebServiceGroup (services in nested stacks): priorities by nested stack and logical ID. */
function groupPriorities(specs: ServiceSpec[], servicesPerStack = 30): Record<string, number> {
  const stack = new Stack(new App(), 'TestStack');
  const group = new FargateWebServiceGroup(stack, 'Services', { cluster: testCluster(stack), servicesPerStack });
  for (const spec of specs) group.addService(spec.id, { image: IMAGE, ...spec });
  const priorities: Record<string, number> = {};
  for (const nested of group.stacks) {
    for (const [id, priority] of Object.entries(prioritiesOf(Template.fromStack(nested)))) priorities[`${nested.node.id}/${id}`] = priority;
  }
  return priorities;
}

/** Priorities of the rules present in both syntheses that differ: what must stay empty. */
function movedPriorities(before: Record<string, number>, after: Record<string, number>): string[] {
  return Object.keys(after).filter(id => id in before && before[id] !== after[id]).map(id => `${id}: ${before[id]} -> ${after[id]}`);
}

const SERVICES: ServiceSpec[] = [
  { id: 'Orders', pathPatterns: ['/orders/*'] },
  { id: 'Users', pathPatterns: ['/users/*'] },
  { id: 'Admin', hostHeaders: ['admin.example.com'] },
  { id: 'Search', pathPatterns: ['/search', '/search/*'] },
];

describe('listener rule priorities never move', () => {
  test('removing the first of the services keeps every other rule\'s priority', () => {
    // GIVEN four services behind a shared load balancer
    const before = sharedLoadBalancerPriorities(SERVICES);
    // WHEN the first is removed
    const after = sharedLoadBalancerPriorities(SERVICES.slice(1));
    // THEN
    expect(Object.keys(after)).toHaveLength(3);
    expect(movedPriorities(before, after)).toEqual([]);
  });

  test('adding a service (first or last) and reordering keep every other rule\'s priority', () => {
    const before = sharedLoadBalancerPriorities(SERVICES);
    const added = { id: 'Billing', pathPatterns: ['/billing/*'] };
    for (const after of [
      sharedLoadBalancerPriorities([added, ...SERVICES]),
      sharedLoadBalancerPriorities([...SERVICES, added]),
      sharedLoadBalancerPriorities([...SERVICES].reverse()),
    ]) {
      expect(movedPriorities(before, after)).toEqual([]);
      expect(Object.keys(after).filter(id => id in before)).toHaveLength(4);
    }
  });

  test('in a FargateWebServiceGroup, removing, adding and reordering services keep the others\' priorities', () => {
    const before = groupPriorities(SERVICES);
    for (const after of [
      groupPriorities(SERVICES.slice(1)),
      groupPriorities([{ id: 'Billing', pathPatterns: ['/billing/*'] }, ...SERVICES]),
      groupPriorities([...SERVICES].reverse()),
    ]) {
      expect(movedPriorities(before, after)).toEqual([]);
    }
  });

  test('a service that moves to another nested stack gets another priority: its new rule never waits for the old one\'s', () => {
    // GIVEN two services per nested stack; removing the first moves the third from Services2 to Services1
    const before = groupPriorities(SERVICES, 2);
    const after = groupPriorities(SERVICES.slice(1), 2);
    // THEN the rule of a service in another stack is a new resource, created at a priority no rule of `before` holds
    const created = Object.keys(after).filter(id => !(id in before));
    expect(created.length).toBeGreaterThan(0);
    for (const id of created) expect(Object.values(before)).not.toContain(after[id]);
  });

  test('in a ComposeApp, removing the first web service keeps the others\' priorities', () => {
    const compose = (names: string[]) => {
      const stack = new Stack(new App(), 'TestStack');
      const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'app.internal' });
      const lines = ['services:', ...names.flatMap(name => [`  ${name}:`, '    image: public.ecr.aws/nginx/nginx:1.27', '    ports: ["80"]'])];
      new ComposeApp(stack, 'App', { cluster, composeFile: ComposeFile.fromString(lines.join('\n')) });
      const priorities: Record<string, number> = {};
      for (const s of stack.node.findAll().filter(Stack.isStack)) Object.assign(priorities, prioritiesOf(Template.fromStack(s)));
      return priorities;
    };
    const before = compose(['shop', 'blog', 'docs']);
    const after = compose(['blog', 'docs']);
    expect(Object.keys(before).length).toBeGreaterThanOrEqual(2);
    expect(movedPriorities(before, after)).toEqual([]);
  });

  test('automatic priorities are never multiples of 10: an app upgrading from attach-order priorities (10, 20, …) collides with none', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('/a/*', '/a', '/a/b/*', '/*'), (id, path) => {
      const priority = automaticPriority(`TestStack/${id}/ListenerRule`, ruleConditions([], [path]));
      expect(priority % 10).not.toBe(0);
      expect(priority).toBeGreaterThanOrEqual(1);
      expect(priority).toBeLessThan(50_000);
    }), { numRuns: 200 });
  });

  test('property: any subset of services in any order gives each surviving rule the priority it had with all of them', () => {
    const pool: ServiceSpec[] = [
      ...SERVICES,
      { id: 'Api', pathPatterns: ['/api/*'] },
      { id: 'ApiAdmin', pathPatterns: ['/api/admin/*'] },
      { id: 'Shop', hostHeaders: ['shop.example.com'], pathPatterns: ['/cart/*'] },
      { id: 'Pinned', pathPatterns: ['/pinned/*'], priority: 7 },
    ];
    const all = sharedLoadBalancerPriorities(pool);
    fc.assert(fc.property(fc.shuffledSubarray(pool), (subset) => {
      expect(movedPriorities(all, sharedLoadBalancerPriorities(subset))).toEqual([]);
    }), { numRuns: 15 });
  });
});

describe('routing order follows specificity', () => {
  test('a nested path is evaluated before the path that contains it, whatever the attach order', () => {
    for (const order of [['Api', 'ApiAdmin'], ['ApiAdmin', 'Api']]) {
      const specs = order.map(id => ({ id, pathPatterns: [id === 'Api' ? '/api/*' : '/api/admin/*'] }));
      const priorities = sharedLoadBalancerPriorities(specs);
      const of = (id: string) => Object.entries(priorities).find(([logicalId]) => logicalId.startsWith(id + 'ListenerRule'))![1];
      expect(of('ApiAdmin')).toBeLessThan(of('Api'));
    }
  });

  test.each([
    ['an exact host before a wildcard host', [[], ['api.example.com']], [[], ['*.example.com']]],
    ['a host and path before the same host alone', [['/v2/*'], ['api.example.com']], [[], ['api.example.com']]],
    ['a host and path before the same path alone', [['/v2/*'], ['api.example.com']], [['/v2/*'], []]],
    ['an exact path before its wildcard', [['/health'], []], [['/*'], []]],
    ['a deeper path before a shallower one', [['/a/b/c/*'], []], [['/a/*'], []]],
  ])('%s', (_, [innerPaths, innerHosts], [outerPaths, outerHosts]) => {
    const inner = ruleConditions(innerHosts, innerPaths);
    const outer = ruleConditions(outerHosts, outerPaths);
    expect(compareRules(inner, outer)).toBe(RuleOverlap.FIRST_WITHIN_SECOND);
    expect(specificityScore(inner)).toBeGreaterThan(specificityScore(outer));
    // Every priority of the inner rule's band comes before every one of the outer rule's.
    expect(bandOf(specificityScore(inner)).last).toBeLessThan(bandOf(specificityScore(outer)).first);
  });

  test('property: when one rule\'s requests lie within another\'s, its specificity is never lower', () => {
    const segment = fc.constantFrom('a', 'b', 'ab', '*', '?', 'a*', '');
    const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map(parts => '/' + parts.join('/'));
    const host = fc.array(fc.constantFrom('a', 'b', '*', 'a?', 'example'), { minLength: 1, maxLength: 3 }).map(labels => labels.join('.') + '.com');
    const conditions = fc.record({
      hosts: fc.array(host, { maxLength: 2 }),
      paths: fc.array(path, { maxLength: 2 }),
    }).map(c => ruleConditions(c.hosts, c.paths));
    fc.assert(fc.property(conditions, conditions, (a, b) => {
      const relation = compareRules(a, b);
      if (relation === RuleOverlap.FIRST_WITHIN_SECOND) expect(specificityScore(a)).toBeGreaterThanOrEqual(specificityScore(b));
      if (relation === RuleOverlap.SECOND_WITHIN_FIRST) expect(specificityScore(b)).toBeGreaterThanOrEqual(specificityScore(a));
    }), { numRuns: 500 });
  });

  test('rules that overlap without one containing the other get a warning naming both services and the fix', () => {
    // GIVEN a host rule and a path rule: a request to api.example.com/api/x matches both
    const stack = createTestStack();
    const cluster = testCluster(stack);
    const alb = new SharedLoadBalancer(stack, 'Alb', { vpc: cluster.vpc });
    new FargateWebService(stack, 'ByHost', { cluster, image: IMAGE, loadBalancer: alb, hostHeaders: ['api.example.com'] });
    // WHEN
    new FargateWebService(stack, 'ByPath', { cluster, image: IMAGE, loadBalancer: alb, pathPatterns: ['/api/*'] });
    // THEN
    Annotations.fromStack(stack).hasWarning('/TestStack/ByPath', Match.stringLikeRegexp(
      'Some requests match both \'TestStack/ByPath\' \\(path /api/\\*\\) and \'TestStack/ByHost\' \\(host api.example.com\\).*' +
      'give the two services explicit priorities.*cdk-ecs-kit:FargateWebService.overlappingRules'));
  });

  test('explicit priorities choose between partly overlapping rules without a warning', () => {
    const stack = createTestStack();
    const cluster = testCluster(stack);
    const alb = new SharedLoadBalancer(stack, 'Alb', { vpc: cluster.vpc });
    new FargateWebService(stack, 'ByHost', { cluster, image: IMAGE, loadBalancer: alb, hostHeaders: ['api.example.com'], priority: 1 });
    new FargateWebService(stack, 'ByPath', { cluster, image: IMAGE, loadBalancer: alb, pathPatterns: ['/api/*'], priority: 2 });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('overlappingRules'));
  });

  test('fails when two services match the same requests', () => {
    const stack = createTestStack();
    const cluster = testCluster(stack);
    const alb = new SharedLoadBalancer(stack, 'Alb', { vpc: cluster.vpc });
    new FargateWebService(stack, 'First', { cluster, image: IMAGE, loadBalancer: alb, pathPatterns: ['/api/*'] });
    const error = errorOf(() => new FargateWebService(stack, 'Second', { cluster, image: IMAGE, loadBalancer: alb, pathPatterns: ['/api/**'] }));
    expect(error.message).toMatch(/'TestStack\/Second' \(path \/api\/\*\*\) and 'TestStack\/First' \(path \/api\/\*\) match the same requests/);
  });

  test('fails when an explicit priority puts a rule after one that contains it, and says which priority to use', () => {
    const stack = createTestStack();
    const cluster = testCluster(stack);
    const alb = new SharedLoadBalancer(stack, 'Alb', { vpc: cluster.vpc });
    new FargateWebService(stack, 'Api', { cluster, image: IMAGE, loadBalancer: alb, pathPatterns: ['/api/*'], priority: 100 });
    const error = errorOf(() => new FargateWebService(stack, 'Admin', {
      cluster, image: IMAGE, loadBalancer: alb, pathPatterns: ['/api/admin/*'], priority: 200,
    }));
    expect(error.constructPath).toBe('TestStack/Admin');
    expect(error.message).toMatch(/priority: received 200\. Every request 'TestStack\/Admin' \(path \/api\/admin\/\*\) matches also matches 'TestStack\/Api' \(path \/api\/\*\), which is evaluated first \(priority 100 < 200\).*explicit priority below 100 \(e\.g\. priority: 99, which is free\)/);
  });

  test('fails when a rule would shadow a more specific one attached before it', () => {
    const stack = createTestStack();
    const cluster = testCluster(stack);
    const alb = new SharedLoadBalancer(stack, 'Alb', { vpc: cluster.vpc });
    new FargateWebService(stack, 'Admin', { cluster, image: IMAGE, loadBalancer: alb, pathPatterns: ['/api/admin/*'], priority: 300 });
    const error = errorOf(() => new FargateWebService(stack, 'Api', { cluster, image: IMAGE, loadBalancer: alb, pathPatterns: ['/api/*'], priority: 10 }));
    expect(error.message).toMatch(/'TestStack\/Admin' would never receive a request\. Give this one an explicit priority above 300 \(e\.g\. priority: 301/);
  });

  test('fails when two automatic priorities collide, naming both rules and a free priority; that priority then works', () => {
    // GIVEN two ids whose rules hash to the same automatic priority
    const conditions = (i: number) => ruleConditions([], [`/s${i}/*`]);
    const seen = new Map<number, number>();
    let pair: [number, number] | undefined;
    for (let i = 0; !pair; i++) {
      const priority = automaticPriority(`TestStack/S${i}/ListenerRule`, conditions(i));
      if (seen.has(priority)) pair = [seen.get(priority)!, i];
      seen.set(priority, i);
    }
    const [first, second] = pair;
    const stack = createTestStack();
    const cluster = testCluster(stack);
    const alb = new SharedLoadBalancer(stack, 'Alb', { vpc: cluster.vpc });
    new FargateWebService(stack, `S${first}`, { cluster, image: IMAGE, loadBalancer: alb, pathPatterns: [`/s${first}/*`] });
    // WHEN / THEN
    const error = errorOf(() => new FargateWebService(stack, `S${second}`, { cluster, image: IMAGE, loadBalancer: alb, pathPatterns: [`/s${second}/*`] }));
    const suggested = Number(/e\.g\. priority: (\d+), which is free/.exec(error.message)![1]);
    expect(error.message).toContain(`is already used by 'TestStack/S${first}/ListenerRule'`);
    expect(error.message).toContain('Give the one of the two that is not deployed yet an explicit priority');
    const retry = createTestStack();
    const retryCluster = testCluster(retry);
    const retryAlb = new SharedLoadBalancer(retry, 'Alb', { vpc: retryCluster.vpc });
    new FargateWebService(retry, `S${first}`, { cluster: retryCluster, image: IMAGE, loadBalancer: retryAlb, pathPatterns: [`/s${first}/*`] });
    new FargateWebService(retry, `S${second}`, {
      cluster: retryCluster, image: IMAGE, loadBalancer: retryAlb, pathPatterns: [`/s${second}/*`], priority: suggested,
    });
    expectNoFindings(synthesizeWithValidators(retry.node.root as App).findings);
  });
});

describe('listener conditions AWS would refuse', () => {
  // One stack and VPC for every attempt (a cluster per attempt would make the property test slow): each gets its own load balancer.
  const stack = new Stack(new App(), 'TestStack');
  const cluster = testCluster(stack);
  let attempts = 0;
  function attach(options: { hostHeaders?: string[]; pathPatterns?: string[] }) {
    const scope = new Stack(stack.node.root as App, `Attempt${++attempts}`);
    const alb = new SharedLoadBalancer(scope, 'Alb', { vpc: cluster.vpc });
    const targetGroup = new elbv2.ApplicationTargetGroup(scope, 'Tg', { vpc: cluster.vpc, port: 80, targetType: elbv2.TargetType.IP });
    return alb.addTargetGroup(scope, 'Rule', { targetGroup, ...options });
  }

  test.each([
    ['localhost', /hostHeaders: received "localhost"\. A load balancer host condition needs at least one "\." and only letters after the last one/],
    ['api.v2', /hostHeaders: received "api\.v2"\. A load balancer host condition needs/],
    ['example.*', /hostHeaders: received "example\.\*"/],
    ['*', /hostHeaders: received "\*"\. .*leave hostHeaders out to match any host/],
  ])('fails when a host header is %s', (host, message) => {
    expect(() => attach({ hostHeaders: [host] })).toThrow(message);
  });

  test('accepts wildcard and mixed-case host names with letters after the last dot', () => {
    expect(attach({ hostHeaders: ['*.example.com', 'API.Example.COM'] })).toBeInstanceOf(elbv2.ApplicationListenerRule);
  });

  test('fails past 5 wildcards in one rule', () => {
    expect(() => attach({ hostHeaders: ['*.example.com'], pathPatterns: ['/a/*/b/*', '/c/?/?/*'] }))
      .toThrow(/A listener rule may use at most 5 wildcards .* and these have 6/);
    expect(attach({ hostHeaders: ['*.example.com'], pathPatterns: ['/a/*/b/*', '/c/?/*'] })).toBeInstanceOf(elbv2.ApplicationListenerRule);
  });

  test('fails when a host header or path pattern is repeated, or a condition has more than 3 values', () => {
    expect(() => attach({ pathPatterns: ['/a/*', '/a/*'] })).toThrow(/pathPatterns: received \["\/a\/\*"\]\. Each value can appear once/);
    expect(() => attach({ hostHeaders: ['a.example.com', 'A.example.com'] })).toThrow(/hostHeaders: received \["a\.example\.com"\]\. Each value can appear once \(host names compare case-insensitively\)/);
    expect(() => attach({ pathPatterns: ['/a', '/b', '/c', '/d'] })).toThrow(/A listener rule condition matches at most 3 values/);
  });

  test('property: any host headers and path patterns attach to a valid rule or fail with our error', () => {
    const char = fc.constantFrom('a', 'Z', '0', '.', '-', '*', '?', '/', ' ', '_', 'é');
    const value = fc.array(char, { minLength: 0, maxLength: 12 }).map(chars => chars.join(''));
    fc.assert(fc.property(fc.array(value, { maxLength: 4 }), fc.array(value.map(v => '/' + v), { maxLength: 4 }), (hostHeaders, pathPatterns) => {
      const valid = hostHeaders.length <= 3 && pathPatterns.length <= 3 && hostHeaders.length + pathPatterns.length <= 5
        && new Set(hostHeaders.map(h => h.toLowerCase())).size === hostHeaders.length && new Set(pathPatterns).size === pathPatterns.length
        && hostHeaders.every(h => /^[A-Za-z0-9*?.-]{1,128}$/.test(h) && /\.[A-Za-z]+$/.test(h))
        && pathPatterns.every(p => /^\/[A-Za-z0-9_\-.$/~"'@:+&*?]{0,127}$/.test(p))
        && [...hostHeaders, ...pathPatterns].join('').replace(/[^*?]/g, '').length <= 5;
      expectAcceptedOnlyWhen(valid, () => attach({ hostHeaders, pathPatterns }));
    }), { numRuns: 150 });
  });
});
