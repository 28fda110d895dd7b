export * from './ecr-repository';
