import { IMAGE } from './cluster';
import { EcsCluster, QueueWorkerService, TaskCapacity } from '../../src';
import { createTestStack, validTemplate } from '../helpers/validators';

test('scratch', () => {
  const stack = createTestStack();
  const cluster = new EcsCluster(stack, 'Cluster');
  new QueueWorkerService(stack, 'Worker', { cluster, image: IMAGE, scaleToZero: true, taskCapacity: TaskCapacity.fargateSpot() });
  const t = validTemplate(stack);
  console.log(JSON.stringify(Object.fromEntries(Object.entries(t.toJSON().Resources).filter(([k]) => k.startsWith('Worker') && !k.includes('Role'))), null, 1));
});
