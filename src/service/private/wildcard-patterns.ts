/**
 * The wildcard patterns of listener rule conditions (`*`: any run of
 * characters, `?`: exactly one), compared as the sets of strings they match.
 * Host headers compare case-insensitively: lowercase them before calling.
 */

/** Collapses runs of `*`: `a**b` matches what `a*b` matches. */
function normalize(pattern: string): string {
  return pattern.replace(/\*+/g, '*');
}

/**
 * Whether some string matches both patterns. Dynamic programming over
 * (position in a, position in b): each step consumes a wildcard as empty, or
 * one character produced by both sides.
 */
export function patternsOverlap(patternA: string, patternB: string): boolean {
  const a = normalize(patternA);
  const b = normalize(patternB);
  const memo = new Map<number, boolean>();
  const width = b.length + 1;
  const visit = (i: number, j: number): boolean => {
    const key = i * width + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === a.length && j === b.length) {
      result = true;
    } else if (i < a.length && a[i] === '*') {
      // The star matches nothing, or absorbs one character of whatever b produces next.
      result = visit(i + 1, j) || (j < b.length && visit(i, j + 1));
    } else if (j < b.length && b[j] === '*') {
      result = visit(i, j + 1) || (i < a.length && visit(i + 1, j));
    } else if (i < a.length && j < b.length) {
      result = (a[i] === b[j] || a[i] === '?' || b[j] === '?') && visit(i + 1, j + 1);
    } else {
      result = false;
    }
    memo.set(key, result);
    return result;
  };
  return visit(0, 0);
}

/**
 * Whether every string `inner` matches is also matched by `outer`. A sound
 * check (never true when it is false): `outer` must match `inner` read as a
 * string in which `*` is matched only by `*` and `?` only by `?` or `*`.
 * Exotic equivalences (`*a*` against `*a*a*`) may be missed; callers then
 * treat the pair as overlapping without containment.
 */
export function patternContains(outer: string, inner: string): boolean {
  const o = normalize(outer);
  const n = normalize(inner);
  const memo = new Map<number, boolean>();
  const width = n.length + 1;
  const visit = (i: number, j: number): boolean => {
    const key = i * width + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === o.length) {
      result = j === n.length;
    } else if (o[i] === '*') {
      result = visit(i + 1, j) || (j < n.length && visit(i, j + 1));
    } else if (j === n.length) {
      result = false;
    } else if (o[i] === '?') {
      result = n[j] !== '*' && visit(i + 1, j + 1);
    } else {
      result = o[i] === n[j] && visit(i + 1, j + 1);
    }
    memo.set(key, result);
    return result;
  };
  return visit(0, 0);
}

/** Whether any pattern of `a` overlaps any pattern of `b`. */
export function anyOverlap(a: string[], b: string[]): boolean {
  return a.some(x => b.some(y => patternsOverlap(x, y)));
}

/** Whether every pattern of `inner` lies within some pattern of `outer` (sound, as `patternContains`). */
export function allContained(outer: string[], inner: string[]): boolean {
  return inner.every(x => outer.some(y => patternContains(y, x)));
}

/** How many wildcard characters (`*` and `?`) a pattern has. */
export function wildcardCount(pattern: string): number {
  return (pattern.match(/[*?]/g) ?? []).length;
}
