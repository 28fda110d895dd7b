import { CfnParameter, RemovalPolicy, Stack, Token, aws_logs as logs } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { LogGroupOptions, LogGroupPropNames, checkLogGroupOptions } from '../../src/core/log-group-checks';
import { PropValidator } from '../../src/core/validation';
import { errorOf, expectAcceptedOnlyWhen } from '../helpers/validators';

/** The problems `checkLogGroupOptions` reports for `options`, as [prop, received, fix]. */
function problemsOf(options: LogGroupOptions, propNames?: LogGroupPropNames, stack = new Stack()): string[][] {
  const validator = new PropValidator(stack, 'Thing');
  checkLogGroupOptions(validator, options, propNames);
  if (!validator.hasProblems) return [];
  return errorOf(() => validator.throwIfInvalid()).problems.map(p => [p.prop, p.received, p.fix]);
}

describe('checkLogGroupOptions', () => {
  test('accepts no options, and every finite retention with RETAIN, RETAIN_ON_UPDATE_OR_DELETE or DESTROY', () => {
    // GIVEN every finite retention and every removal policy a log group takes
    const retentions = Object.values(logs.RetentionDays).filter((v): v is logs.RetentionDays =>
      typeof v === 'number' && v !== logs.RetentionDays.INFINITE);
    const policies = [RemovalPolicy.RETAIN, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, RemovalPolicy.DESTROY];
    // THEN none is refused
    expect(problemsOf({})).toEqual([]);
    for (const logRetention of retentions) {
      for (const logRemovalPolicy of policies) {
        expect(problemsOf({ logRetention, logRemovalPolicy })).toEqual([]);
      }
    }
  });

  test('fails when logRetention is INFINITE: logs must expire', () => {
    // WHEN logs would be kept forever
    const problems = problemsOf({ logRetention: logs.RetentionDays.INFINITE });
    // THEN the enum member is named as the user typed it
    expect(problems).toEqual([['logRetention', '"logs.RetentionDays.INFINITE"',
      'Logs must expire: choose a finite retention such as logs.RetentionDays.THREE_MONTHS.']]);
  });

  test('fails when logRetention is not a retention CloudWatch Logs accepts', () => {
    // WHEN the retention is a number of days that is not a RetentionDays value
    const problems = problemsOf({ logRetention: 4 as logs.RetentionDays });
    // THEN the number is shown, and the enum proposed
    expect(problems).toEqual([['logRetention', '4',
      'Use one of the logs.RetentionDays values (CloudWatch Logs accepts no other retention), e.g. logs.RetentionDays.ONE_MONTH.']]);
  });

  test('fails when logRemovalPolicy is SNAPSHOT (a log group cannot be snapshotted) or not a RemovalPolicy', () => {
    expect(problemsOf({ logRemovalPolicy: RemovalPolicy.SNAPSHOT })).toEqual([['logRemovalPolicy', '"RemovalPolicy.SNAPSHOT"',
      'A log group cannot be snapshotted (CloudFormation would refuse the template): ' +
      'use RemovalPolicy.RETAIN to keep the logs, or RemovalPolicy.DESTROY to delete them with the stack.']]);
    expect(problemsOf({ logRemovalPolicy: 'keep' as RemovalPolicy })).toEqual([['logRemovalPolicy', '"keep"',
      'Use a RemovalPolicy: RemovalPolicy.RETAIN to keep the logs, or RemovalPolicy.DESTROY to delete them with the stack.']]);
  });

  test('fails when logRetention or logRemovalPolicy is given with the user\'s own logGroup', () => {
    // GIVEN a log group of the user's
    const stack = new Stack(undefined, 'Stack');
    const logGroup = new logs.LogGroup(stack, 'Shared');
    // WHEN the props for a created log group are given too
    const problems = problemsOf({ logGroup, logRetention: logs.RetentionDays.ONE_DAY, logRemovalPolicy: RemovalPolicy.DESTROY }, {}, stack);
    // THEN both are refused, naming the log group
    const fix = 'It applies only to a log group the construct creates, and logGroup is given (Stack/Shared): set it on that log group, or remove it.';
    expect(problems).toEqual([
      ['logRetention', '"logs.RetentionDays.ONE_DAY"', fix],
      ['logRemovalPolicy', '"RemovalPolicy.DESTROY"', fix],
    ]);
    expect(problemsOf({ logGroup }, {}, stack)).toEqual([]);
  });

  test('names the props as the construct does', () => {
    // GIVEN a construct whose log-group props have other names
    const stack = new Stack(undefined, 'Stack');
    const names = { logRetention: 'flowLogRetention', logRemovalPolicy: 'flowLogRemovalPolicy', logGroup: 'flowLogGroup' };
    // WHEN they are refused
    const problems = problemsOf({
      logRetention: logs.RetentionDays.INFINITE, logRemovalPolicy: RemovalPolicy.SNAPSHOT, logGroup: new logs.LogGroup(stack, 'Mine'),
    }, names, stack);
    // THEN the messages use those names
    expect(problems.map(([prop]) => prop)).toEqual(['flowLogRetention', 'flowLogRemovalPolicy', 'flowLogRetention', 'flowLogRemovalPolicy']);
    expect(problems[2][2]).toMatch(/and flowLogGroup is given \(Stack\/Mine\)/);
  });

  test('skips unresolved tokens', () => {
    // GIVEN a retention and a removal policy from parameters
    const stack = new Stack();
    const logRetention = new CfnParameter(stack, 'Days', { type: 'Number' }).valueAsNumber as logs.RetentionDays;
    const logRemovalPolicy = Token.asString({ Ref: 'Policy' }) as RemovalPolicy;
    // THEN there is nothing to check at synth time
    expect(problemsOf({ logRetention, logRemovalPolicy }, {}, stack)).toEqual([]);
  });

  test('accepts exactly the finite RetentionDays values and the removal policies other than SNAPSHOT (property)', () => {
    const members = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number');
    fc.assert(fc.property(
      fc.option(fc.oneof(fc.constantFrom(...members), fc.integer({ min: -1, max: 10_000 })), { nil: undefined }),
      fc.option(fc.constantFrom(...Object.values(RemovalPolicy), 'snapshot-ish'), { nil: undefined }),
      (retention, policy) => {
        const valid = (retention === undefined || (members.includes(retention) && retention !== logs.RetentionDays.INFINITE))
          && (policy === undefined || (policy !== RemovalPolicy.SNAPSHOT && (Object.values(RemovalPolicy) as string[]).includes(policy)));
        expectAcceptedOnlyWhen(valid, () => {
          const validator = new PropValidator(new Stack(), 'Thing');
          checkLogGroupOptions(validator, { logRetention: retention, logRemovalPolicy: policy as RemovalPolicy | undefined });
          validator.throwIfInvalid();
        });
      }), { numRuns: 40 });
  });
});
