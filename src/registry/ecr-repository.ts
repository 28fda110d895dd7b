import {
  Annotations,
  ArnFormat,
  Duration,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
  aws_ecr as ecr,
  aws_ecs as ecs,
  aws_iam as iam,
  aws_kms as kms,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { grantAuthorizationToken } from './authorization-token';
import { LIFECYCLE_LIMITS, LifecycleProblem, LifecyclePolicy, checkDays, tagStatusName } from './lifecycle-policy';
import { ECR_PULL_ACTIONS, ECR_PUSH_ACTIONS, RepositoryPolicyBuilder, validateAccountIds, validateOrganizationId } from './repository-policy';
import { PropValidator, enumMemberName, isUnresolved } from '../core/validation';

/**
 * A private ECR repository, owned by this app or imported.
 *
 * Usable anywhere aws-cdk-lib expects an `ecr.IRepository`.
 */
export interface IEcrRepository extends ecr.IRepository {
  /**
   * The full image URI for a tag (`v1.2.3`) or a digest (`sha256:…`).
   */
  imageUri(tagOrDigest: string): string;

  /**
   * An image from this repository for an ECS container definition.
   *
   * The task's execution role is granted pull access when the image is used.
   *
   * @param tagOrDigest an image tag (`v1.2.3`) or a digest (`sha256:…`)
   */
  containerImage(tagOrDigest: string): ecs.ContainerImage;
}

/**
 * Properties of an `EcrRepository`.
 */
export interface EcrRepositoryProps {
  /**
   * Name of the repository: 2–256 characters, lowercase letters, digits and
   * the separators `.`, `_`, `-` and `/` between them.
   *
   * @default - CloudFormation generates a unique name
   */
  readonly repositoryName?: string;

  /**
   * Scan every image for vulnerabilities when it is pushed.
   *
   * @default true
   */
  readonly imageScanOnPush?: boolean;

  /**
   * Whether tags can be overwritten by a later push.
   *
   * Only `TagMutability.IMMUTABLE` and `TagMutability.MUTABLE` are accepted: to
   * keep a few tags mutable in an immutable repository, use `mutableTagPatterns`.
   *
   * @default TagMutability.IMMUTABLE - a tag always names the same image
   */
  readonly imageTagMutability?: ecr.TagMutability;

  /**
   * Tag patterns (with `*` wildcards) that stay mutable in an immutable
   * repository, e.g. `['latest', 'dev-*']`: 1 to 5 different patterns (each may
   * be an unresolved string; the list itself must be literal).
   *
   * Maps to ECR's `IMMUTABLE_WITH_EXCLUSION` tag mutability.
   *
   * @default - no tag is mutable
   */
  readonly mutableTagPatterns?: string[];

  /**
   * KMS key that encrypts the images at rest.
   *
   * @default - AES256 encryption with a key owned by ECR
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Expire untagged images (layers left behind by re-tagged or failed pushes).
   *
   * @default true
   */
  readonly expireUntaggedImages?: boolean;

  /**
   * How long an untagged image is kept before it expires: a whole number of days, at least 1.
   * An unresolved value (a parameter) must be given in days: `Duration.days(param.valueAsNumber)`.
   *
   * @default Duration.days(14)
   */
  readonly untaggedImageRetention?: Duration;

  /**
   * Keep only the newest `maxImageCount` images and expire older ones.
   *
   * @default true
   */
  readonly limitImageCount?: boolean;

  /**
   * How many images are kept when `limitImageCount` is on (at least 1).
   *
   * @default 200
   */
  readonly maxImageCount?: number;

  /**
   * Further lifecycle rules. Rules without a priority are placed after the
   * ones that have one; the "newest N images" rule always stays last, as ECR
   * requires for a rule that matches any tag status. Each rule is checked
   * against ECR's lifecycle policy rules (see `addLifecycleRule`).
   *
   * @default - only the default rules above
   */
  readonly lifecycleRules?: ecr.LifecycleRule[];

  /**
   * What happens to the repository when it is removed from the stack.
   * `RemovalPolicy.SNAPSHOT` is refused: ECR repositories cannot be snapshotted.
   *
   * @default RemovalPolicy.RETAIN - the repository and its images are kept
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Delete all images when the repository is deleted, so that the deletion
   * succeeds. Only allowed with `removalPolicy: RemovalPolicy.DESTROY`.
   *
   * @default false
   */
  readonly emptyOnDelete?: boolean;

  /**
   * AWS account ids (12 digits) whose principals may pull images.
   *
   * Those principals also need `ecr:GetAuthorizationToken` in their own account.
   *
   * @default - no other account may pull
   */
  readonly pullAccountIds?: string[];

  /**
   * An AWS Organization id (`o-` followed by 10–32 lowercase letters or digits)
   * whose accounts may all pull images, through the `aws:PrincipalOrgID` condition.
   *
   * @default - no organization-wide pull
   */
  readonly pullOrganizationId?: string;
}

/**
 * Attributes of an existing repository, for `EcrRepository.fromRepositoryAttributes`.
 */
export interface EcrRepositoryAttributes {
  /** Name of the repository. */
  readonly repositoryName: string;
  /** ARN of the repository. */
  readonly repositoryArn: string;
}

/** Tag rules from ECR: 1–128 characters, starting with a letter, digit or underscore. */
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const IMAGE_DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * The repository-scoped actions of aws-cdk-lib's `grantPull`/`grantPush`, in its order
 * (so that templates of grants made before the kit moved the login keep their text).
 */
const CDK_PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'];
const CDK_PUSH_ACTIONS = ['ecr:CompleteLayerUpload', 'ecr:UploadLayerPart', 'ecr:InitiateLayerUpload', 'ecr:BatchCheckLayerAvailability', 'ecr:PutImage'];

/**
 * What owned and imported repositories have in common: the image helpers.
 */
abstract class EcrRepositoryBase extends ecr.RepositoryBase implements IEcrRepository {
  public imageUri(tagOrDigest: string): string {
    validateTagOrDigest(this, tagOrDigest);
    return this.repositoryUriForTagOrDigest(tagOrDigest);
  }

  public containerImage(tagOrDigest: string): ecs.ContainerImage {
    validateTagOrDigest(this, tagOrDigest);
    return ecs.ContainerImage.fromEcrRepository(this, tagOrDigest);
  }

  /**
   * Grants pulling images, scoped to this repository, plus the registry login
   * (`ecr:GetAuthorizationToken`, which ECR only supports on resource `*`).
   *
   * The login goes into a policy of the kit's own attached to the grantee's role
   * (or user or group), the only place where cdk-nag's wildcard finding is
   * acknowledged: findings of the grantee's own policies still show. A principal
   * that takes no policy (service principal, immutable or foreign role) gets the
   * login added the aws-cdk-lib way, with nothing acknowledged.
   */
  public grantPull(grantee: iam.IGrantable): iam.Grant {
    const grant = this.grant(grantee, ...CDK_PULL_ACTIONS);
    grantAuthorizationToken(grantee);
    return grant;
  }

  /**
   * Grants pushing images, scoped to this repository, plus the registry login
   * (`ecr:GetAuthorizationToken`, which ECR only supports on resource `*`), in a
   * policy of the kit's own as for `grantPull`.
   */
  public grantPush(grantee: iam.IGrantable): iam.Grant {
    const grant = this.grant(grantee, ...CDK_PUSH_ACTIONS);
    grantAuthorizationToken(grantee);
    return grant;
  }

  /**
   * Grants pulling and pushing images, scoped to this repository, plus the
   * registry login (`ecr:GetAuthorizationToken`, which ECR only supports on
   * resource `*`), in a policy of the kit's own as for `grantPull`.
   */
  public grantPullPush(grantee: iam.IGrantable): iam.Grant {
    const grant = this.grant(grantee, ...CDK_PULL_ACTIONS, ...CDK_PUSH_ACTIONS);
    grantAuthorizationToken(grantee);
    return grant;
  }
}

/**
 * A private ECR image repository with defaults a security reviewer signs off:
 * scan on push, immutable tags, encryption at rest, lifecycle rules that keep
 * storage bounded, and retention on delete.
 *
 * @example
 * const repo = new EcrRepository(this, 'Images', {
 *   repositoryName: 'shop/web',
 *   mutableTagPatterns: ['latest'],
 *   pullAccountIds: ['111122223333'],
 * });
 * declare const ciRole: iam.IRole;
 * repo.allowPush(ciRole);
 */
export class EcrRepository extends EcrRepositoryBase {
  /**
   * Imports a repository of this account and region by name.
   */
  public static fromRepositoryName(scope: Construct, id: string, repositoryName: string): IEcrRepository {
    const validator = new PropValidator(scope, 'EcrRepository.fromRepositoryName');
    validateRepositoryName(validator, repositoryName);
    validator.throwIfInvalid();
    const stack = Stack.of(scope);
    return EcrRepository.fromRepositoryAttributes(scope, id, {
      repositoryName,
      repositoryArn: stack.formatArn({ service: 'ecr', resource: 'repository', resourceName: repositoryName }),
    });
  }

  /**
   * Imports a repository by ARN (it may be in another account or region).
   */
  public static fromRepositoryArn(scope: Construct, id: string, repositoryArn: string): IEcrRepository {
    if (Token.isUnresolved(repositoryArn)) {
      // The name is everything after "repository/"; Fn::Split keeps names with slashes whole enough for ECR.
      const repositoryName = Stack.of(scope).splitArn(repositoryArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
      return EcrRepository.fromRepositoryAttributes(scope, id, { repositoryName, repositoryArn });
    }
    const match = /^arn:[^:]+:ecr:[^:]+:\d{12}:repository\/(.+)$/.exec(repositoryArn);
    const validator = new PropValidator(scope, 'EcrRepository.fromRepositoryArn');
    if (!match) {
      validator.report('repositoryArn', repositoryArn,
        'Use an ECR repository ARN such as "arn:aws:ecr:us-east-1:111122223333:repository/my-repo".');
    } else if (!isValidRepositoryName(match[1])) {
      validator.report('repositoryArn', repositoryArn,
        'The repository name after "repository/" must be an ECR name: 2–256 lowercase letters and digits, separated by single ".", "_", "-" or "/".');
    }
    validator.throwIfInvalid();
    return EcrRepository.fromRepositoryAttributes(scope, id, { repositoryName: match![1], repositoryArn });
  }

  /**
   * Imports a repository from its name and ARN.
   */
  public static fromRepositoryAttributes(scope: Construct, id: string, attrs: EcrRepositoryAttributes): IEcrRepository {
    const validator = new PropValidator(scope, 'EcrRepository.fromRepositoryAttributes');
    validateRepositoryName(validator, attrs.repositoryName);
    validator.throwIfInvalid();
    class Import extends EcrRepositoryBase {
      public readonly repositoryName = attrs.repositoryName;
      public readonly repositoryArn = attrs.repositoryArn;

      public addToResourcePolicy(_statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
        // The repository's policy is owned elsewhere; grants fall back to the principal's own policy.
        return { statementAdded: false };
      }
    }
    return new Import(scope, id, { environmentFromArn: attrs.repositoryArn });
  }

  /** The aws-cdk-lib repository this construct configures. */
  public readonly repository: ecr.Repository;

  /** The KMS key that encrypts images, when one was given. */
  public readonly encryptionKey?: kms.IKey;

  public readonly repositoryName: string;
  public readonly repositoryArn: string;

  private readonly policy: RepositoryPolicyBuilder;
  private readonly limitsImageCount: boolean;
  private readonly lifecycle: LifecyclePolicy;

  constructor(scope: Construct, id: string, props: EcrRepositoryProps = {}) {
    super(scope, id);

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const tagMutability = props.imageTagMutability ?? ecr.TagMutability.IMMUTABLE;
    const untaggedRetention = props.untaggedImageRetention ?? Duration.days(14);
    const maxImageCount = props.maxImageCount ?? 200;
    this.limitsImageCount = props.limitImageCount ?? true;
    this.lifecycle = new LifecyclePolicy(this);

    const validator = new PropValidator(this, 'EcrRepository');
    validateRepositoryName(validator, props.repositoryName);
    validateTagMutability(validator, tagMutability, props.mutableTagPatterns);
    validateRemovalPolicy(validator, 'removalPolicy', removalPolicy);
    if (props.emptyOnDelete && removalPolicy !== RemovalPolicy.DESTROY) {
      validator.report('emptyOnDelete', true,
        `Deleting the images only makes sense when the repository itself is deleted: set removalPolicy: RemovalPolicy.DESTROY (got ${removalPolicyName(removalPolicy)}), or remove emptyOnDelete.`);
    }

    // The default rules are checked through their own props, then numbered with the user's rules.
    const lifecycleProblems: LifecycleProblem[] = [];
    if (props.expireUntaggedImages ?? true) {
      const retention = checkDays('untaggedImageRetention', untaggedRetention,
        'Use a whole number of days, at least Duration.days(1), or set expireUntaggedImages: false to keep untagged images.');
      if (retention) {
        lifecycleProblems.push(retention);
      } else {
        lifecycleProblems.push(...this.lifecycle.add('untaggedImageRetention', {
          description: `Expire untagged images after ${untaggedRetention.toDays()} days`,
          tagStatus: ecr.TagStatus.UNTAGGED,
          maxImageAge: untaggedRetention,
        }));
      }
    }
    (props.lifecycleRules ?? []).forEach((rule, index) => {
      lifecycleProblems.push(...this.checkAndAddRule(`lifecycleRules[${index}]`, rule));
    });
    if (this.limitsImageCount) {
      const validCount = Number.isInteger(maxImageCount) && maxImageCount >= 1 && maxImageCount <= LIFECYCLE_LIMITS.maxImageCount;
      if (!isUnresolved(maxImageCount) && !validCount) {
        lifecycleProblems.push({
          prop: 'maxImageCount',
          received: maxImageCount,
          fix: `Keep 1 to ${LIFECYCLE_LIMITS.maxImageCount} images (a whole number), or set limitImageCount: false to keep every image.`,
        });
      } else {
        // Matches any tag status, so it is numbered last, as ECR requires.
        lifecycleProblems.push(...this.lifecycle.add('maxImageCount', {
          description: `Keep only the newest ${maxImageCount} images`,
          tagStatus: ecr.TagStatus.ANY,
          maxImageCount,
        }));
      }
    }
    for (const p of lifecycleProblems) validator.report(p.prop, p.received, p.fix);
    if (props.pullAccountIds !== undefined) validateAccountIds(validator, 'pullAccountIds', props.pullAccountIds);
    if (props.pullOrganizationId !== undefined) validateOrganizationId(validator, 'pullOrganizationId', props.pullOrganizationId);
    validator.throwIfInvalid();

    const mutableTagPatterns = props.mutableTagPatterns ?? [];
    this.repository = new ecr.Repository(this, 'Resource', {
      repositoryName: props.repositoryName,
      imageScanOnPush: props.imageScanOnPush ?? true,
      imageTagMutability: tagMutability,
      encryption: props.encryptionKey ? ecr.RepositoryEncryption.KMS : ecr.RepositoryEncryption.AES_256,
      encryptionKey: props.encryptionKey,
      removalPolicy,
      emptyOnDelete: props.emptyOnDelete,
    });
    this.encryptionKey = props.encryptionKey;
    const cfnRepository = this.repository.node.defaultChild as ecr.CfnRepository;
    if (!props.encryptionKey) {
      // ECR's default, written out so that a reviewer sees the encryption in the template.
      cfnRepository.encryptionConfiguration = { encryptionType: 'AES256' };
    }
    if (mutableTagPatterns.length > 0) {
      // Written on the L1: aws-cdk-lib's ImageTagMutabilityExclusionFilter refuses unresolved
      // patterns, and the patterns were checked above against ECR's rules.
      cfnRepository.imageTagMutability = ecr.TagMutability.IMMUTABLE_WITH_EXCLUSION;
      cfnRepository.imageTagMutabilityExclusionFilters = mutableTagPatterns.map(pattern => ({
        imageTagMutabilityExclusionFilterType: 'WILDCARD',
        imageTagMutabilityExclusionFilterValue: pattern,
      }));
    }
    // The kit writes the lifecycle policy itself (see LifecyclePolicy); rules added through
    // the aws-cdk-lib repository come here too, so that they are checked and kept.
    cfnRepository.lifecyclePolicy = this.lifecycle.renderLazily();
    this.repository.addLifecycleRule = (rule: ecr.LifecycleRule) => this.addLifecycleRule(rule);
    this.repositoryName = this.repository.repositoryName;
    this.repositoryArn = this.repository.repositoryArn;
    this.policy = new RepositoryPolicyBuilder(this, this.repository);

    if (removalPolicy === RemovalPolicy.DESTROY && !props.emptyOnDelete) {
      Annotations.of(this).addWarningV2('cdk-ecs-kit:EcrRepository.destroyWithImages',
        'removalPolicy is DESTROY without emptyOnDelete: deleting the stack fails while the repository still holds images. ' +
        'Set emptyOnDelete: true to delete the images too, or keep the default RemovalPolicy.RETAIN.');
    }

    if (props.pullAccountIds) this.allowPullFromAccounts(props.pullAccountIds);
    if (props.pullOrganizationId) this.allowPullFromOrganization(props.pullOrganizationId);
  }

  /**
   * Applies a removal policy to the repository resource (the `removalPolicy`
   * prop does the same at construction). ECR repositories cannot be snapshotted:
   * `RemovalPolicy.SNAPSHOT` is refused.
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    const validator = new PropValidator(this, 'EcrRepository');
    validateRemovalPolicy(validator, 'applyRemovalPolicy(policy)', policy);
    validator.throwIfInvalid();
    this.repository.applyRemovalPolicy(policy);
  }

  /**
   * Adds a lifecycle rule, checked now against ECR's rules so that an error
   * points at this call.
   *
   * ECR's rules: a `TAGGED` rule names a non-empty `tagPrefixList` or
   * `tagPatternList` (not both, at most 4 `*` per pattern); exactly one of
   * `maxImageCount` (1–10,000) and `maxImageAge` (whole days); unique priorities
   * from 1 to 999, the numbered rules included; at most 50 rules and 30,720
   * characters of policy text.
   *
   * A rule that matches any tag status (`TagStatus.ANY`, the default without tag
   * lists) can only be added when `limitImageCount` is off, since that default
   * rule already matches any tag status and ECR allows one such rule; it must
   * have the highest priority.
   */
  public addLifecycleRule(rule: ecr.LifecycleRule): void {
    const validator = new PropValidator(this, 'EcrRepository');
    for (const p of this.checkAndAddRule('addLifecycleRule(rule)', rule)) validator.report(p.prop, p.received, p.fix);
    validator.throwIfInvalid();
  }

  private checkAndAddRule(label: string, rule: ecr.LifecycleRule): LifecycleProblem[] {
    const anyStatus = rule.tagStatus === ecr.TagStatus.ANY ||
      (rule.tagStatus === undefined && rule.tagPrefixList === undefined && rule.tagPatternList === undefined);
    if (anyStatus && this.limitsImageCount) {
      return [{
        prop: `${label}.tagStatus`,
        received: tagStatusName(rule.tagStatus),
        fix: (rule.tagStatus === undefined ? 'A rule without tagStatus and tag lists matches any tag status. ' : '') +
          'The default "keep only the newest images" rule (maxImageCount) already matches any tag status and ECR allows one such rule: ' +
          'set limitImageCount: false to replace it, or select TagStatus.TAGGED (with tag lists) or TagStatus.UNTAGGED images.',
      }];
    }
    return this.lifecycle.add(label, rule);
  }

  /**
   * Adds a statement to the repository policy.
   *
   * A statement that names a wildcard principal without any condition would
   * make the repository public and is refused.
   */
  public addToResourcePolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    return this.policy.addStatement(statement);
  }

  /**
   * Lets principals pull images (BatchGetImage, GetDownloadUrlForLayer, BatchCheckLayerAvailability)
   * through the repository policy. The principals also need `ecr:GetAuthorizationToken`.
   *
   * @returns the statement added to the repository policy (Sid `AllowPull`, numbered
   * on later calls: `AllowPull2`, …), frozen: it was checked when added, so change
   * the policy with another call or `addToResourcePolicy`, not by editing it
   */
  public allowPull(...principals: iam.IPrincipal[]): iam.PolicyStatement {
    return this.policy.allow('allowPull(principals)', 'AllowPull', ECR_PULL_ACTIONS, principals).freeze();
  }

  /**
   * Lets principals push images (pull actions plus the layer upload actions and PutImage)
   * through the repository policy. The principals also need `ecr:GetAuthorizationToken`.
   *
   * @returns the statement added to the repository policy (Sid `AllowPush`, numbered
   * on later calls: `AllowPush2`, …), frozen as for `allowPull`
   */
  public allowPush(...principals: iam.IPrincipal[]): iam.PolicyStatement {
    return this.policy.allow('allowPush(principals)', 'AllowPush', ECR_PUSH_ACTIONS, principals).freeze();
  }

  /**
   * Lets every principal of the given accounts (12-digit ids) pull images.
   *
   * @returns the statement added to the repository policy (Sid `AllowCrossAccountPull`), frozen as for `allowPull`
   */
  public allowPullFromAccounts(accountIds: string[]): iam.PolicyStatement {
    const validator = new PropValidator(this, 'EcrRepository');
    validateAccountIds(validator, 'accountIds', accountIds);
    validator.throwIfInvalid();
    return this.policy.allowStatement('AllowCrossAccountPull', {
      actions: ECR_PULL_ACTIONS,
      principals: accountIds.map(account => new iam.AccountPrincipal(account)),
    }, 'allowPullFromAccounts(accountIds)').freeze();
  }

  /**
   * Lets every account of an AWS Organization pull images, with an
   * `aws:PrincipalOrgID` condition on a wildcard principal.
   *
   * @returns the statement added to the repository policy (Sid `AllowOrganizationPull`), frozen as for `allowPull`
   */
  public allowPullFromOrganization(organizationId: string): iam.PolicyStatement {
    const validator = new PropValidator(this, 'EcrRepository');
    validateOrganizationId(validator, 'organizationId', organizationId);
    validator.throwIfInvalid();
    const statement = this.policy.allowStatement('AllowOrganizationPull', {
      actions: ECR_PULL_ACTIONS,
      principals: [new iam.AnyPrincipal()],
      conditions: { StringEquals: { 'aws:PrincipalOrgID': organizationId } },
    }, 'allowPullFromOrganization(organizationId)');
    Validations.of(this.repository).acknowledge({
      id: 'AwsSolutions-ECR1',
      reason: 'The wildcard principal of the AllowOrganizationPull statement is restricted by aws:PrincipalOrgID to the accounts of ' +
        `${isUnresolved(organizationId) ? 'the organization given' : organizationId}, and only to pull actions.`,
    });
    return statement.freeze();
  }
}

const REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

function isValidRepositoryName(name: string): boolean {
  return name.length >= 2 && name.length <= 256 && REPOSITORY_NAME.test(name);
}

function validateRepositoryName(validator: PropValidator, name: string | undefined): void {
  if (name === undefined) return;
  if (isUnresolved(name)) {
    // Only the literal parts around the tokens are known: check their characters.
    const tokens = /\$\{Token\[[^\]]*\]\}/g;
    if (!/^[a-z0-9._/-]*$/.test(name.replace(tokens, ''))) {
      validator.report('repositoryName', name.replace(tokens, '<unresolved>'),
        'The known parts of the name must be lowercase letters, digits, ".", "_", "-" or "/": ECR names are lowercase.');
    }
    return;
  }
  if (name.length < 2 || name.length > 256) {
    validator.report('repositoryName', name, `Use 2 to 256 characters (got ${name.length}).`);
  }
  if (!REPOSITORY_NAME.test(name)) {
    const suggestion = name.toLowerCase().replace(/[^a-z0-9._/-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
    validator.report('repositoryName', name,
      'Use lowercase letters and digits, separated by single ".", "_", "-" or "/" characters, starting and ending with a letter or digit' +
      (suggestion.length >= 2 ? ` (e.g. ${JSON.stringify(suggestion)}).` : '.'));
  }
}

function validateTagMutability(validator: PropValidator, mutability: ecr.TagMutability, patterns: string[] | undefined): void {
  if (mutability !== ecr.TagMutability.IMMUTABLE && mutability !== ecr.TagMutability.MUTABLE) {
    const name = enumMemberName(ecr.TagMutability, mutability);
    validator.report('imageTagMutability', name ? `TagMutability.${name}` : mutability,
      'Use TagMutability.IMMUTABLE (with mutableTagPatterns for the exceptions) or TagMutability.MUTABLE.');
    return;
  }
  if (patterns === undefined) return;
  if (mutability === ecr.TagMutability.MUTABLE) {
    validator.report('mutableTagPatterns', patterns,
      'Every tag is already mutable with imageTagMutability MUTABLE: remove mutableTagPatterns, or keep tags IMMUTABLE.');
    return;
  }
  if (Token.isUnresolved(patterns)) {
    validator.report('mutableTagPatterns', '(an unresolved list)',
      'Give a literal list of 1 to 5 patterns (each pattern may be an unresolved string): ECR takes one filter per pattern.');
    return;
  }
  if (patterns.length < 1 || patterns.length > 5) {
    validator.report('mutableTagPatterns', patterns, `Give 1 to 5 patterns (got ${patterns.length}).`);
  }
  patterns.forEach((pattern, index) => {
    validator.check('mutableTagPatterns', pattern, /^[A-Za-z0-9_.*-]{1,128}$/.test(pattern),
      'A pattern is 1–128 letters, digits, ".", "_", "-" and "*" wildcards, e.g. "latest" or "dev-*".');
    validator.check('mutableTagPatterns', pattern, isUnresolved(pattern) || patterns.indexOf(pattern) === index,
      'Each pattern once: remove the duplicate.');
  });
}

/** The name of a removal policy for messages: `RemovalPolicy.RETAIN`. */
function removalPolicyName(policy: RemovalPolicy): string {
  const name = enumMemberName(RemovalPolicy, policy);
  return name ? `RemovalPolicy.${name}` : String(policy);
}

function validateRemovalPolicy(validator: PropValidator, prop: string, policy: RemovalPolicy): void {
  if (policy === RemovalPolicy.SNAPSHOT) {
    validator.report(prop, removalPolicyName(policy),
      'ECR repositories cannot be snapshotted: use RemovalPolicy.RETAIN to keep the repository and its images, ' +
      'or RemovalPolicy.DESTROY (with emptyOnDelete: true) to delete them.');
  } else if (!Object.values(RemovalPolicy).includes(policy)) {
    validator.report(prop, policy, 'Use RemovalPolicy.RETAIN, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE or RemovalPolicy.DESTROY.');
  }
}

function validateTagOrDigest(scope: Construct, tagOrDigest: string): void {
  if (Token.isUnresolved(tagOrDigest)) return;
  const validator = new PropValidator(scope, 'EcrRepository');
  validator.check('tagOrDigest', tagOrDigest, IMAGE_TAG.test(tagOrDigest) || IMAGE_DIGEST.test(tagOrDigest),
    'Use an image tag (1–128 letters, digits, "_", "." or "-", not starting with "." or "-") or a digest "sha256:<64 hex digits>".');
  validator.throwIfInvalid();
}
