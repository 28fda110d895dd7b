import { RemovalPolicy, aws_logs as logs } from 'aws-cdk-lib';
import { PropValidator, enumMemberName, isUnresolved } from './validation';

// The kit's one set of rules for the log groups its constructs create: logs
// expire, the retention is one CloudWatch Logs accepts, and the log group is
// never snapshotted.

/** The log-group props of a construct, as the user gave them. */
export interface LogGroupOptions {
  /** Retention of the log group(s) the construct creates. */
  readonly logRetention?: logs.RetentionDays;
  /** Removal policy of the log group(s) the construct creates. */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** A log group of the user's, used instead of creating one: the two props above then have nothing to apply to. */
  readonly logGroup?: logs.ILogGroup;
}

/** The names of the props in messages, when the construct names them otherwise. */
export interface LogGroupPropNames {
  /** @default 'logRetention' */
  readonly logRetention?: string;
  /** @default 'logRemovalPolicy' */
  readonly logRemovalPolicy?: string;
  /** @default 'logGroup' */
  readonly logGroup?: string;
}

/**
 * Checks the log-group props of a construct (tokens are skipped):
 * - `logRetention` must be one of `logs.RetentionDays` (CloudWatch Logs accepts
 *   no other number of days) and finite: logs must expire;
 * - `logRemovalPolicy` cannot be `RemovalPolicy.SNAPSHOT` (CloudFormation refuses
 *   it on a log group) and must be a `RemovalPolicy`;
 * - neither applies when the user gives their own `logGroup`.
 *
 * A construct's props object can be passed as it is: `checkLogGroupOptions(validator, props)`.
 */
export function checkLogGroupOptions(validator: PropValidator, options: LogGroupOptions, propNames: LogGroupPropNames = {}): void {
  const names = {
    logRetention: propNames.logRetention ?? 'logRetention',
    logRemovalPolicy: propNames.logRemovalPolicy ?? 'logRemovalPolicy',
    logGroup: propNames.logGroup ?? 'logGroup',
  };
  const { logRetention: retention, logRemovalPolicy: removalPolicy, logGroup } = options;

  if (retention !== undefined && !isUnresolved(retention)) {
    if (retention === logs.RetentionDays.INFINITE) {
      validator.report(names.logRetention, retentionName(retention),
        'Logs must expire: choose a finite retention such as logs.RetentionDays.THREE_MONTHS.');
    } else if (enumMemberName(logs.RetentionDays, retention) === undefined) {
      validator.report(names.logRetention, retention,
        'Use one of the logs.RetentionDays values (CloudWatch Logs accepts no other retention), e.g. logs.RetentionDays.ONE_MONTH.');
    }
  }

  if (removalPolicy !== undefined && !isUnresolved(removalPolicy)) {
    if (removalPolicy === RemovalPolicy.SNAPSHOT) {
      validator.report(names.logRemovalPolicy, removalPolicyName(removalPolicy),
        'A log group cannot be snapshotted (CloudFormation would refuse the template): ' +
        'use RemovalPolicy.RETAIN to keep the logs, or RemovalPolicy.DESTROY to delete them with the stack.');
    } else if (enumMemberName(RemovalPolicy, removalPolicy) === undefined) {
      validator.report(names.logRemovalPolicy, removalPolicy,
        'Use a RemovalPolicy: RemovalPolicy.RETAIN to keep the logs, or RemovalPolicy.DESTROY to delete them with the stack.');
    }
  }

  if (logGroup !== undefined) {
    const given = [
      { prop: names.logRetention, value: retention, shown: retention !== undefined && retentionName(retention) },
      { prop: names.logRemovalPolicy, value: removalPolicy, shown: removalPolicy !== undefined && removalPolicyName(removalPolicy) },
    ];
    for (const { prop, value, shown } of given) {
      if (value === undefined) continue;
      validator.report(prop, shown, `It applies only to a log group the construct creates, and ${names.logGroup} is given ` +
        `(${logGroup.node.path}): set it on that log group, or remove it.`);
    }
  }
}

/** `logs.RetentionDays.ONE_MONTH` for 30, as the user typed it; other values as themselves. */
function retentionName(retention: logs.RetentionDays): unknown {
  const name = isUnresolved(retention) ? undefined : enumMemberName(logs.RetentionDays, retention);
  return name === undefined ? retention : `logs.RetentionDays.${name}`;
}

/** `RemovalPolicy.RETAIN` for "retain", as the user typed it; other values as themselves. */
function removalPolicyName(policy: RemovalPolicy): unknown {
  const name = isUnresolved(policy) ? undefined : enumMemberName(RemovalPolicy, policy);
  return name === undefined ? policy : `RemovalPolicy.${name}`;
}

