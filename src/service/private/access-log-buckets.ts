import { Duration, RemovalPolicy, Stack, Validations, aws_iam as iam, aws_kms as kms, aws_s3 as s3 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { acknowledgeInCompliancePacks } from '../../core/pack-acknowledgments';

/** How long noncurrent versions of log objects are kept in a versioned kit log bucket. */
const NONCURRENT_VERSIONS_KEPT = Duration.days(30);

/** How the kit creates a load balancer's access-log bucket. */
export interface AccessLogsBucketOptions {
  /** How long logs are kept; `undefined` keeps them forever. */
  readonly retention?: Duration;
  /** Whether the bucket keeps every version of its objects. */
  readonly versioned: boolean;
  /** Whether requests to the bucket are logged to a separate log bucket. */
  readonly serverAccessLogs: boolean;
  /** The key of the server access log bucket (SSE-S3 without one). */
  readonly serverAccessLogsKey?: kms.IKey;
}

/** The access-log bucket (`AccessLogs`) and the bucket of its server access logs (`ServerAccessLogs`), if any. */
export interface AccessLogsBuckets {
  readonly accessLogs: s3.Bucket;
  readonly serverAccessLogs?: s3.Bucket;
}

const REPLICATION_REASON = 'Replication needs a destination bucket in another Region (and a replication role), which a ' +
  'construct deployed to one Region cannot create; the bucket is versioned and retained when the stack is deleted. ' +
  'To keep a replicated copy, give accessLogsBucket: a bucket of your own with replication configured (it is used as it is).';

/**
 * Creates the access-log bucket of a load balancer in `scope` (with the id
 * `AccessLogs`, as it always had), and the bucket of its server access logs
 * (`ServerAccessLogs`) when asked.
 */
export function createAccessLogsBuckets(scope: Construct, options: AccessLogsBucketOptions): AccessLogsBuckets {
  const serverAccessLogs = options.serverAccessLogs ? createServerAccessLogsBucket(scope, options) : undefined;
  const accessLogs = new s3.Bucket(scope, 'AccessLogs', {
    // Elastic Load Balancing writes access logs only to SSE-S3 encrypted buckets.
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: options.versioned || undefined,
    lifecycleRules: [logLifecycle('ExpireAccessLogs', options)],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  if (serverAccessLogs) {
    logRequestsTo(accessLogs, serverAccessLogs);
  } else {
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket holds the load balancer\'s access logs, which already record every request; logging access ' +
        'to it would need another log bucket, which would need one in turn. Access is TLS-only and public access is blocked.',
    });
  }
  acknowledgeInCompliancePacks(accessLogs, 'S3DefaultEncryptionKMS',
    'Elastic Load Balancing writes access logs only to buckets encrypted with SSE-S3 (Amazon S3 managed keys): ' +
    'a bucket whose default encryption is SSE-KMS receives no logs. The objects are encrypted at rest with AES-256, ' +
    'the bucket accepts only TLS requests and blocks public access.');
  acknowledgeInCompliancePacks(accessLogs, 'S3BucketReplicationEnabled', REPLICATION_REASON);
  return { accessLogs, serverAccessLogs };
}

/** The bucket that receives the S3 server access logs of the access-log bucket. */
function createServerAccessLogsBucket(scope: Construct, options: AccessLogsBucketOptions): s3.Bucket {
  const bucket = new s3.Bucket(scope, 'ServerAccessLogs', {
    // S3 server access logging writes to SSE-S3 buckets, and to SSE-KMS buckets with a customer managed key.
    encryption: options.serverAccessLogsKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
    encryptionKey: options.serverAccessLogsKey,
    bucketKeyEnabled: options.serverAccessLogsKey ? true : undefined,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    lifecycleRules: [logLifecycle('ExpireServerAccessLogs', { ...options, versioned: true })],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // cdk-nag counts a bucket that receives another bucket's server access logs as logged (S3BucketLoggingEnabled).
  acknowledgeInCompliancePacks(bucket, 'S3BucketReplicationEnabled', REPLICATION_REASON.replace(
    'give accessLogsBucket', 'give accessLogsBucket instead of having the kit create the access-log bucket and this one'));
  return bucket;
}

const S3_LOGGING_SERVICE = 'logging.s3.amazonaws.com';

/**
 * Turns on S3 server access logging of `source` into `target`, with the
 * bucket policy statement (and key grant) S3 log delivery needs.
 *
 * Not through the `serverAccessLogsBucket` prop of `s3.Bucket`: without the
 * `@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy` feature flag it grants
 * delivery with the `LogDeliveryWrite` ACL, which turns ACLs back on in the
 * target bucket; the kit's buckets behave the same whatever the app's flags.
 */
function logRequestsTo(source: s3.Bucket, target: s3.Bucket): void {
  (source.node.defaultChild as s3.CfnBucket).loggingConfiguration = { destinationBucketName: target.bucketName };
  target.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowServerAccessLogDelivery',
    principals: [new iam.ServicePrincipal(S3_LOGGING_SERVICE)],
    actions: ['s3:PutObject'],
    resources: [target.arnForObjects('*')],
    conditions: {
      ArnLike: { 'aws:SourceArn': source.bucketArn },
      StringEquals: { 'aws:SourceAccount': Stack.of(target).account },
    },
  }));
  // The statement names the source bucket, so the source cannot wait for it: S3 delivers logs once both exist.
  // A key of this app gets the statement; an imported key's policy must already allow the service (as aws-cdk-lib does).
  target.encryptionKey?.grantEncryptDecrypt(new iam.ServicePrincipal(S3_LOGGING_SERVICE));
}

/** Expires log objects after the retention (if any), and noncurrent versions 30 days later when versioned. */
function logLifecycle(id: string, options: { retention?: Duration; versioned: boolean }): s3.LifecycleRule {
  return {
    id,
    expiration: options.retention,
    noncurrentVersionExpiration: options.versioned ? NONCURRENT_VERSIONS_KEPT : undefined,
    abortIncompleteMultipartUploadAfter: Duration.days(1),
  };
}
