import {
  Duration,
  RemovalPolicy,
  aws_cloudwatch as cloudwatch,
  aws_ecs as ecs,
  aws_kms as kms,
  aws_logs as logs,
  aws_servicediscovery as servicediscovery,
  aws_sns as sns,
} from 'aws-cdk-lib';

/**
 * What every load-balanced web service of the kit runs and how, whatever its
 * compute: its container, routing on the load balancer, health checks,
 * scaling, deployments and operations.
 *
 * `FargateWebServiceOptions` and `Ec2WebServiceProps` add the task size and
 * where the tasks run.
 */
export interface WebServiceOptions {
  /**
   * The container image, e.g. `repo.containerImage('v1.2.3')` for an
   * `EcrRepository`: the task's execution role is granted pull access.
   */
  readonly image: ecs.ContainerImage;

  // ---- container

  /**
   * Name of the web container (also its log stream prefix): 1 to 255 letters,
   * digits, `_` and `-`, known at synth time (not a token).
   *
   * @default 'web'
   */
  readonly containerName?: string;

  /**
   * The port the container listens on for HTTP (1–65535).
   *
   * @default 80
   */
  readonly containerPort?: number;

  /**
   * Environment variables (non-secret configuration). Values are visible in
   * the task definition: pass secrets through `secrets`.
   *
   * @default - no environment variables
   */
  readonly environment?: { [name: string]: string };

  /**
   * Secrets from Secrets Manager or SSM Parameter Store, exposed as environment
   * variables. The execution role is granted read access to each.
   *
   * @default - no secrets
   */
  readonly secrets?: { [name: string]: ecs.Secret };

  /**
   * A container health check (a command run inside the container). The load
   * balancer's health check (`healthCheckPath`) is separate and always on.
   *
   * @default - the image's health check, if any
   */
  readonly containerHealthCheck?: ecs.HealthCheck;

  // ---- routing on the load balancer

  /**
   * Host names routed to this service (`Host` header, `*` and `?` wildcards).
   *
   * @default - any host
   */
  readonly hostHeaders?: string[];

  /**
   * Path patterns routed to this service, starting with `/` (e.g. `['/api/*']`).
   *
   * Without `hostHeaders` and `pathPatterns`, the service is the load
   * balancer's default target: it receives every request no other rule matches.
   *
   * @default - any path
   */
  readonly pathPatterns?: string[];

  /**
   * Priority of the listener rule (1–50000, lower is evaluated first, unique per listener).
   * Only with `hostHeaders` or `pathPatterns`.
   *
   * @default - the next free multiple of 10, in the order services attach
   */
  readonly priority?: number;

  // ---- target group

  /**
   * Path of the load balancer's health check; starts with `/`.
   *
   * @default '/'
   */
  readonly healthCheckPath?: string;

  /**
   * HTTP codes that count as healthy: codes, ranges and lists such as
   * `'200'`, `'200-299'` or `'200,302'` (200–499).
   *
   * @default '200-399' - redirects (e.g. to a login page) count as healthy
   */
  readonly healthyHttpCodes?: string;

  /**
   * Time between health checks, 5 to 300 seconds.
   *
   * @default Duration.seconds(15)
   */
  readonly healthCheckInterval?: Duration;

  /**
   * Time after which a health check without response fails, 2 to 120 seconds,
   * less than `healthCheckInterval`.
   *
   * @default Duration.seconds(5)
   */
  readonly healthCheckTimeout?: Duration;

  /**
   * Consecutive successful health checks before a task receives traffic (2–10).
   *
   * @default 2
   */
  readonly healthyThresholdCount?: number;

  /**
   * Consecutive failed health checks before a task is taken out of service (2–10).
   *
   * @default 3
   */
  readonly unhealthyThresholdCount?: number;

  /**
   * How long the load balancer lets in-flight requests finish before a
   * stopping task is deregistered, 0 to 3600 seconds.
   *
   * @default Duration.seconds(30)
   */
  readonly deregistrationDelay?: Duration;

  /**
   * Sticky sessions with a load-balancer cookie that lasts this long (1 second to 7 days).
   *
   * @default - no stickiness
   */
  readonly stickinessCookieDuration?: Duration;

  /**
   * Ramp traffic to a new task up over this time (30 to 900 seconds).
   *
   * @default - new tasks get their full share at once
   */
  readonly slowStart?: Duration;

  // ---- scaling

  /**
   * Number of tasks to create the service with, between `minCapacity` and `maxCapacity`.
   *
   * Setting it writes `DesiredCount` into the template, and CloudFormation then
   * sets the count back to it on every update of the service (a new image, for
   * example), undoing auto scaling until it scales again. Leave it out unless
   * the service must start with more tasks than `minCapacity`.
   *
   * @default - not in the template: the service is created with one task and
   * auto scaling raises it to `minCapacity` (2) right away; deployments keep
   * the count auto scaling chose
   */
  readonly desiredCount?: number;

