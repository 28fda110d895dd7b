import { Annotations, aws_elasticloadbalancingv2 as elbv2 } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { serviceConstructName } from './checks';
import {
  RuleConditions, RuleOverlap, automaticPriority, bandOf, compareRules, freePriority, isAnalyzable, ruleConditions, specificityScore,
} from './listener-priorities';
import { checkTargetConditions } from './load-balancer-checks';
import { PropValidator, isUnresolved } from '../../core/validation';
import type { SharedLoadBalancerTargetOptions } from '../shared-load-balancer-props';

/** A listener rule attached with `addTargetGroup`, as the routing-order check compares it. */
interface AttachedRule {
  /** The rule's construct path. */
  readonly path: string;
  /** The construct that attached it (a service), as messages name it. */
  readonly owner: string;
  readonly priority: number;
  /** Whether the priority was given, rather than derived. */
  readonly explicit: boolean;
  readonly conditions: RuleConditions;
}

/** The condition values of a rule, as an error message shows them. */
function conditionValues(conditions: RuleConditions): string[] {
  return [...conditions.hostHeaders, ...conditions.pathPatterns];
}

/** `host a.example.com, path /api/*`: a rule's conditions for a sentence. */
function describeConditions(conditions: RuleConditions): string {
  const parts: string[] = [];
  if (conditions.hostHeaders.length > 0) parts.push(`host ${conditions.hostHeaders.join(' or ')}`);
  if (conditions.pathPatterns.length > 0) parts.push(`path ${conditions.pathPatterns.join(' or ')}`);
  return parts.join(', ');
}

/**
 * Default quotas of an Application Load Balancer: target groups per load
 * balancer, and rules per load balancer not counting the listeners' default
 * actions. A load balancer is refused beyond them at deploy time.
 */
const MAX_TARGET_GROUPS_PER_LOAD_BALANCER = 100;
const MAX_RULES_PER_LOAD_BALANCER = 100;
/** The last priority of a listener: that of the rule standing in for the default action (see `addTargetGroup`). */
const CATCH_ALL_PRIORITY = 50_000;

/**
 * The target groups and listener rules attached to one listener through a
 * shared load balancer's `addTargetGroup`: their priorities (automatic or
 * given), the order in which overlapping rules are evaluated, and the quotas
 * of an Application Load Balancer.
 *
 * It knows only the rules attached through it: rules the listener has from
 * elsewhere (another app, the console, another import of the same listener)
 * are not checked against.
 */
export class ListenerTargets {
  private defaultTargetPath?: string;
  /** The construct path of the rule holding each priority of the listener. */
  private readonly rulePriorities = new Map<number, string>();
  private readonly attachedRules: AttachedRule[] = [];
  private attachedTargetGroups = 0;
  private rules = 0;

  /**
   * @param loadBalancer the shared load balancer, as messages name it
   * @param listener the listener the rules are added to
   * @param defaultActionFor whether a target group attached without conditions from `scope` can become the
   * listener's default action; otherwise it gets a rule that matches every path at priority 50000
   */
  constructor(
    private readonly loadBalancer: IConstruct,
    private readonly listener: elbv2.IApplicationListener,
    private readonly defaultActionFor: (scope: IConstruct) => boolean,
  ) {}

