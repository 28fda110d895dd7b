import { TaskCompute } from '../cluster/task-capacity';

// Which construct a batch job is: `BatchJob` (Fargate or EC2) or `Ec2BatchJob`
// (EC2 only, kept for its users). The kind names the construct in messages,
// warning ids and the exit-code error, and says where its tasks may run.

/** What differs between the batch job constructs. */
export interface JobKind {
  /** The construct's name, in messages, warning ids and the exit-code error. */
  readonly name: string;
  /** Where its tasks may run. */
  readonly computes: readonly TaskCompute[];
}

export const BATCH_JOB: JobKind = { name: 'BatchJob', computes: [TaskCompute.FARGATE, TaskCompute.EC2] };
export const EC2_BATCH_JOB: JobKind = { name: 'Ec2BatchJob', computes: [TaskCompute.EC2] };

/** Props handed to BatchJob's constructor by a construct of another kind. */
const kinds = new WeakMap<object, JobKind>();

/**
 * A copy of `props` that BatchJob's constructor reads as props of `kind`: the
 * way a subclass tells its kind without a constructor parameter (which jsii
 * would make public).
 */
export function propsOfKind<T extends object>(props: T, kind: JobKind): T {
  const copy = { ...props };
  kinds.set(copy, kind);
  return copy;
}

/** The kind of the construct `props` were given to. */
export function jobKindOf(props: object): JobKind {
  return (props && kinds.get(props)) ?? BATCH_JOB;
}
