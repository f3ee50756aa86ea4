/**
 * Reports: counterexample traces as text, ITF JSON and HTML, result summaries, and trace replay.
 * Pure functions of data; they depend only on the domain-free core in model/core.
 */
export * from './diff.ts';
export * from './html.ts';
export * from './itf.ts';
export * from './json.ts';
export * from './replay.ts';
export * from './summary.ts';
export * from './text.ts';
export * from './verdict.ts';
