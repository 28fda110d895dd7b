import { Duration, Validations, aws_sqs as sqs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { checkSeconds } from './checks';
import { hardeningOf } from '../../core/hardening';
import { PropValidator, isUnresolved } from '../../core/validation';
import type { QueueWorkerServiceProps } from '../queue-worker-service-props';

// The queue a QueueWorkerService consumes: the one given, or one it creates
// with a dead-letter queue, server-side encryption and TLS only.

/** The options that apply only to a queue the worker creates. */
const CREATED_QUEUE_OPTIONS = ['maxReceiveCount', 'queueEncryptionKey', 'visibilityTimeout', 'retentionPeriod'] as const;

/** Checks the queue props of a QueueWorkerService. */
export function checkWorkerQueueProps(validator: PropValidator, props: QueueWorkerServiceProps): void {
  if (props.queue !== undefined) {
    for (const prop of CREATED_QUEUE_OPTIONS) {
      const value = props[prop];
      if (value !== undefined) {
        validator.report(prop, value instanceof Duration ? value.toHumanString() : value, `It applies only to the queue the worker creates, and queue is given (${props.queue.node.path}): ` +
          'set it on that queue, or remove it.');
      }
    }
  }
  validator.checkInteger('maxReceiveCount', props.maxReceiveCount, 1, 1000);
  checkSeconds(validator, 'visibilityTimeout', props.visibilityTimeout, 0, 43_200, 'Use a whole number of seconds from 0 to 12 hours.');
  checkSeconds(validator, 'retentionPeriod', props.retentionPeriod, 60, 1_209_600, 'Use a whole number of seconds from 60 seconds to 14 days.');
  const variable = props.queueUrlEnvironmentVariable ?? 'QUEUE_URL';
  if (props.queueUrlEnvironmentVariable !== undefined) {
    validator.check('queueUrlEnvironmentVariable', variable, /^[A-Za-z_][A-Za-z0-9_]{0,254}$/.test(variable),
      'Use letters, digits and "_", not starting with a digit (e.g. "QUEUE_URL").');
  }
  if (!isUnresolved(variable) && props.environment && variable in props.environment) {
    validator.report('queueUrlEnvironmentVariable', variable,
      'The worker sets this variable to the queue URL, and environment sets it too: remove it from environment, or give ' +
      'queueUrlEnvironmentVariable another name.');
  }
}

/** The queue and its dead-letter queue, created in `scope` as `Queue` and `DeadLetterQueue`. */
export function createWorkerQueue(scope: Construct, props: QueueWorkerServiceProps): { queue: sqs.Queue; deadLetterQueue: sqs.Queue } {
  // queueEncryptionKey, then the construct's encryptionKey, then the hardened profile's key.
  const key = props.queueEncryptionKey ?? props.encryptionKey ?? hardeningOf(scope)?.encryptionKey();
  const encryption = key
    ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key }
    : { encryption: sqs.QueueEncryption.SQS_MANAGED };
  // Kept 14 days (the most SQS allows), longer than the queue: a standard queue's message keeps
  // its first enqueue time in the dead-letter queue, and would otherwise expire there early.
  const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', {
    ...encryption,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(deadLetterQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This is the dead-letter queue of the worker\'s queue: messages that failed maxReceiveCount times rest here for inspection.',
  });
  const queue = new sqs.Queue(scope, 'Queue', {
    ...encryption,
    enforceSSL: true,
    visibilityTimeout: props.visibilityTimeout ?? Duration.minutes(5),
    retentionPeriod: props.retentionPeriod ?? Duration.days(4),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
  });
  return { queue, deadLetterQueue };
}
