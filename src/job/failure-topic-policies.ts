import { ArnFormat, Stack, aws_iam as iam, aws_kms as kms, aws_sns as sns } from 'aws-cdk-lib';

/**
 * CloudWatch alarms and EventBridge rules of this account may publish to the
 * job's encrypted failure topic. SNS encrypts each message with the topic's
 * key on behalf of the publishing service, so the key policy must let the
 * service principal use the key, and the topic policy (which `enforceSSL`
 * makes explicit, replacing SNS's default one) must let it publish.
 *
 * CloudWatch's requests carry `aws:SourceAccount` and `aws:SourceArn` (the
 * alarm), both in the key policy and in the topic policy. EventBridge's
 * requests to KMS through an encrypted topic do not ("Adding the
 * aws:SourceAccount and aws:SourceArn to a AWS KMS policy is not supported for
 * EventBridge-to-encrypted topics", SNS Developer Guide, key management): that
 * key statement is scoped by the encryption context SNS passes (the topic ARN,
 * within this account and region) instead, and `aws:SourceAccount` only where
 * present; its topic statement is scoped to the account's rules as usual.
 *
 * The key statements are the same for every job, so jobs that share a key
 * (the hardened profile's) add them once. On an imported key they are not
 * added: its policy must allow the same.
 */
export function allowServicesToPublish(topic: sns.Topic, key: kms.IKey): void {
  const stack = Stack.of(topic);
  const alarms = stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  const rules = stack.formatArn({ service: 'events', resource: 'rule', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
  const topicsOfAccount = stack.formatArn({ service: 'sns', resource: '*', arnFormat: ArnFormat.NO_RESOURCE_NAME });
  const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
  const eventBridge = new iam.ServicePrincipal('events.amazonaws.com');
  const keyActions = ['kms:Decrypt', 'kms:GenerateDataKey*'];

  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'CloudWatchAlarmsPublishToFailureTopic',
    principals: [cloudWatch],
    actions: keyActions,
    resources: ['*'],
    conditions: { StringEquals: { 'aws:SourceAccount': stack.account }, ArnLike: { 'aws:SourceArn': alarms } },
  }));
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'EventBridgeRulesPublishToFailureTopic',
    principals: [eventBridge],
    actions: keyActions,
    resources: ['*'],
    conditions: {
      StringLike: { 'kms:EncryptionContext:aws:sns:topicArn': topicsOfAccount },
      StringEqualsIfExists: { 'aws:SourceAccount': stack.account },
    },
  }));
  topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'CloudWatchAlarmsPublish',
    principals: [cloudWatch],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: { StringEquals: { 'aws:SourceAccount': stack.account }, ArnLike: { 'aws:SourceArn': alarms } },
  }));
  topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'EventBridgeRulesPublish',
    principals: [eventBridge],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: { StringEquals: { 'aws:SourceAccount': stack.account }, ArnLike: { 'aws:SourceArn': rules } },
  }));
}

/**
 * Nobody may create a grant on the job's own topic key except on behalf of an
 * AWS service (`kms:GrantIsForAWSResource`): SNS, Step Functions and
 * CloudWatch use the key through the key policy and IAM, never through
 * grants, so a grant a principal creates directly could only hand the key's
 * use to someone outside them.
 */
export function limitGrantsToAwsServices(key: kms.Key): void {
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'GrantsOnlyForAwsServices',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { Bool: { 'kms:GrantIsForAWSResource': 'false' } },
  }));
}
