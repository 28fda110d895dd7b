import { CfnParameter, Stack } from 'aws-cdk-lib';
import { EcsKitValidationError } from '../../src';
import { PropValidator, describeValue } from '../../src/core/validation';

describe('EcsKitValidationError', () => {
  test('carries the construct path and every problem', () => {
    // GIVEN
    const stack = new Stack(undefined, 'Stack');
    const validator = new PropValidator(stack, 'Thing');
    // WHEN
    validator.report('size', 0, 'Use at least 1.');
    validator.report('name', 'A B', 'Use lowercase letters.');
    // THEN
    expect(() => validator.throwIfInvalid()).toThrow(EcsKitValidationError);
    try {
      validator.throwIfInvalid();
    } catch (e: any) {
      expect(e.constructPath).toBe('Stack');
      expect(e.problems).toEqual([
        { prop: 'size', received: '0', fix: 'Use at least 1.' },
        { prop: 'name', received: '"A B"', fix: 'Use lowercase letters.' },
      ]);
      expect(e.message).toBe([
        "Thing at 'Stack' has 2 invalid props:",
        '  - size: received 0. Use at least 1.',
        '  - name: received "A B". Use lowercase letters.',
      ].join('\n'));
      expect(e.name).toBe('EcsKitValidationError');
      expect(EcsKitValidationError.isEcsKitValidationError(e)).toBe(true);
    }
  });

  test('does not throw without problems', () => {
    const validator = new PropValidator(new Stack(), 'Thing');
    validator.checkInteger('count', 3, 1, 10);
    expect(validator.hasProblems).toBe(false);
    expect(() => validator.throwIfInvalid()).not.toThrow();
  });

  test('skips unresolved tokens', () => {
    const stack = new Stack();
    const token = new CfnParameter(stack, 'P', { type: 'Number' }).valueAsNumber;
    const validator = new PropValidator(stack, 'Thing');
    validator.checkInteger('count', token, 1, 10);
    validator.check('names', ['ok', new CfnParameter(stack, 'Q').valueAsString], false, 'never');
    expect(validator.hasProblems).toBe(false);
  });

  test('isEcsKitValidationError is false for other values', () => {
    expect(EcsKitValidationError.isEcsKitValidationError(new Error('x'))).toBe(false);
    expect(EcsKitValidationError.isEcsKitValidationError(null)).toBe(false);
    expect(EcsKitValidationError.isEcsKitValidationError('x')).toBe(false);
  });

  test('describeValue renders values for messages', () => {
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue('a')).toBe('"a"');
    expect(describeValue(['a', 1])).toBe('["a",1]');
    const cyclic: any = {};
    cyclic.self = cyclic;
    expect(describeValue(cyclic)).toBe('[object Object]');
    // Constructs (buckets, certificates, topics) by their path.
    expect(describeValue(new Stack(undefined, 'Shop'))).toBe('<Shop>');
  });
});
