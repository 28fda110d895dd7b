import { Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { EcsKitValidationError, PropProblem } from './errors';

/**
 * Collects every problem with a construct's input, then throws them together.
 *
 * Values that are unresolved tokens are skipped by the `check*` helpers: they
 * are only known at deploy time, so there is nothing to validate at synth.
 *
 * @internal
 */
export class PropValidator {
  private readonly problems: PropProblem[] = [];

  constructor(private readonly scope: IConstruct, private readonly constructName: string) {}

  /** Records a problem unconditionally. */
  public report(prop: string, received: unknown, fix: string): void {
    this.problems.push({ prop, received: describeValue(received), fix });
  }

  /**
   * Records a problem when `valid` is false, unless `value` contains unresolved tokens.
   */
  public check(prop: string, value: unknown, valid: boolean, fix: string): void {
    if (!valid && !isUnresolved(value)) {
      this.report(prop, value, fix);
    }
  }

  /** Checks that a whole number lies in [min, max] (tokens and undefined are skipped). */
  public checkInteger(prop: string, value: number | undefined, min: number, max: number, fix?: string): void {
    if (value === undefined) return;
    this.check(prop, value, Number.isInteger(value) && value >= min && value <= max,
      fix ?? `Use a whole number from ${min} to ${max}.`);
  }

  /** Whether any problem was recorded. */
  public get hasProblems(): boolean {
    return this.problems.length > 0;
  }

  /** Throws one `EcsKitValidationError` listing every recorded problem, if there are any. */
  public throwIfInvalid(): void {
    if (this.problems.length > 0) {
      throw new EcsKitValidationError(this.scope, this.constructName, [...this.problems]);
    }
  }
}

/** Whether a value (or any string/number inside an array of them) is an unresolved token. */
export function isUnresolved(value: unknown): boolean {
  if (Array.isArray(value)) return Token.isUnresolved(value) || value.some(isUnresolved);
  return Token.isUnresolved(value);
}

/** Renders a received value for an error message: strings quoted, constructs by path (`<Stack/Bucket>`), the rest as JSON. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (Construct.isConstruct(value)) return `<${value.node.path}>`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * The name of the member of a TypeScript enum (numeric or string) whose value
 * is `value` (`FIVE_DAYS` for `logs.RetentionDays.FIVE_DAYS`), or `undefined`
 * when it is not a member. For numeric enums the reverse mapping's names are
 * not members.
 */
export function enumMemberName(enumObject: object, value: unknown): string | undefined {
  return Object.entries(enumObject).find(([key, member]) => member === value && !/^\d+$/.test(key))?.[0];
}

/** Whether `value` is a member of a TypeScript enum (numeric or string). */
export function isEnumMember(enumObject: object, value: unknown): boolean {
  return enumMemberName(enumObject, value) !== undefined;
}

/**
 * An enum value as a `received` value for `PropValidator`: messages show the
 * member's name (`RetentionDays.FIVE_DAYS`), not its number (`5`) or string;
 * a value that is not a member shows as itself (`0`). Unresolved tokens are
 * returned unchanged, so the validator still skips them.
 */
export function enumMember(enumName: string, enumObject: object, value: unknown): unknown {
  if (isUnresolved(value)) return value;
  const name = enumMemberName(enumObject, value);
  return name === undefined ? value : renderedAs(`${enumName}.${name}`);
}

/**
 * A `received` value for `PropValidator.report` that messages show exactly as
 * `text`, unquoted: an enum member's name, or a description such as "a token"
 * for a value whose synth-time form (`-1.888e+289`, `${Token[...]}`) means
 * nothing to the user.
 */
export function renderedAs(text: string): unknown {
  // describeValue renders what JSON cannot (toJSON returns undefined) with String(): the text itself.
  return { toJSON: () => undefined, toString: () => text };
}
