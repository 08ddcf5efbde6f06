export * from './api-key-token';
export * from './permissions';
