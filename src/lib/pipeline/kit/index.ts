export * from './display';
export * from './errors';
export * from './evaluation';
export * from './manifest';
export * from './pipeline';
export * from './step';
export * from './trace';