  /** Attaches a target group (see `ISharedLoadBalancer.addTargetGroup`). */
  public attach(scope: Construct, id: string, options: SharedLoadBalancerTargetOptions): elbv2.ApplicationListenerRule | undefined {
    const validator = new PropValidator(scope, serviceConstructName(scope) ?? 'SharedLoadBalancer.addTargetGroup');
    checkTargetConditions(validator, options);
    const hasConditions = (options.hostHeaders?.length ?? 0) + (options.pathPatterns?.length ?? 0) > 0;
    const spread = 'Spread the services over several load balancers (a FargateWebServiceGroup adds them as needed).';
    if (this.attachedTargetGroups >= MAX_TARGET_GROUPS_PER_LOAD_BALANCER) {
      validator.report('loadBalancer', this.loadBalancer.node.path,
        `The load balancer already has ${this.attachedTargetGroups} target groups, the quota of an Application Load Balancer. ${spread}`);
    } else if (hasConditions && this.rules >= MAX_RULES_PER_LOAD_BALANCER) {
      validator.report('loadBalancer', this.loadBalancer.node.path,
        `The load balancer already has ${this.rules} listener rules, the quota of an Application Load Balancer. ${spread}`);
    }
    if (!hasConditions) {
      if (options.priority !== undefined) {
        validator.report('priority', options.priority,
          'A priority only applies to a listener rule: give hostHeaders or pathPatterns too, or leave priority out to make this the default target.');
      }
      if (this.defaultTargetPath !== undefined) {
        validator.report('hostHeaders/pathPatterns', [],
          `The load balancer ${this.loadBalancer.node.path} already sends unmatched requests to '${this.defaultTargetPath}': ` +
          'give hostHeaders and/or pathPatterns (e.g. pathPatterns: ["/api/*"]) to route only some requests here.');
      }
      const asDefaultAction = this.defaultActionFor(scope);
      const catchAllUser = this.rulePriorities.get(CATCH_ALL_PRIORITY);
      if (catchAllUser !== undefined && !asDefaultAction) {
        validator.report('priority', CATCH_ALL_PRIORITY,
          `'${catchAllUser}' uses priority ${CATCH_ALL_PRIORITY}, which the default target of another stack needs: give it a lower priority.`);
      }
      validator.throwIfInvalid();
      this.defaultTargetPath = scope.node.path;
      this.attachedTargetGroups++;
      if (asDefaultAction) {
        this.listener.addTargetGroups(id, { targetGroups: [options.targetGroup] });
        return undefined;
      }
      // The listener's default action cannot name a target group of another (e.g. nested) stack: that stack
      // already refers to the listener, and the two references would make a circular dependency; an imported
      // listener's default action cannot be changed at all. A rule that matches every path, evaluated last,
      // routes the same requests.
      this.rulePriorities.set(CATCH_ALL_PRIORITY, `${scope.node.path}/${id}`);
      this.rules++;
      return new elbv2.ApplicationListenerRule(scope, id, {
        listener: this.listener,
        priority: CATCH_ALL_PRIORITY,
        conditions: [elbv2.ListenerCondition.pathPatterns(['/*'])],
        targetGroups: [options.targetGroup],
      });
    }

    const conditions = ruleConditions(options.hostHeaders, options.pathPatterns);
    const rulePath = `${scope.node.path}/${id}`;
    const explicit = options.priority !== undefined;
    const priority = options.priority ?? automaticPriority(rulePath, conditions);
    if (!isUnresolved(priority)) {
      const user = this.rulePriorities.get(priority);
      if (user !== undefined) {
        validator.report('priority', explicit ? priority : undefined, explicit
          ? `Priority ${priority} is already used by '${user}' on the listener of ${this.loadBalancer.node.path}: choose another one, or leave priority out to have one chosen.`
          : `The automatic priority of this rule, ${priority} (derived from its construct path '${rulePath}' and the specificity of its ` +
            `conditions), is already used by '${user}' on the listener of ${this.loadBalancer.node.path}. Give the one of the two that is not ` +
            `deployed yet an explicit priority${this.suggestion(priority, conditions)}, so that the deployed one keeps ${priority}; ` +
            'an explicit priority never changes whatever is added or removed later.');
      }
    }
    const rule: AttachedRule = { path: rulePath, owner: scope.node.path, priority, explicit, conditions };
    // Match sets of malformed conditions mean nothing: their problems are reported first.
    if (!validator.hasProblems) this.checkRoutingOrder(validator, scope, rule);
    validator.throwIfInvalid();
    if (!isUnresolved(priority)) this.rulePriorities.set(priority, rulePath);
    this.attachedRules.push(rule);
    this.attachedTargetGroups++;
    this.rules++;

    const listenerConditions: elbv2.ListenerCondition[] = [];
    if (options.hostHeaders?.length) listenerConditions.push(elbv2.ListenerCondition.hostHeaders(options.hostHeaders));
    if (options.pathPatterns?.length) listenerConditions.push(elbv2.ListenerCondition.pathPatterns(options.pathPatterns));
    return new elbv2.ApplicationListenerRule(scope, id, {
      listener: this.listener,
      priority,
      conditions: listenerConditions,
      targetGroups: [options.targetGroup],
    });
  }

