//
export * from './router';
