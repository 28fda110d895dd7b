import { App, Duration, Stack, aws_ecs as ecs } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { BUSYBOX } from './helpers';
import { BatchJob, EcsCluster, TaskCapacity } from '../../src';
import { isValidFargateSize } from '../../src/service/fargate-sizes';
import { expectAcceptedOnlyWhen } from '../helpers/validators';

/**
 * Property test of BatchJob on Fargate: every task size, capacity, added
 * container and container setting either builds a job whose task definition
 * and RunTask step obey Fargate's rules, or fails with EcsKitValidationError,
 * never another error. The stacks are not synthesized (slow): the L1s' values
 * are resolved directly.
 */

const CPU = fc.constantFrom(256, 512, 1024, 2048, 4096, 8192, 16384, 300, 0, 1.5);
const MEMORY = fc.oneof(fc.constantFrom(512, 1024, 2048, 3072, 8192, 16384, 30720, 61440, 122880), fc.integer({ min: -1, max: 140_000 }));

const capacity = fc.constantFrom(
  ['fargate()', TaskCapacity.fargate()],
  ['fargateSpot()', TaskCapacity.fargateSpot()],
  ['fargate({ spotWeight: 2, onDemandBase: 1 })', TaskCapacity.fargate({ spotWeight: 2, onDemandBase: 1 })],
  ['fargate({ spotWeight: 2000 })', TaskCapacity.fargate({ spotWeight: 2000 })],
) as fc.Arbitrary<[string, TaskCapacity]>;

const sidecar = fc.option(fc.record({
  cpu: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined }),
  memoryLimitMiB: fc.option(fc.integer({ min: 1, max: 20_000 }), { nil: undefined }),
}), { nil: undefined });

describe('BatchJob on Fargate: property', () => {
  test('a job builds with a Fargate size and settings Fargate accepts, or fails with EcsKitValidationError', () => {
    fc.assert(fc.property(
      fc.option(CPU, { nil: undefined }), fc.option(MEMORY, { nil: undefined }), capacity, sidecar,
      fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }),
      fc.option(fc.integer({ min: 1, max: 2_000_000 }), { nil: undefined }),
      (cpu, memoryLimitMiB, [capacityName, taskCapacity], helper, stopSeconds, nofile) => {
        const taskCpu = cpu ?? 256;
        const taskMemory = memoryLimitMiB ?? 512;
        const valid = isValidFargateSize(taskCpu, taskMemory)
          && capacityName !== 'fargate({ spotWeight: 2000 })'
          && (stopSeconds === undefined || (stopSeconds >= 2 && stopSeconds <= 120))
          && (nofile === undefined || nofile <= 1_048_576)
          && (helper === undefined || ((helper.cpu ?? 0) <= taskCpu
            && (helper.memoryLimitMiB === undefined || (helper.memoryLimitMiB >= 6 && helper.memoryLimitMiB <= taskMemory))));
        const stack = new Stack(new App(), 'TestStack');
        expectAcceptedOnlyWhen(valid, () => {
          const job = new BatchJob(stack, 'Job', {
            cluster: new EcsCluster(stack, 'Cluster'),
            image: BUSYBOX,
            taskCapacity,
            cpu,
            memoryLimitMiB,
            stopTimeout: stopSeconds === undefined ? undefined : Duration.seconds(stopSeconds),
            ulimits: nofile === undefined ? undefined : [{ name: ecs.UlimitName.NOFILE, softLimit: nofile, hardLimit: nofile }],
          });
          if (helper) job.addContainer('helper', { image: BUSYBOX, essential: false, ...helper });

          // THEN the values in the template obey Fargate's rules
          const taskDefinition = stack.resolve((job.taskDefinition.node.defaultChild as ecs.CfnTaskDefinition)._toCloudFormation()).Resources;
          const properties = (Object.values(taskDefinition)[0] as any).Properties;
          expect(properties.RequiresCompatibilities).toEqual(['FARGATE']);
          expect(properties.NetworkMode).toBe('awsvpc');
          expect(isValidFargateSize(Number(properties.Cpu), Number(properties.Memory))).toBe(true);
          for (const container of properties.ContainerDefinitions) {
            if (container.StopTimeout !== undefined) expect(container.StopTimeout).toBeLessThanOrEqual(120);
            if (container.Memory !== undefined) expect(container.Memory).toBeLessThanOrEqual(Number(properties.Memory));
            if (container.Cpu !== undefined) expect(container.Cpu).toBeLessThanOrEqual(Number(properties.Cpu));
          }
          for (const strategy of job.capacityProviderStrategies) {
            expect(['FARGATE', 'FARGATE_SPOT']).toContain(strategy.capacityProvider);
            expect(strategy.weight ?? 0).toBeLessThanOrEqual(1000);
          }
        });
      },
    ), { numRuns: 40 });
  });
});
