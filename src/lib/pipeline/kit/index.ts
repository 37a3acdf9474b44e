export * from './display';
export * from './errors';
export * from './evaluation';
export * from './manifest';
export * from './maybe-promise';
export * from './pipeline';
export * from './step';
export * from './trace';
