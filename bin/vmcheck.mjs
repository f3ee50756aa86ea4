#!/usr/bin/env node
// The command line. In a checkout (the TypeScript sources beside this file) it runs them through
// tsx, so no build step is needed; an installed package runs the JavaScript built into dist/.
import { existsSync } from 'node:fs';

const source = new URL('../cli/main.ts', import.meta.url);
let main;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  main = await import(source.href);
} else {
  main = await import('../dist/cli/main.js');
}
process.exitCode = await main.runCli(process.argv.slice(2));