  /**
   * Fewest tasks auto scaling keeps running.
   *
   * @default - 2 (one task per Availability Zone of a two-AZ VPC), or
   * `desiredCount` or `maxCapacity` when smaller
   */
  readonly minCapacity?: number;

  /**
   * Most tasks auto scaling starts.
   *
   * @default - 10, or `minCapacity` or `desiredCount` when larger
   */
  readonly maxCapacity?: number;

  /**
   * Average CPU utilization (percent, 1–100) that auto scaling keeps the service at.
   *
   * @default 70
   */
  readonly targetCpuUtilizationPercent?: number;

  /**
   * Average memory utilization (percent, 1–100) that auto scaling keeps the service at.
   *
   * @default - memory does not drive scaling
   */
  readonly targetMemoryUtilizationPercent?: number;

  /**
   * Requests per task per minute that auto scaling keeps the service at (at least 1).
   *
   * @default - request count does not drive scaling
   */
  readonly targetRequestsPerTarget?: number;

  /**
   * Time after a scale-in before another scale-in (0 to 3600 seconds).
   *
   * @default Duration.minutes(5)
   */
  readonly scaleInCooldown?: Duration;

  /**
   * Time after a scale-out before another scale-out (0 to 3600 seconds).
   *
   * @default Duration.minutes(1)
   */
  readonly scaleOutCooldown?: Duration;

  // ---- deployment safety

  /**
   * Stop a deployment whose tasks keep failing to start or to pass health
   * checks, and roll back to the last working task definition.
   *
   * @default true
   */
  readonly circuitBreaker?: boolean;

  /**
   * Lower limit of running tasks during a deployment, in percent of the
   * desired count (0–100). 100 keeps full capacity while new tasks start.
   *
   * @default 100
   */
  readonly minHealthyPercent?: number;

  /**
   * Upper limit of running tasks during a deployment, in percent of the
   * desired count; more than `minHealthyPercent` and at least 100.
   *
   * @default 200
   */
  readonly maxHealthyPercent?: number;

  /**
   * CloudWatch alarms that roll a deployment back when they go off during it.
   *
   * @default - no alarm rolls back a deployment (the circuit breaker still does)
   */
  readonly deploymentAlarms?: cloudwatch.IAlarm[];

  /**
   * Roll a deployment back when the target 5xx alarm (see `enableAlarms`)
   * goes off during it; creates that alarm if `enableAlarms` is off.
   *
   * @default false
   */
  readonly rollbackOnTarget5xx?: boolean;

  /**
   * Time after a task starts during which failed load balancer health checks
   * do not stop it (0 to 7200 seconds): the application's start-up time.
   *
   * @default Duration.seconds(60)
   */
  readonly healthCheckGracePeriod?: Duration;

  // ---- operations

  /**
   * Name of the ECS service: 1 to 255 letters, digits, `_` and `-`.
   *
   * @default - CloudFormation generates a unique name
   */
  readonly serviceName?: string;

  /**
   * How long container logs are kept (a finite retention).
   *
   * @default logs.RetentionDays.ONE_MONTH; in the hardened profile, its `logRetention` (a year)
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The customer managed KMS key that encrypts the log group the service
   * creates. The kit lets CloudWatch Logs (`logs.<region>.amazonaws.com`) use a
   * key of the app; an imported key's policy must already allow it.
   *
   * @default - CloudWatch Logs' own encryption; in the hardened profile, the profile's key
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * What happens to the log group when it is removed from the stack
   * (`RemovalPolicy.SNAPSHOT` is refused: log groups cannot be snapshotted).
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;

  /**
   * Allow `aws ecs execute-command` into running containers (ECS Exec).
   *
   * @default false
   */
  readonly enableExecuteCommand?: boolean;

  /**
   * Register the service with ECS Service Connect, so that other services of
   * the namespace reach it at `http://<serviceConnectDnsName>:<containerPort>`.
   *
   * @default false
   */
  readonly enableServiceConnect?: boolean;

  /**
   * Cloud Map namespace for Service Connect.
   *
   * @default - the cluster's default namespace (required when this is not given)
   */
  readonly serviceConnectNamespace?: servicediscovery.INamespace;

  /**
   * Service Connect DNS name of the service: up to 63 lowercase letters, digits
   * and `-`. It is also the port mapping name and the Cloud Map service name,
   * unique in the namespace (two services with one name are refused).
   *
   * @default - the container name in lowercase, other characters than letters,
   * digits, `_` and `-` replaced by `-`, at most 64 characters
   */
  readonly serviceConnectDnsName?: string;

  /**
   * Create alarms: target 5xx responses, unhealthy tasks, CPU and memory (see README for thresholds).
   *
   * @default - true when `alarmTopic` is given, false otherwise
   */
  readonly enableAlarms?: boolean;

  /**
   * SNS topic notified when an alarm goes off and when it recovers.
   *
   * @default - alarms have no action
   */
  readonly alarmTopic?: sns.ITopic;
}
