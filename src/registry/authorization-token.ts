import { Stack, Validations, aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * Construct id of the kit's policy that holds `ecr:GetAuthorizationToken`, a child of the
 * grantee's role (or user or group): one per principal, shared by every repository of the kit.
 */
export const AUTHORIZATION_TOKEN_POLICY_ID = 'EcrAuthorizationToken';

const AUTHORIZATION_TOKEN_ACTIONS = ['ecr:GetAuthorizationToken'];

/** Appended to the logical ID the policy had as an inline policy (see `grantAuthorizationToken`). */
const MANAGED_SUFFIX = 'Managed';

/**
 * A customer managed policy that remembers whether the principal accepted it.
 *
 * The principal decides, as it does for its inline policies: `attachInlinePolicy`
 * of an immutable role, of a role imported from another account or of a lazily
 * created role does not call back `attachToRole`, and then nothing of the policy
 * may reach the template. A managed policy attaches the same way, from its side
 * (`Roles`, `Users`, `Groups` of `AWS::IAM::ManagedPolicy`), so the principal's
 * `attachInlinePolicy` is what tells whether it takes a policy of the kit.
 */
class AuthorizationTokenPolicy extends iam.ManagedPolicy {
  public attached = false;

  public attachToRole(role: iam.IRole): void {
    this.attached = true;
    super.attachToRole(role);
  }

  public attachToUser(user: iam.IUser): void {
    this.attached = true;
    super.attachToUser(user);
  }

  public attachToGroup(group: iam.IGroup): void {
    this.attached = true;
    super.attachToGroup(group);
  }
}

/** What `attachInlinePolicy` is defined on: roles, users and groups (`iam.IIdentity`). */
function isIdentity(principal: iam.IPrincipal): principal is iam.IPrincipal & iam.IIdentity & Construct {
  return Construct.isConstruct(principal) && typeof (principal as Partial<iam.IIdentity>).attachInlinePolicy === 'function';
}

/**
 * Grants the registry login, `ecr:GetAuthorizationToken`, which ECR only supports on
 * resource `*` (the 12-hour docker login token is per registry, not per repository).
 *
 * The statement goes into a customer managed policy of the kit's own (not an inline
 * policy, which cdk-nag's NIST 800-53, HIPAA and PCI packs flag), a child of the
 * grantee's principal (so that it sits in the principal's stack, whatever stack the
 * repository is in), and cdk-nag's `AwsSolutions-IAM5[Resource::*]` is acknowledged on
 * that policy only: the principal's other policies keep their findings. A principal that
 * takes no policy (a service or account principal, an immutable or foreign role) gets the
 * statement through `iam.Grant.addToPrincipal`, without any acknowledgment.
 *
 * Idempotent: a principal granted twice, or by several repositories, keeps one policy.
 */
export function grantAuthorizationToken(grantee: iam.IGrantable): void {
  const principal = grantee.grantPrincipal;
  if (isIdentity(principal)) {
    const existing = principal.node.tryFindChild(AUTHORIZATION_TOKEN_POLICY_ID);
    if (existing instanceof AuthorizationTokenPolicy && existing.attached) return;
    if (existing === undefined) {
      const policy = new AuthorizationTokenPolicy(principal, AUTHORIZATION_TOKEN_POLICY_ID, {
        statements: [new iam.PolicyStatement({ actions: AUTHORIZATION_TOKEN_ACTIONS, resources: ['*'] })],
      });
      // The principal's own rule for taking a policy (see AuthorizationTokenPolicy): it calls back
      // attachToRole/User/Group, which for a managed policy only lists the principal in the policy.
      principal.attachInlinePolicy(policy as unknown as iam.Policy);
      if (policy.attached) {
        // The inline policy of the same construct id had the same logical ID, and CloudFormation refuses to
        // change a resource's type in place ("Update of resource type is not permitted"): a new logical ID
        // makes the update create the managed policy and delete the inline one.
        const resource = policy.node.defaultChild as iam.CfnManagedPolicy;
        resource.overrideLogicalId(`${Stack.of(policy).getLogicalId(resource)}${MANAGED_SUFFIX}`);
        Validations.of(policy).acknowledge({
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason: 'Added by cdk-ecs-kit for image pull/push: ecr:GetAuthorizationToken (the 12-hour docker login token) only supports ' +
            'resource "*"; this policy holds nothing else, and the image actions are granted scoped to the repository ARN.',
        });
        return;
      }
      principal.node.tryRemoveChild(AUTHORIZATION_TOKEN_POLICY_ID);
    }
  }
  iam.Grant.addToPrincipal({ grantee, actions: AUTHORIZATION_TOKEN_ACTIONS, resourceArns: ['*'] });
}
