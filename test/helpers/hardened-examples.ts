import { Hardening } from '../../src/core/hardening';

/** A regional web ACL of the user's: the profile associates it with every load balancer of the examples. */
export const EXAMPLE_WEB_ACL_ARN = 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/examples/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111';

/** What a regulated user of an example gives besides the profile: fargate-web-app's domain, for HTTPS. */
const EXAMPLE_CONTEXT: Record<string, Record<string, unknown>> = {
  'fargate-web-app': { domainName: 'shop.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' },
};

/** The context of an example in the hardened profile: its cdk.json's, its domain if it takes one, the profile with a web ACL. */
export function hardenedExampleContext(name: string, cdkJsonContext: Record<string, unknown>): Record<string, unknown> {
  return { ...cdkJsonContext, ...EXAMPLE_CONTEXT[name], [Hardening.CONTEXT_KEY]: { webAclArn: EXAMPLE_WEB_ACL_ARN } };
}

/** Whether the example, in the hardened profile, still serves plain HTTP (it takes no domain). */
export function servesPlainHttp(name: string): boolean {
  return EXAMPLE_CONTEXT[name]?.domainName === undefined;
}

/**
 * The rules that fire on a listener serving plain HTTP. An example without a
 * domain serves HTTP, and the kit warns (`plainHttp`) with the fix — a domain
 * or a certificate, which clears both; fargate-web-app, given its domain,
 * shows it. They are the example's choice, not the kit's.
 */
export const PLAIN_HTTP_RULES = /^(NIST\.800\.53\.R5|HIPAA\.Security|PCI\.DSS\.321)-(ALBHttpToHttpsRedirection|ELBv2ACMCertificateRequired)$/;
