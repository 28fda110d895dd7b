export * from './ecs-cluster';
export { EcsClusterProps } from './ecs-cluster-props';
export { EcsClusterAttributes, IEcsCluster } from './ecs-cluster-interface';
export { Ec2Capacity, Ec2CapacityAttributes, Ec2CapacityProps, IEc2Capacity } from './ec2-capacity';
export { Ec2CapacityOptions } from './ec2-capacity-options';
export { AutoScalingGroupCapacityOptions } from './auto-scaling-group-capacity';
export { FargateCapacityOptions, TaskCapacity, TaskCompute } from './task-capacity';
export { EcsMachineImage, EcsImageFamily, EcsMachineImageOptions } from './machine-image';
