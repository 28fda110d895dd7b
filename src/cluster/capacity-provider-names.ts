import { Names, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * What ECS accepts as a capacity provider name: 1 to 255 letters, digits,
 * hyphens and underscores, not starting with `aws`, `ecs` or `fargate` in any
 * letter case (CreateCapacityProvider refuses them at deploy time).
 */
export function isValidCapacityProviderName(name: string): boolean {
  return /^[A-Za-z0-9_-]{1,255}$/.test(name) && !RESERVED_PREFIX.test(name);
}

const RESERVED_PREFIX = /^(aws|ecs|fargate)/i;

/**
 * The name to give a capacity provider the user did not name, or `undefined`
 * to let CloudFormation generate one.
 *
 * CloudFormation generates names that start with the stack name, which ECS
 * refuses when the stack name starts with `aws`, `ecs` or `fargate` in any
 * case. aws-cdk-lib derives a name itself only for the lowercase prefixes
 * (aws/aws-cdk#29151; `EcsStack` still fails at deploy), so the kit derives one
 * for the other cases, the way aws-cdk-lib does: `cp-` plus a unique name built
 * from the construct path (letters, digits, `-` and `_`, at most 255
 * characters). Other stacks keep the names they had, so existing capacity
 * providers are not replaced.
 */
export function derivedCapacityProviderName(scope: IConstruct): string | undefined {
  const stackName = Stack.of(scope).stackName;
  if (Token.isUnresolved(stackName) || !RESERVED_PREFIX.test(stackName)) return undefined;
  // aws-cdk-lib names these itself (and so they keep the names they always had).
  if (/^(aws|ecs|fargate)/.test(stackName)) return undefined;
  return `cp-${Names.uniqueResourceName(scope, { maxLength: 252, allowedSpecialCharacters: '-_' })}`;
}
