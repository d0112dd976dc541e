export * from './conventions';
export * from './injectEligibility';
