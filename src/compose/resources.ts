/**
 * From Compose resource limits and reservations to a Fargate task size.
 */
import { FARGATE_CPU_VALUES, fargateMemoryValues, isValidFargateSize } from '../service/fargate-sizes';

/** A Fargate task size. */
export interface FargateSize {
  /** CPU units (1024 = 1 vCPU). */
  readonly cpu: number;
  /** Memory in MiB. */
  readonly memoryMiB: number;
}

/** The size a task gets when no container of it asks for resources. */
export const DEFAULT_FARGATE_SIZE: FargateSize = { cpu: 256, memoryMiB: 512 };

/**
 * The smallest (and so cheapest) valid Fargate size with at least `cpu` CPU
 * units and `memoryMiB` MiB, or `undefined` when no size is that large
 * (16 vCPU, 120 GiB at most).
 *
 * Smaller CPU values come first; for one CPU value, the smallest memory that
 * fits. Valid memory values grow with the CPU value, so the first fit is also
 * the cheapest.
 */
export function smallestFargateSize(cpu: number, memoryMiB: number): FargateSize | undefined {
  for (const candidateCpu of FARGATE_CPU_VALUES) {
    if (candidateCpu < cpu) continue;
    const memory = fargateMemoryValues(candidateCpu)?.find(value => value >= memoryMiB);
    if (memory !== undefined && isValidFargateSize(candidateCpu, memory)) return { cpu: candidateCpu, memoryMiB: memory };
  }
  return undefined;
}

/** The largest Fargate size, for error messages. */
export function largestFargateSize(): FargateSize {
  const cpu = FARGATE_CPU_VALUES[FARGATE_CPU_VALUES.length - 1];
  const memory = fargateMemoryValues(cpu)!;
  return { cpu, memoryMiB: memory[memory.length - 1] };
}
