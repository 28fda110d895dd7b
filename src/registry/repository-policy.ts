import { aws_ecr as ecr, aws_iam as iam } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PropValidator, isUnresolved } from '../core/validation';

/** What a Docker client needs to pull an image (besides the registry login token). */
export const ECR_PULL_ACTIONS = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:GetDownloadUrlForLayer',
  'ecr:BatchGetImage',
];

/** Pulling plus uploading layers and writing the manifest. */
export const ECR_PUSH_ACTIONS = [
  ...ECR_PULL_ACTIONS,
  'ecr:CompleteLayerUpload',
  'ecr:InitiateLayerUpload',
  'ecr:PutImage',
  'ecr:UploadLayerPart',
];

/**
 * Writes the statements of an ECR repository policy (resource-based: every
 * statement names a principal and has no `Resource`), each with a readable,
 * unique Sid, and refuses statements that would make the repository public.
 *
 * @internal
 */
export class RepositoryPolicyBuilder {
  private readonly sidCounts = new Map<string, number>();

  constructor(private readonly scope: IConstruct, private readonly repository: ecr.Repository) {}

  /** Adds a statement for principals, with `prop` naming the caller's argument in errors. */
  public allow(prop: string, sid: string, actions: string[], principals: iam.IPrincipal[]): void {
    const validator = new PropValidator(this.scope, 'EcrRepository');
    if (principals.length === 0) {
      validator.report(prop, [], 'Give at least one principal, e.g. a role or new iam.AccountPrincipal("111122223333").');
    }
    validator.throwIfInvalid();
    this.allowStatement(sid, { actions, principals });
  }

  /** Adds an Allow statement under a readable Sid, made unique with a number. */
  public allowStatement(sid: string, props: iam.PolicyStatementProps): void {
    this.addStatement(new iam.PolicyStatement({ ...props, sid: this.uniqueSid(sid), effect: iam.Effect.ALLOW }));
  }

  /** Checks a statement and adds it to the repository's policy. */
  public addStatement(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    const validator = new PropValidator(this.scope, 'EcrRepository');
    // Unresolved principals stay tokens here: only a literal "*" counts as a wildcard.
    const json = statement.toStatementJson();
    if (json.Effect !== 'Deny' && hasWildcardPrincipal(json.Principal) && !json.Condition) {
      validator.report('addToResourcePolicy(statement)', json.Principal,
        'A wildcard principal without a condition makes the repository public: name the principals, ' +
        'or add a condition such as { StringEquals: { "aws:PrincipalOrgID": "o-..." } } (see allowPullFromOrganization).');
    }
    if (json.Resource !== undefined) {
      validator.report('addToResourcePolicy(statement)', json.Resource,
        'ECR repository policies apply to the repository itself and do not accept resources: remove them from the statement.');
    }
    validator.throwIfInvalid();
    return this.repository.addToResourcePolicy(statement);
  }

  private uniqueSid(base: string): string {
    const count = (this.sidCounts.get(base) ?? 0) + 1;
    this.sidCounts.set(base, count);
    return count === 1 ? base : `${base}${count}`;
  }
}

function hasWildcardPrincipal(principal: unknown): boolean {
  if (principal === '*') return true;
  if (principal && typeof principal === 'object') {
    return Object.values(principal as Record<string, unknown>).some(value =>
      value === '*' || (Array.isArray(value) && value.includes('*')));
  }
  return false;
}

/** Checks a list of AWS account ids: at least one, each exactly 12 digits. */
export function validateAccountIds(validator: PropValidator, prop: string, accountIds: string[]): void {
  if (accountIds.length === 0) {
    validator.report(prop, accountIds, 'Give at least one 12-digit AWS account id, or leave the list out.');
  }
  for (const accountId of accountIds) {
    validator.check(prop, accountId, isUnresolved(accountId) || /^\d{12}$/.test(accountId),
      'An AWS account id is exactly 12 digits, e.g. "111122223333".');
  }
}

/** Checks an AWS Organization id: `o-` and 10–32 lowercase letters or digits. */
export function validateOrganizationId(validator: PropValidator, prop: string, organizationId: string): void {
  validator.check(prop, organizationId, /^o-[a-z0-9]{10,32}$/.test(organizationId),
    'An AWS Organization id is "o-" followed by 10 to 32 lowercase letters or digits, e.g. "o-a1b2c3d4e5".');
}
