export * from './fingerprint.ts';
export * from './model.ts';
export * from './partialOrder.ts';
export * from './result.ts';
export * from './symmetry.ts';
export * from './trace.ts';
