export * from './core';
export * from './registry';
