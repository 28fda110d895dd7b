import { Stack, Token, aws_ecr as ecr, aws_iam as iam } from 'aws-cdk-lib';
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

/** ECR's limit on the repository policy text (SetRepositoryPolicy). */
export const MAX_REPOSITORY_POLICY_LENGTH = 10_240;

/** A principal ECR accepts in a repository policy: an account, the account root, an IAM user or role, an STS session. */
const AWS_PRINCIPAL = /^(?:\*|\d{12}|arn:aws[a-z-]*:iam::\d{12}:(?:root|user\/[\w+=,.@/-]+|role\/[\w+=,.@/-]+)|arn:aws[a-z-]*:sts::\d{12}:assumed-role\/[\w+=,.@/-]+)$/;

/**
 * Writes the statements of an ECR repository policy (resource-based: every
 * statement names a principal and has no `Resource`), each with a readable,
 * unique Sid, and refuses statements that would make the repository public or
 * that ECR rejects (principal syntax, Sids, actions, policy size).
 *
 * @internal
 */
export class RepositoryPolicyBuilder {
  private readonly sids = new Set<string>();
  private length = '{"Version":"2012-10-17","Statement":[]}'.length;

  constructor(private readonly scope: IConstruct, private readonly repository: ecr.Repository) {}

  /** Adds a statement for principals, with `prop` naming the caller's argument in errors; returns the statement added. */
  public allow(prop: string, sid: string, actions: string[], principals: iam.IPrincipal[]): iam.PolicyStatement {
    const validator = new PropValidator(this.scope, 'EcrRepository');
    if (principals.length === 0) {
      validator.report(prop, [], 'Give at least one principal, e.g. a role or new iam.AccountPrincipal("111122223333").');
    }
    validator.throwIfInvalid();
    return this.allowStatement(sid, { actions, principals }, prop);
  }

  /** Adds an Allow statement under a readable Sid, made unique with a number; returns the statement added. */
  public allowStatement(sid: string, props: iam.PolicyStatementProps, prop = 'addToResourcePolicy(statement)'): iam.PolicyStatement {
    const statement = new iam.PolicyStatement({ ...props, sid: this.uniqueSid(sid), effect: iam.Effect.ALLOW });
    this.addStatement(statement, prop);
    return statement;
  }

  /** Checks a statement and adds it to the repository's policy. */
  public addStatement(statement: iam.PolicyStatement, prop = 'addToResourcePolicy(statement)'): iam.AddToResourcePolicyResult {
    const validator = new PropValidator(this.scope, 'EcrRepository');
    // Unresolved principals stay tokens here: only a literal "*" counts as a wildcard.
    const json = statement.toStatementJson();
    if (json.Effect !== 'Deny' && hasWildcardPrincipal(json.Principal) && !json.Condition) {
      validator.report(prop, json.Principal,
        'A wildcard principal without a condition makes the repository public: name the principals, ' +
        'or add a condition such as { StringEquals: { "aws:PrincipalOrgID": "o-..." } } (see allowPullFromOrganization).');
    }
    if (json.Resource !== undefined || json.NotResource !== undefined) {
      validator.report(prop, json.Resource ?? json.NotResource,
        'ECR repository policies apply to the repository itself and do not accept resources: remove them from the statement.');
    }
    if (json.Principal === undefined && json.NotPrincipal === undefined) {
      validator.report(prop, statement.toJSON(),
        'A repository policy statement must name who it applies to: add principals (e.g. new iam.AccountPrincipal("111122223333")).');
    }
    const resolved = Stack.of(this.scope).resolve(json);
    checkPrincipals(validator, prop, resolved.Principal);
    checkPrincipals(validator, prop, resolved.NotPrincipal);
    for (const action of [...asList(json.Action), ...asList(json.NotAction)]) {
      validator.check(prop, action, typeof action !== 'string' || action === '*' || /^ecr:[A-Za-z*]+$/.test(action),
        'A repository policy only grants ECR actions: use actions such as "ecr:BatchGetImage" (or grant other services in an IAM policy).');
    }
    const sid = json.Sid;
    if (typeof sid === 'string' && !isUnresolved(sid)) {
      validator.check(prop, sid, /^[A-Za-z0-9]+$/.test(sid), 'A statement id (Sid) is letters and digits only, e.g. "AllowCiPush".');
      validator.check(prop, sid, !this.sids.has(sid), 'Each statement of the repository policy needs its own Sid: choose another one.');
    }
    const length = JSON.stringify(resolved).length + 1;
    if (this.length + length > MAX_REPOSITORY_POLICY_LENGTH) {
      validator.report(prop, `a statement of ${length} characters`,
        `The repository policy would be about ${this.length + length} characters, above ECR's ${MAX_REPOSITORY_POLICY_LENGTH}: ` +
        'merge statements (one statement can list several principals), or grant through the principals\' own IAM policies.');
    }
    validator.throwIfInvalid();
    if (typeof sid === 'string') this.sids.add(sid);
    this.length += length;
    return this.repository.addToResourcePolicy(statement);
  }

