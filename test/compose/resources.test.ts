import * as fc from 'fast-check';
import { largestFargateSize, smallestFargateSize } from '../../src/compose/resources';
import { FARGATE_CPU_VALUES, fargateMemoryValues, isValidFargateSize } from '../../src/service/fargate-sizes';

const allSizes = FARGATE_CPU_VALUES.flatMap(cpu => fargateMemoryValues(cpu)!.map(memoryMiB => ({ cpu, memoryMiB })));
const price = (s: { cpu: number; memoryMiB: number }) => s.cpu / 1024 * 0.04048 + s.memoryMiB / 1024 * 0.004445;

describe('smallestFargateSize', () => {
  test.each([
    [0, 0, { cpu: 256, memoryMiB: 512 }],
    [256, 512, { cpu: 256, memoryMiB: 512 }],
    [512, 1024, { cpu: 512, memoryMiB: 1024 }],
    [256, 768, { cpu: 256, memoryMiB: 1024 }],
    [256, 4096, { cpu: 512, memoryMiB: 4096 }],
    [1024, 100, { cpu: 1024, memoryMiB: 2048 }],
    [300, 0, { cpu: 512, memoryMiB: 1024 }],
    [16384, 122880, { cpu: 16384, memoryMiB: 122880 }],
  ])('%p CPU units and %p MiB need %p', (cpu, memory, expected) => {
    expect(smallestFargateSize(cpu, memory)).toEqual(expected);
  });

  test('nothing fits beyond the largest size', () => {
    expect(largestFargateSize()).toEqual({ cpu: 16384, memoryMiB: 122880 });
    expect(smallestFargateSize(16385, 0)).toBeUndefined();
    expect(smallestFargateSize(0, 122881)).toBeUndefined();
  });

  test('the result is valid, fits, and is the cheapest size that fits (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 17000 }), fc.integer({ min: 0, max: 130000 }), (cpu, memory) => {
      const size = smallestFargateSize(cpu, memory);
      const fitting = allSizes.filter(s => s.cpu >= cpu && s.memoryMiB >= memory);
      if (fitting.length === 0) {
        expect(size).toBeUndefined();
        return;
      }
      expect(size).toBeDefined();
      expect(isValidFargateSize(size!.cpu, size!.memoryMiB)).toBe(true);
      expect(size!.cpu).toBeGreaterThanOrEqual(cpu);
      expect(size!.memoryMiB).toBeGreaterThanOrEqual(memory);
      expect(price(size!)).toBeCloseTo(Math.min(...fitting.map(price)), 10);
    }));
  });
});
