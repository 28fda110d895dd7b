import * as fc from 'fast-check';
import { parseCpuUnits, parseDuration, parseMemoryMiB, shellSplit } from '../../src/compose/values';

describe('parseDuration (Compose durations)', () => {
  test.each([
    ['10s', 10_000], ['1m30s', 90_000], ['1.5h', 5_400_000], ['500ms', 500], ['2h1m', 7_260_000], ['0', 0], [15, 15_000],
  ])('%p is %p ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  test.each(['', '10', '1x', 's', '-1s', '1m 30s', null, {}])('%p does not parse', (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });

  test('sums of units parse to the sum (property)', () => {
    fc.assert(fc.property(fc.nat(100), fc.nat(59), fc.nat(59), (h, m, s) => {
      expect(parseDuration(`${h}h${m}m${s}s`)).toBe(((h * 60 + m) * 60 + s) * 1000);
    }));
  });
});

describe('parseMemoryMiB (Compose byte sizes)', () => {
  test.each([
    ['512m', 512], ['1g', 1024], ['1.5gb', 1536], ['2048k', 2], ['1G', 1024], ['1073741824', 1024], [1048576, 1], ['100b', 1], ['1t', 1024 * 1024],
  ])('%p is %p MiB (rounded up)', (input, mib) => {
    expect(parseMemoryMiB(input)).toBe(mib);
  });

  test.each(['', 'lots', '1x', '-1g', '0', 0, true, null])('%p does not parse', (input) => {
    expect(parseMemoryMiB(input)).toBeUndefined();
  });
});

describe('parseCpuUnits', () => {
  test.each([['0.5', 512], [2, 2048], ['.25', 256], [0.1, 103]])('%p CPUs are %p units (rounded up)', (input, units) => {
    expect(parseCpuUnits(input)).toBe(units);
  });

  test.each(['', 'two', '0', -1, null, '1,5'])('%p does not parse', (input) => {
    expect(parseCpuUnits(input)).toBeUndefined();
  });
});

describe('shellSplit (string commands)', () => {
  test.each([
    ['npm start', ['npm', 'start']],
    ['redis-server --save "" --appendonly no', ['redis-server', '--save', '', '--appendonly', 'no']],
    ['sh -c \'echo "$HOME"\'', ['sh', '-c', 'echo "$HOME"']],
    ['echo "a \\"quoted\\" word"', ['echo', 'a "quoted" word']],
    ['a\\ b  c', ['a b', 'c']],
    ['  ', []],
  ])('%p splits into %p', (input, words) => {
    expect(shellSplit(input)).toEqual(words);
  });

  test('an unclosed quote gives undefined', () => {
    expect(shellSplit('echo "oops')).toBeUndefined();
    expect(shellSplit('echo \'oops')).toBeUndefined();
  });

  test('words without quotes or spaces come back unchanged (property)', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9_./=:-]{1,12}$/);
    fc.assert(fc.property(fc.array(word, { maxLength: 6 }), (words) => {
      expect(shellSplit(words.join(' '))).toEqual(words);
    }));
  });
});
