export * from './errors';
export { ContainerSettings, ContainerStartCondition, ContainerStartDependency } from './container-settings';
