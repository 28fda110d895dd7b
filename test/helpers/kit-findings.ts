import { App } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { Finding } from './validation-report';
import * as kit from '../../src';
import { AUTHORIZATION_TOKEN_POLICY_ID } from '../../src/registry/authorization-token';

/** Every construct class cdk-ecs-kit exports: a construct under one of them is kit-created. */
const kitClasses = Object.values(kit as Record<string, unknown>).filter((value): value is new (...args: any[]) => Construct =>
  typeof value === 'function' && value.prototype instanceof Construct);

/**
 * A kit construct, or one of the resources the kit places outside its own
 * constructs: the `EcrAuthorizationToken` policy that grants attach to the
 * grantee's role, and the stack's `EcsKitKey` of the hardened profile.
 */
function isKitConstruct(construct: IConstruct): boolean {
  return kitClasses.some(cls => construct instanceof cls)
    || construct.node.id === AUTHORIZATION_TOKEN_POLICY_ID || construct.node.id === 'EcsKitKey';
}

/** An app's findings split by who created the resource: the kit, or the app itself. */
export interface FindingsByCreator {
  readonly kit: Finding[];
  readonly other: Finding[];
}

/** Splits `findings` of a synthesized `app` into those on kit-created resources and those on the app's own. */
export function findingsByCreator(app: App, findings: Finding[]): FindingsByCreator {
  const byPath = new Map(app.node.findAll().map(construct => [construct.node.path, construct]));
  const kitCreated = (finding: Finding) => {
    const construct = byPath.get(finding.constructPath.replace(/^\//, ''));
    if (!construct) throw new Error(`No construct at ${finding.constructPath} (${finding.ruleId})`);
    return construct.node.scopes.some(isKitConstruct);
  };
  return { kit: findings.filter(kitCreated), other: findings.filter(finding => !kitCreated(finding)) };
}
