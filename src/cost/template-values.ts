/**
 * Readers of values in a synthesized template, for the cost estimate. A
 * template may hold anything where a literal is expected — intrinsic functions
 * (`Fn::If`, `Ref`, `Fn::Select`…), dynamic references, escape-hatch overrides
 * of any shape — so every reader accepts any JSON value and returns `undefined`
 * for what it cannot read as a literal of its kind. None of them throws.
 */

/** A JSON object (not null, not an array), or undefined. */
export function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
}

/** An own property of a JSON object: never one inherited from `Object.prototype` (`constructor`, `__proto__`). */
export function propertyOf(value: unknown, key: string): unknown {
  const object = objectOf(value);
  return object !== undefined && Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

/** The value at a path of own properties (`['LaunchTemplate', 'Overrides']`), or undefined. */
export function pathOf(value: unknown, ...keys: string[]): unknown {
  return keys.reduce<unknown>((current, key) => propertyOf(current, key), value);
}

/** An intrinsic function or a reference: an object whose only key is `Ref`, `Condition` or `Fn::…`. */
export function isIntrinsic(value: unknown): boolean {
  const keys = Object.keys(objectOf(value) ?? {});
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0].startsWith('Fn::'));
}

/** A JSON array, or undefined. */
export function arrayOf(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** A literal string, or undefined. */
export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * A literal number, or a string holding one (CloudFormation writes `"2"` as often
 * as `2`), within ±2^53 (no count or size is larger); else undefined.
 */
export function numberOf(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value
    : typeof value === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)\s*$/.test(value) ? Number(value) : undefined;
  return number !== undefined && Math.abs(number) <= Number.MAX_SAFE_INTEGER ? number : undefined;
}

/** An own entry of a lookup table, never an inherited property (`toString`, `constructor`). */
export function lookup<T>(table: { readonly [key: string]: T }, key: string | undefined): T | undefined {
  return key !== undefined && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

/** The logical id behind `{ Ref: X }` or `{ 'Fn::GetAtt': [X, ...] }` (or `'X.Attr'`). */
export function refOf(reference: unknown): string | undefined {
  const ref = stringOf(propertyOf(reference, 'Ref'));
  if (ref !== undefined) return ref;
  const getAtt = propertyOf(reference, 'Fn::GetAtt');
  return stringOf(arrayOf(getAtt)?.[0]) ?? stringOf(getAtt)?.split('.')[0];
}

/** A value read from a template as a report shows it: as JSON, cut to 80 characters. */
export function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/** `X: <what> not known at synthesis (<value>): <consequence>.`, or `X: <what> missing: …` */
export function unknownNote(logicalId: string, what: string, value: unknown, consequence: string): string {
  return `${logicalId}: ${what} ${value === undefined ? 'missing' : `not known at synthesis (${shown(value)})`}: ${consequence}.`;
}

/** ` (<what> not known at synthesis: <assumption>)`, appended to a line priced on an assumption. */
export function assumed(what: string, value: unknown, assumption: string): string {
  return ` (${what} not known at synthesis, ${shown(value)}: ${assumption})`;
}

/** The resource of the template that `{ Ref: X }` or `{ 'Fn::GetAtt': [X, …] }` points to, or undefined. */
export function resourceOf(reference: unknown, resources: Record<string, unknown>): Record<string, unknown> | undefined {
  const id = refOf(reference);
  return id === undefined ? undefined : objectOf(propertyOf(resources, id));
}