  private uniqueSid(base: string): string {
    let count = 1;
    while (this.sids.has(count === 1 ? base : `${base}${count}`)) count++;
    return count === 1 ? base : `${base}${count}`;
  }
}

/** Every value of a policy element that may be one value or a list. */
function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Checks the principals of a resolved statement: ECR accepts AWS principals
 * (accounts, account roots, IAM users and roles, STS sessions) and AWS services.
 */
function checkPrincipals(validator: PropValidator, prop: string, principal: unknown): void {
  if (principal === undefined || principal === '*') return;
  if (typeof principal !== 'object' || principal === null || Array.isArray(principal)) {
    validator.report(prop, principal, 'Use principals such as new iam.AccountPrincipal("111122223333") or a role.');
    return;
  }
  for (const [kind, values] of Object.entries(principal as Record<string, unknown>)) {
    if (kind !== 'AWS' && kind !== 'Service') {
      validator.report(prop, { [kind]: values },
        `ECR repository policies accept AWS accounts, IAM roles and users, and AWS services as principals, not ${kind} principals: ` +
        'grant to the role those identities assume instead.');
      continue;
    }
    for (const value of asList(values)) {
      const literal = literalOf(value);
      if (literal === undefined) continue;
      if (kind === 'AWS') {
        validator.check(prop, literal, AWS_PRINCIPAL.test(literal),
          'Use a 12-digit account id, an account root, IAM role or user ARN ("arn:aws:iam::111122223333:role/ci"), or an STS assumed-role ARN; ' +
          'IAM groups cannot be principals.');
      } else {
        validator.check(prop, literal, /^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?$/.test(literal),
          'Use an AWS service principal such as "codebuild.amazonaws.com".');
      }
    }
  }
}

/**
 * The text of a resolved value whose only unknowns are the partition and the
 * account (aws-cdk-lib writes account principals as a Fn::Join with
 * AWS::Partition); undefined for any other intrinsic.
 */
function literalOf(value: unknown): string | undefined {
  if (typeof value === 'string') return isUnresolved(value) ? undefined : value;
  const join = (value as any)?.['Fn::Join'];
  if (!Array.isArray(join) || join[0] !== '' || !Array.isArray(join[1])) return undefined;
  const parts: string[] = [];
  for (const part of join[1] as unknown[]) {
    if (typeof part === 'string') parts.push(part);
    else if ((part as any)?.Ref === 'AWS::Partition') parts.push('aws');
    else if ((part as any)?.Ref === 'AWS::AccountId') parts.push('111122223333');
    else return undefined;
  }
  return parts.join('');
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
  if (Token.isUnresolved(accountIds)) {
    validator.report(prop, '(an unresolved list)',
      'Give a literal list of account ids (each may be an unresolved string, e.g. a parameter): one principal is written per account.');
    return;
  }
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
