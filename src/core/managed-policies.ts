import { AspectPriority, Aspects, FeatureFlags, IAspect, Stack, aws_iam as iam } from 'aws-cdk-lib';
import { DependencyGroup, IConstruct } from 'constructs';

// cdk-nag's NIST 800-53, HIPAA and PCI packs flag every inline policy
// (`AWS::IAM::Policy`, which is how aws-cdk-lib's roles receive statements:
// their `DefaultPolicy`). The roles the kit creates take their statements in
// customer managed policies instead. A managed policy holds at most 6,144
// characters, so the statements are packed into as few policies as fit, once
// all are known (at synthesis, measured as CloudFormation will receive them).

/** IAM's size limit of a managed policy document (whitespace excluded), less a margin for resolved names and ARNs. */
const MANAGED_POLICY_MAX_CHARS = 6_144 - 1_000;
/** What a reference (a resource's ARN or name) may take once CloudFormation resolves it. */
const REFERENCE_ALLOWANCE = 120;

/** The construct id of the first managed policy of a role; the next ones are `Policy2`, `Policy3`, … */
export const ROLE_POLICY_ID = 'Policy';

const routedRoles = new WeakSet<iam.Role>();

/**
 * From now on, the statements added to `role` (`addToPrincipalPolicy`,
 * `addToPolicy`, and every `grant*` that reaches it) go into customer managed
 * policies of the kit, children of the role (`Policy`, then `Policy2`, … only
 * when one would exceed IAM's size limit), instead of the role's inline
 * default policy. Idempotent. For roles the kit creates, or that aws-cdk-lib
 * creates for the kit, right after their creation.
 *
 * Statements already in the default policy stay there.
 */
export function useManagedPolicies(role: iam.Role): void {
  if (routedRoles.has(role)) return;
  routedRoles.add(role);
  const statements: iam.PolicyStatement[] = [];
  // What depends on the role's statements (a service on its task role) depends on every policy, created at synthesis.
  const policies = new DependencyGroup();
  // An own property on the instance: the class's method stays aws-cdk-lib's.
  Object.defineProperty(role, 'addToPrincipalPolicy', {
    configurable: true,
    value: (statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult => {
      statements.push(statement);
      return { statementAdded: true, policyDependable: policies };
    },
  });
  Aspects.of(role).add(new ManagedPolicyPacker(role, statements, policies), { priority: AspectPriority.MUTATING });
}

/** Creates the role's managed policies from its statements, once, before the template is rendered. */
class ManagedPolicyPacker implements IAspect {
  private packed = false;

  constructor(private readonly role: iam.Role, private readonly statements: iam.PolicyStatement[],
    private readonly policies: DependencyGroup) {}

  public visit(node: IConstruct): void {
    if (node !== this.role || this.packed || this.statements.length === 0) return;
    this.packed = true;
    const minimize = FeatureFlags.of(this.role).isEnabled('@aws-cdk/aws-iam:minimizePolicies') ?? false;
    let chunk: iam.PolicyStatement[] = [];
    const chunks = [chunk];
    for (const statement of this.statements) {
      if (chunk.length > 0 && this.size([...chunk, statement], minimize) > MANAGED_POLICY_MAX_CHARS) {
        chunk = [];
        chunks.push(chunk);
      }
      chunk.push(statement);
    }
    chunks.forEach((part, i) => {
      const policy = new iam.ManagedPolicy(this.role, i === 0 ? ROLE_POLICY_ID : `${ROLE_POLICY_ID}${i + 1}`, {
        roles: [this.role],
        statements: part,
      });
      this.policies.add(policy);
    });
  }

  /**
   * The size of a document of `statements` as IAM counts it: its resolved
   * JSON without whitespace, merged as aws-cdk-lib will merge it, each
   * reference (`Ref`, `Fn::GetAtt`, …) counted at the size of a long ARN.
   */
  private size(statements: iam.PolicyStatement[], minimize: boolean): number {
    const document = new iam.PolicyDocument({ statements, minimize });
    const json = JSON.stringify(Stack.of(this.role).resolve(document));
    const references = json.match(/"(Ref|Fn::GetAtt|Fn::ImportValue|Fn::Select|Fn::Split)"/g)?.length ?? 0;
    return json.length + references * REFERENCE_ALLOWANCE;
  }
}
