/**
 * The CPU and memory combinations a Fargate task (Linux) can have.
 *
 * Kept in its own module because every construct that builds a Fargate task
 * definition (web services here, Docker Compose imports later) checks sizes
 * against it.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 */

/** Valid memory values (MiB) for one task CPU value (CPU units, 1024 = 1 vCPU). */
interface FargateCpuSize {
  readonly cpu: number;
  readonly memoryMiB: readonly number[];
}

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
}

const SIZES: readonly FargateCpuSize[] = [
  { cpu: 256, memoryMiB: [512, 1024, 2048] },
  { cpu: 512, memoryMiB: range(1024, 4096, 1024) },
  { cpu: 1024, memoryMiB: range(2048, 8192, 1024) },
  { cpu: 2048, memoryMiB: range(4096, 16384, 1024) },
  { cpu: 4096, memoryMiB: range(8192, 30720, 1024) },
  { cpu: 8192, memoryMiB: range(16384, 61440, 4096) },
  { cpu: 16384, memoryMiB: range(32768, 122880, 8192) },
];

/** Every valid Fargate task CPU value, smallest first. */
export const FARGATE_CPU_VALUES: readonly number[] = SIZES.map(size => size.cpu);

/** The valid memory values (MiB) for a task CPU value, or `undefined` when the CPU value itself is invalid. */
export function fargateMemoryValues(cpu: number): readonly number[] | undefined {
  return SIZES.find(size => size.cpu === cpu)?.memoryMiB;
}

/** Whether Fargate accepts this CPU (units) and memory (MiB) pair. */
export function isValidFargateSize(cpu: number, memoryMiB: number): boolean {
  return fargateMemoryValues(cpu)?.includes(memoryMiB) ?? false;
}

/** Renders a list of memory values compactly: "1024, 2048, 3072 or 4096". */
export function describeMemoryValues(values: readonly number[]): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/**
 * What is wrong with a CPU/memory pair, as a sentence that tells the fix, or
 * `undefined` when the pair is valid.
 */
export function fargateSizeProblem(cpu: number, memoryMiB: number): { prop: 'cpu' | 'memoryLimitMiB'; fix: string } | undefined {
  const memoryValues = fargateMemoryValues(cpu);
  if (!memoryValues) {
    return { prop: 'cpu', fix: `Fargate task CPU is one of ${describeMemoryValues(FARGATE_CPU_VALUES)} (CPU units, 1024 = 1 vCPU).` };
  }
  if (!memoryValues.includes(memoryMiB)) {
    return {
      prop: 'memoryLimitMiB',
      fix: `With cpu ${cpu}, Fargate accepts memoryLimitMiB ${describeMemoryValues(memoryValues)}.`,
    };
  }
  return undefined;
}
