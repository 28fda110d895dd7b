import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** The prefixes of cdk-nag's NIST 800-53 R5, HIPAA Security and PCI DSS 3.2.1 rule ids. */
const COMPLIANCE_PACKS = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'];

/**
 * Acknowledges one cdk-nag rule (e.g. `S3BucketReplicationEnabled`) of the
 * NIST 800-53 R5, HIPAA Security and PCI DSS 3.2.1 packs on a resource the kit
 * creates, with one reason for all three.
 */
export function acknowledgeInCompliancePacks(resource: IConstruct, rule: string, reason: string): void {
  Validations.of(resource).acknowledge(...COMPLIANCE_PACKS.map(pack => ({ id: `${pack}-${rule}`, reason })));
}
