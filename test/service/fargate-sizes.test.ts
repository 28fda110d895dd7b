import { FARGATE_CPU_VALUES, fargateMemoryValues, fargateSizeProblem, isValidFargateSize } from '../../src/service/fargate-sizes';

describe('Fargate sizes', () => {
  test.each([
    [256, [512, 1024, 2048]],
    [512, [1024, 2048, 3072, 4096]],
    [1024, [2048, 3072, 4096, 5120, 6144, 7168, 8192]],
  ])('CPU %p accepts exactly %p MiB', (cpu, memory) => {
    expect(fargateMemoryValues(cpu)).toEqual(memory);
  });

  test('the larger sizes step by 1024, 4096 and 8192 MiB', () => {
    expect(fargateMemoryValues(2048)).toHaveLength(13);
    expect(fargateMemoryValues(4096)?.[0]).toBe(8192);
    expect(fargateMemoryValues(4096)?.slice(-1)[0]).toBe(30720);
    expect(fargateMemoryValues(8192)).toEqual([16384, 20480, 24576, 28672, 32768, 36864, 40960, 45056, 49152, 53248, 57344, 61440]);
    expect(fargateMemoryValues(16384)?.[1]).toBe(40960);
    expect(fargateMemoryValues(16384)?.slice(-1)[0]).toBe(122880);
    expect(FARGATE_CPU_VALUES).toEqual([256, 512, 1024, 2048, 4096, 8192, 16384]);
  });

  test('pairs', () => {
    expect(isValidFargateSize(256, 512)).toBe(true);
    expect(isValidFargateSize(256, 4096)).toBe(false);
    expect(isValidFargateSize(8192, 17408)).toBe(false);
    expect(isValidFargateSize(300, 512)).toBe(false);
  });

  test('problems name the prop and the valid values', () => {
    expect(fargateSizeProblem(256, 512)).toBeUndefined();
    expect(fargateSizeProblem(256, 4096)).toEqual({ prop: 'memoryLimitMiB', fix: 'With cpu 256, Fargate accepts memoryLimitMiB 512, 1024 or 2048.' });
    expect(fargateSizeProblem(100, 512)?.prop).toBe('cpu');
  });
});
