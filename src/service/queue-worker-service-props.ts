import { Duration, aws_kms as kms, aws_sqs as sqs } from 'aws-cdk-lib';
import { ContainerServiceProps } from './container-service-props';

/**
 * Properties of a `QueueWorkerService`.
 */
export interface QueueWorkerServiceProps extends ContainerServiceProps {
  // ---- the queue

  /**
   * The queue to consume. Not allowed with the options of the queue the
   * worker creates (`maxReceiveCount`, `queueEncryptionKey`,
   * `visibilityTimeout`, `retentionPeriod`).
   *
   * @default - a new queue (SSE, TLS only) with a dead-letter queue
   */
  readonly queue?: sqs.IQueue;

  /**
   * Receives of a message before it moves to the dead-letter queue (1–1000).
   *
   * @default 5
   */
  readonly maxReceiveCount?: number;

  /**
   * KMS key that encrypts the created queue and its dead-letter queue; the
   * task role is granted its use for decrypting. Producers need its use too
   * (`queue.grantSendMessages` grants it); an SNS topic or EventBridge rule
   * that sends to the queue needs the key policy to allow its service principal.
   *
   * @default - `encryptionKey` when given; otherwise SQS-managed server-side
   * encryption (SSE-SQS); in the hardened profile, the profile's key
   */
  readonly queueEncryptionKey?: kms.IKey;

  /**
   * How long a received message stays invisible to other workers (0 seconds
   * to 12 hours): longer than a worker needs to process a message, or the
   * message is delivered twice.
   *
   * @default Duration.minutes(5)
   */
  readonly visibilityTimeout?: Duration;

  /**
   * How long the created queue keeps a message (60 seconds to 14 days). The
   * dead-letter queue keeps its messages 14 days.
   *
   * @default Duration.days(4)
   */
  readonly retentionPeriod?: Duration;

  /**
   * Name of the environment variable that holds the queue URL.
   *
   * @default 'QUEUE_URL'
   */
  readonly queueUrlEnvironmentVariable?: string;

  // ---- scaling on the backlog

  /**
   * Messages visible per running task that auto scaling keeps the service
   * at: `ApproximateNumberOfMessagesVisible ÷ RunningTaskCount` (Container
   * Insights must be on for the cluster). Choose it as the acceptable
   * latency divided by the time a task takes per message.
   *
   * @default 10
   */
  readonly targetBacklogPerTask?: number;

  /**
   * Stop every task when the queue is empty, and start one when messages
   * arrive (`minCapacity` 0 plus a step-scaling rule that starts the first
   * task). Messages then wait up to a few minutes for a task to start.
   *
   * @default false
   */
  readonly scaleToZero?: boolean;
}
