export * from './ecs-cluster';
export { Ec2Capacity, Ec2CapacityOptions } from './ec2-capacity';
export { EcsImageFamily, EcsMachineImage, EcsMachineImageOptions } from './machine-image';