  /** How many target groups are attached. */
  public get targetGroupCount(): number {
    return this.attachedTargetGroups;
  }

  /** How many listener rules route to target groups. */
  public get ruleCount(): number {
    return this.rules;
  }

  /** Whether another target group can attach, with a listener rule unless `asDefaultTarget`, within the quotas. */
  public hasRoomFor(asDefaultTarget: boolean): boolean {
    if (this.attachedTargetGroups >= MAX_TARGET_GROUPS_PER_LOAD_BALANCER) return false;
    return asDefaultTarget ? this.defaultTargetPath === undefined : this.rules < MAX_RULES_PER_LOAD_BALANCER;
  }

  /**
   * Checks that the new rule is evaluated in the right order against every
   * rule already attached whose requests overlap its own: a rule whose match
   * set lies within another's must come first (or it never receives a
   * request), two rules matching the same requests are refused, and rules that
   * overlap only partly get a warning when both priorities are automatic.
   */
  private checkRoutingOrder(validator: PropValidator, scope: Construct, rule: AttachedRule): void {
    if (!isAnalyzable(rule.conditions) || isUnresolved(rule.priority)) return;
    for (const other of this.attachedRules) {
      if (!isAnalyzable(other.conditions) || isUnresolved(other.priority)) continue;
      const relation = compareRules(rule.conditions, other.conditions);
      if (relation === RuleOverlap.DISJOINT) continue;
      const self = `'${rule.owner}' (${describeConditions(rule.conditions)})`;
      const them = `'${other.owner}' (${describeConditions(other.conditions)})`;
      if (relation === RuleOverlap.SAME) {
        validator.report('hostHeaders/pathPatterns', conditionValues(rule.conditions),
          `${self} and ${them} match the same requests, so the one evaluated second never receives any: give them different ` +
          'conditions, or attach one service only.');
      } else if (relation === RuleOverlap.FIRST_WITHIN_SECOND && rule.priority > other.priority) {
        validator.report('priority', rule.explicit ? rule.priority : undefined,
          `Every request ${self} matches also matches ${them}, which is evaluated first (priority ${other.priority} < ` +
          `${rule.priority}), so this rule would never receive a request. Give this one an explicit priority below ` +
          `${other.priority}${this.suggestion(other.priority - 1, rule.conditions, 1, other.priority - 1)}.`);
      } else if (relation === RuleOverlap.SECOND_WITHIN_FIRST && other.priority > rule.priority) {
        validator.report('priority', rule.explicit ? rule.priority : undefined,
          `Every request ${them} matches also matches this rule ${self}, which would be evaluated first (priority ${rule.priority} < ` +
          `${other.priority}), so '${other.owner}' would never receive a request. Give this one an explicit priority above ` +
          `${other.priority}${this.suggestion(other.priority + 1, rule.conditions, other.priority + 1, CATCH_ALL_PRIORITY - 1)}.`);
      } else if (relation === RuleOverlap.PARTIAL && !rule.explicit && !other.explicit) {
        const [first, second] = rule.priority < other.priority ? [rule, other] : [other, rule];
        Annotations.of(scope).addWarningV2(`cdk-ecs-kit:${serviceConstructName(scope) ?? 'SharedLoadBalancer'}.overlappingRules`,
          `Some requests match both ${self} and ${them}: they go to '${first.owner}' (automatic priority ${first.priority}, before ` +
          `${second.priority}), though neither rule is more specific than the other. If '${second.owner}' should receive them, ` +
          'give the two services explicit priorities in the order you want (lower is evaluated first).');
      }
    }
  }

  /** `, e.g. N` with a free priority near `near` between `low` and `high` (the rule's band by default), or nothing. */
  private suggestion(near: number, conditions: RuleConditions, low?: number, high?: number): string {
    const band = bandOf(specificityScore(conditions));
    const free = freePriority(new Set(this.rulePriorities.keys()), near, low ?? band.first, high ?? band.last);
    return free === undefined ? '' : ` (e.g. priority: ${free}, which is free)`;
  }
}
