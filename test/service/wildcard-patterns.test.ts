import * as fc from 'fast-check';
import { patternContains, patternsOverlap, wildcardCount } from '../../src/service/private/wildcard-patterns';

/** What a listener condition value matches, as a regular expression: `*` any run, `?` one character. */
function matcher(pattern: string): RegExp {
  return new RegExp('^' + pattern.split('').map(ch => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/]/g, '\\$&'))).join('') + '$');
}

/** Every string over the alphabet up to `maxLength` characters: the brute-force oracle's universe. */
function allStrings(alphabet: string[], maxLength: number): string[] {
  const result = [''];
  let frontier = [''];
  for (let length = 1; length <= maxLength; length++) {
    frontier = frontier.flatMap(prefix => alphabet.map(ch => prefix + ch));
    result.push(...frontier);
  }
  return result;
}

const UNIVERSE = allStrings(['a', 'b', '/'], 7);
const pattern = fc.array(fc.constantFrom('a', 'b', '/', '*', '?'), { maxLength: 5 }).map(chars => chars.join(''));

describe('wildcard patterns', () => {
  test.each([
    ['/api/*', '/api/admin/*', true, true],
    ['/api/*', '/app/*', false, false],
    ['/a*', '/*b', true, false],
    ['*', 'anything', true, true],
    ['/a*', '/a?c', true, true],
    ['/a*b', '/ab', true, true],
  ])('%s and %s: overlap %s, second within first %s', (outer, inner, overlap, contains) => {
    expect(patternsOverlap(outer, inner)).toBe(overlap);
    expect(patternsOverlap(inner, outer)).toBe(overlap);
    expect(patternContains(outer, inner)).toBe(contains);
  });

  test('property: two patterns overlap exactly when some short string matches both', () => {
    fc.assert(fc.property(pattern, pattern, (a, b) => {
      // A common string, if any, exists within the patterns' literal length plus one character per wildcard: 7 covers two 5-character patterns' overlaps here.
      const witness = UNIVERSE.some(s => matcher(a).test(s) && matcher(b).test(s));
      expect(patternsOverlap(a, b)).toBe(witness);
    }), { numRuns: 400 });
  });

  test('property: containment is sound — when it says yes, no string matches the inner pattern but not the outer', () => {
    fc.assert(fc.property(pattern, pattern, (outer, inner) => {
      if (patternContains(outer, inner)) {
        expect(UNIVERSE.filter(s => matcher(inner).test(s) && !matcher(outer).test(s))).toEqual([]);
      }
    }), { numRuns: 400 });
  });

  test('counts wildcards', () => {
    expect(wildcardCount('/a/*/b?/*')).toBe(3);
    expect(wildcardCount('api.example.com')).toBe(0);
  });
});
