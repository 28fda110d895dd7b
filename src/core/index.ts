export * from './errors';
export { ContainerSettings, ContainerStartCondition, ContainerStartDependency } from './container-settings';
export { Hardening, HardeningOptions } from './hardening';
