import { Aws, RemovalPolicy, Stack, aws_iam as iam, aws_kms as kms, aws_logs as logs } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PropValidator, enumMemberName, isUnresolved } from './validation';

// The hardened profile is read from the construct tree at construction time,
// the way a feature flag is: `Hardening.enable(scope)` (or the context key in
// cdk.json / `cdk synth -c`) covers every kit construct created under `scope`
// afterwards. Not an aspect: aspects run after construction, when the kit's
// log groups, keys, buckets and volumes already exist and the cost report has
// been planned; an aspect could only patch L1 properties, and constructs added
// by aspects are not visited by other aspects. Not a props object passed to
// every construct: the profile must be one line for a whole app.

/**
 * What the hardened profile uses besides its fixed choices.
 */
export interface HardeningOptions {
  /**
   * The customer managed KMS key of the log groups, topics, file systems and
   * secrets of the kit's constructs under the scope. The kit adds what those
   * services need to the policy of a key created in the app; the policy of an
   * imported key must already let CloudWatch Logs (`logs.<region>.amazonaws.com`),
   * CloudWatch alarms (`cloudwatch.amazonaws.com`) and S3 server access log
   * delivery (`logging.s3.amazonaws.com`) use it.
   *
   * @default - one key per stack, created by the kit (with yearly rotation, retained when the stack is deleted)
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * How long the log groups the kit creates keep their events, when a
   * construct's own retention prop is not given: at least a year.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The ARN of an AWS WAF web ACL (regional scope) associated with every
   * Application Load Balancer the kit creates under the scope.
   *
   * @default - no web ACL (a construct's own `webAclArn` prop still applies)
   */
  readonly webAclArn?: string;
}

/**
 * The kit's hardened profile: one line turns it on for every kit construct in
 * a scope, e.g. `Hardening.enable(app)` before the stacks are created, or
 * `"cdk-ecs-kit:hardened": true` in cdk.json's context.
 *
 * Under the profile the kit's constructs encrypt their log groups, topics,
 * file systems and secrets with a customer managed KMS key, keep logs for a
 * year, version and log their access-log buckets, protect their load
 * balancers from deletion and drop invalid header fields, run containers as a
 * non-root user with a read-only root file system, and turn on EC2 detailed
 * monitoring. Each of these is also a prop of the construct, which wins over
 * the profile; README's "Hardened profile" section lists them and their cost.
 */
export class Hardening {
  /**
   * The context key that turns the profile on: `true` (e.g. in cdk.json, or
   * `cdk synth -c cdk-ecs-kit:hardened=true`), or in cdk.json an object with
   * the options that are plain values: `{ "webAclArn": "arn:…", "logRetention": 731 }`.
   */
  public static readonly CONTEXT_KEY = 'cdk-ecs-kit:hardened';

  /**
   * Turns the hardened profile on for every kit construct created under
   * `scope` from now on. Call it before creating them: a kit construct that
   * already exists under `scope` is an error.
   */
  public static enable(scope: IConstruct, options: HardeningOptions = {}): void {
    const validator = new PropValidator(scope, 'Hardening');
    const early = scope.node.findAll().find(construct => profileReaders.has(construct));
    if (early) {
      validator.report('Hardening.enable(scope)', scope.node.path || '(the app)',
        `The kit construct ${early.node.path} was created before the profile was enabled, and keeps the default profile: ` +
        'call Hardening.enable(scope) before creating the constructs it should cover.');
    }
    checkRetention(validator, 'logRetention', options.logRetention);
    validator.throwIfInvalid();
    enabledScopes.set(scope, options);
  }

  /** Whether the hardened profile covers kit constructs created under `scope`. */
  public static isEnabled(scope: IConstruct): boolean {
    return findProfile(scope) !== undefined;
  }

  private constructor() {}
}

/** The profile's retention: one CloudWatch Logs accepts, finite, at least a year. */
function checkRetention(validator: PropValidator, prop: string, retention: unknown): void {
  if (retention === undefined || isUnresolved(retention)) return;
  const valid = typeof retention === 'number' && enumMemberName(logs.RetentionDays, retention) !== undefined
    && retention >= logs.RetentionDays.ONE_YEAR && retention !== logs.RetentionDays.INFINITE;
  validator.check(prop, retention, valid,
    'The hardened profile keeps logs for at least a year, and logs must expire: use one of logs.RetentionDays from ' +
    'ONE_YEAR (365) to TEN_YEARS (3653), e.g. 731 (give a shorter retention to one construct\'s own prop instead).');
}

const enabledScopes = new WeakMap<IConstruct, HardeningOptions>();
/** Constructs that asked for the profile: enabling it above them afterwards would be silently ignored. */
const profileReaders = new WeakSet<IConstruct>();

