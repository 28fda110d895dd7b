import { IConstruct } from 'constructs';

/**
 * One invalid prop, as reported by `EcsKitValidationError`.
 */
export interface PropProblem {
  /** The prop (or method argument) that is wrong, e.g. `repositoryName` or `allowPull(principals)`. */
  readonly prop: string;
  /** The value received, rendered for humans. */
  readonly received: string;
  /** What is wrong with it and what to use instead. */
  readonly fix: string;
}

/**
 * The one error class cdk-ecs-kit throws for bad input.
 *
 * It is thrown at synth time (in the constructor, or at the top of the method
 * that received the value), names the construct path, every prop that is
 * wrong, the value received and what to use instead. Several problems found
 * at once are reported together in one error.
 *
 * jsii cannot model subclasses of JavaScript's `Error`, so the class is for
 * TypeScript and JavaScript; in the other jsii languages the same message
 * (with the construct path) arrives as the runtime's own error.
 *
 * @jsii ignore Error cannot be a jsii base class
 */
export class EcsKitValidationError extends Error {
  /**
   * Whether `x` is an `EcsKitValidationError` (works across copies of the library).
   */
  public static isEcsKitValidationError(x: any): x is EcsKitValidationError {
    return x !== null && typeof x === 'object' && ERROR_SYMBOL in x;
  }

  /** Path of the construct that received the bad input. */
  public readonly constructPath: string;

  /** Every problem found, in the order they were found. */
  public readonly problems: PropProblem[];

  constructor(scope: IConstruct, constructName: string, problems: PropProblem[]) {
    super(renderMessage(scope.node.path, constructName, problems));
    Object.defineProperty(this, ERROR_SYMBOL, { value: true });
    Object.setPrototypeOf(this, EcsKitValidationError.prototype);
    this.name = 'EcsKitValidationError';
    this.constructPath = scope.node.path;
    this.problems = problems;
  }
}

const ERROR_SYMBOL = Symbol.for('cdk-ecs-kit.EcsKitValidationError');

function renderMessage(path: string, constructName: string, problems: PropProblem[]): string {
  const header = problems.length === 1
    ? `${constructName} at '${path}' has an invalid prop:`
    : `${constructName} at '${path}' has ${problems.length} invalid props:`;
  const lines = problems.map(p => `  - ${p.prop}: received ${p.received}. ${p.fix}`);
  return [header, ...lines].join('\n');
}
