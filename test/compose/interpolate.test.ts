import * as fc from 'fast-check';
import { InterpolationError, interpolate, parseEnvFile } from '../../src/compose/interpolate';

const vars = { SET: 'value', EMPTY: '' };

describe('interpolate', () => {
  test.each([
    ['${SET}', 'value'],
    ['$SET', 'value'],
    ['$SET.suffix', 'value.suffix'],
    ['pre-${SET}-post', 'pre-value-post'],
    ['${UNSET:-default}', 'default'],
    ['${EMPTY:-default}', 'default'],
    ['${SET:-default}', 'value'],
    ['${UNSET-default}', 'default'],
    ['${EMPTY-default}', ''],
    ['${SET:?must be set}', 'value'],
    ['${EMPTY?may be empty}', ''],
    ['${SET:+replacement}', 'replacement'],
    ['${EMPTY:+replacement}', ''],
    ['${EMPTY+replacement}', 'replacement'],
    ['${UNSET+replacement}', ''],
    ['$$', '$'],
    ['$${SET}', '${SET}'],
    ['price: $$5', 'price: $5'],
    ['${UNSET:-${SET}}', 'value'],
    ['${UNSET:-a-$SET-b}', 'a-value-b'],
    ['cost $5', 'cost $5'],
    ['trailing $', 'trailing $'],
  ])('%p gives %p', (input, expected) => {
    expect(interpolate(input, vars).value).toBe(expected);
  });

  test('an unset variable becomes "" and is reported once', () => {
    expect(interpolate('${UNSET}/$UNSET/${SET}', vars)).toEqual({ value: '//value', unset: ['UNSET'] });
  });

  test('fails when a required variable is unset, with its message', () => {
    expect(() => interpolate('${DB_URL:?the API needs a database}', vars)).toThrow(/required variable DB_URL is not set: the API needs a database/);
    expect(() => interpolate('${EMPTY:?}', vars)).toThrow(/required variable EMPTY is empty/);
    expect(() => interpolate('${UNSET?}', vars)).toThrow(InterpolationError);
  });

  test.each(['${}', '${1ABC}', '${SET', '${SET:x}', '${SET!}'])('fails when the format is invalid: %p', (input) => {
    expect(() => interpolate(input, vars)).toThrow(/invalid interpolation format/);
  });

  test('strings without "$" are unchanged (property)', () => {
    fc.assert(fc.property(fc.string().filter(s => !s.includes('$')), (s) => {
      expect(interpolate(s, vars)).toEqual({ value: s, unset: [] });
    }));
  });

  test('"$$" escapes any text (property)', () => {
    fc.assert(fc.property(fc.string(), (s) => {
      expect(interpolate(s.replace(/\$/g, '$$$$'), {}).value).toBe(s);
    }));
  });

  test('${VAR:-default} is the value when set and not empty, else the default (property)', () => {
    const text = fc.string().filter(s => !/[$}]/.test(s));
    fc.assert(fc.property(fc.option(text, { nil: undefined }), text, (value, fallback) => {
      const result = interpolate(`\${X:-${fallback}}`, value === undefined ? {} : { X: value }).value;
      expect(result).toBe(value ? value : fallback);
    }));
  });
});

describe('parseEnvFile', () => {
  test('reads KEY=value lines, quotes, comments, export and interpolation', () => {
    const file = [
      '# comment',
      '',
      'PLAIN=value # trailing comment',
      'export EXPORTED=yes',
      'SINGLE=\'$LITERAL #not a comment\'',
      'DOUBLE="line\\nbreak ${PLAIN}"',
      'FROM_GIVEN=${GIVEN:-none}',
      'EMPTY=',
      'ONLY_NAME',
      'GIVEN',
    ].join('\n');
    const result = parseEnvFile(file, { GIVEN: 'given' });
    expect(result.problems).toEqual([]);
    expect(result.values).toEqual({
      PLAIN: 'value',
      EXPORTED: 'yes',
      SINGLE: '$LITERAL #not a comment',
      DOUBLE: 'line\nbreak value',
      FROM_GIVEN: 'given',
      EMPTY: '',
      GIVEN: 'given',
    });
  });

  test('fails when a line is not KEY=value, naming the line', () => {
    const result = parseEnvFile('OK=1\nnot a variable\nBAD="unclosed\n');
    expect(result.problems.map(p => p.line)).toEqual([2, 3]);
    expect(result.problems[0].fix).toMatch(/KEY=value/);
    expect(result.problems[1].fix).toMatch(/unclosed double quote/);
  });
});
