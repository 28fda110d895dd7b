export * from './core';
export * from './cost';
export * from './registry';
export * from './cluster';
export * from './service';
export * from './job';
export * from './compose';