function findProfile(scope: IConstruct): HardeningOptions | undefined {
  for (const construct of [...scope.node.scopes].reverse()) {
    const options = enabledScopes.get(construct);
    if (options) return options;
  }
  const context = scope.node.tryGetContext(Hardening.CONTEXT_KEY);
  if (context === true || context === 'true') return {};
  if (typeof context === 'object' && context !== null && !Array.isArray(context)) {
    // The JSON form (cdk.json): the options that are plain values.
    const validator = new PropValidator(scope, 'Hardening');
    checkRetention(validator, `context "${Hardening.CONTEXT_KEY}".logRetention`, context.logRetention);
    validator.check(`context "${Hardening.CONTEXT_KEY}".webAclArn`, context.webAclArn,
      context.webAclArn === undefined || typeof context.webAclArn === 'string',
      'Give the ARN of a regional AWS WAF web ACL, e.g. "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/my-acl/…".');
    validator.throwIfInvalid();
    return { webAclArn: context.webAclArn, logRetention: context.logRetention };
  }
  return undefined;
}

/** The hardened profile as a kit construct applies it. */
export interface HardenedProfile {
  /** At least a year. */
  readonly logRetention: logs.RetentionDays;
  /** The web ACL of every ALB, when one is given. */
  readonly webAclArn?: string;
  /** The profile's key: the given one, or the stack's kit key (created on first use). */
  encryptionKey(): kms.IKey;
}

/**
 * The hardened profile that covers `construct` (a kit construct, which calls
 * this in its constructor), or `undefined` in the default profile.
 */
export function hardeningOf(construct: IConstruct): HardenedProfile | undefined {
  profileReaders.add(construct);
  const options = findProfile(construct);
  if (!options) return undefined;
  return {
    logRetention: options.logRetention ?? logs.RetentionDays.ONE_YEAR,
    webAclArn: options.webAclArn,
    // A key of the user's gets what the kit's services need in its policy (nothing is added to an imported key's).
    encryptionKey: () => (options.encryptionKey ? withLogsAndAlarms(options.encryptionKey) : stackKey(construct)),
  };
}

/** Construct id of the kit's key in a stack, a child of the top-level stack. */
export const STACK_KEY_ID = 'EcsKitKey';

/**
 * The kit's key of the top-level stack of `scope` (nested stacks share their
 * parent's), created on first use: rotation on, retained, and usable by
 * CloudWatch Logs for the account's log groups and by CloudWatch alarms for
 * the kit's topics.
 */
export function stackKey(scope: IConstruct): kms.IKey {
  let stack = Stack.of(scope);
  while (stack.nestedStackParent) stack = stack.nestedStackParent;
  const existing = stack.node.tryFindChild(STACK_KEY_ID);
  if (existing) return existing as kms.Key;
  const key = new kms.Key(stack, STACK_KEY_ID, {
    description: 'cdk-ecs-kit hardened profile: log groups, topics, file systems and secrets of this stack',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  allowLogsAndAlarms(key);
  return key;
}

/**
 * Idempotent. Lets CloudWatch Logs encrypt the account's log groups of the region with
 * `key` (CloudWatch Logs calls KMS as its own service principal, bound by the
 * log group's ARN in the encryption context), and CloudWatch alarms publish to
 * topics encrypted with it.
 */
export function allowLogsAndAlarms(key: kms.IKey): void {
  if (keysAllowingLogs.has(key)) return;
  keysAllowingLogs.add(key);
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'CloudWatchLogsOfThisAccount',
    principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` },
    },
  }));
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'CloudWatchAlarmsToEncryptedTopics',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
  }));
}

const keysAllowingLogs = new WeakSet<kms.IKey>();

function withLogsAndAlarms(key: kms.IKey): kms.IKey {
  allowLogsAndAlarms(key);
  return key;
}

/** What a construct gave for its log groups' encryption and retention. */
export interface LogGroupSecurityProps {
  readonly logRetention?: logs.RetentionDays;
  readonly encryptionKey?: kms.IKey;
}

/** The retention and key of a kit log group: the construct's props, else the profile's, else the default profile's. */
export interface LogGroupSecurity {
  readonly retention: logs.RetentionDays;
  readonly encryptionKey?: kms.IKey;
}

/**
 * Resolves a kit log group's retention and key: the construct's own props
 * win; the hardened profile brings its key and a year's retention; otherwise
 * `defaultRetention` and CloudWatch Logs' own encryption.
 */
export function logGroupSecurity(construct: IConstruct, props: LogGroupSecurityProps,
  defaultRetention: logs.RetentionDays): LogGroupSecurity {
  const profile = hardeningOf(construct);
  return {
    retention: props.logRetention ?? profile?.logRetention ?? defaultRetention,
    // A key given to the construct gets CloudWatch Logs' permission too (when it is a key of the app).
    encryptionKey: props.encryptionKey ? withLogsAndAlarms(props.encryptionKey) : profile?.encryptionKey(),
  };
}
