export * from './resolveDataPlane';
export * from './scopeToDataPlanes';
