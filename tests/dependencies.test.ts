import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory()
      ? sources(path)
      : /\.(ts|mts|mjs|js)$/.test(name)
        ? [path]
        : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [
    ...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1] ?? m[2]!);
}

function resolvedTop(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const target = relative(ROOT, join(ROOT, file, '..', specifier));
  return target.split('/')[0] ?? null;
}

/** Which top-level folders each folder may import (STYLE.md: dependency direction). */
const ALLOWED: Record<string, string[]> = {
  impl: ['impl', 'scenario'],
  'model/core': ['model'],
  generators: ['generators', 'model'],
  reports: ['reports', 'model'],
};

describe('the dependency direction of STYLE.md', () => {
  for (const [dir, allowed] of Object.entries(ALLOWED)) {
    it(`should keep ${dir}/ importing only ${allowed.join(', ')}`, () => {
      const bad = sources(dir).flatMap((file) =>
        importsOf(file)
          .filter((spec) => {
            const top = resolvedTop(file, spec);
            return top !== null && !allowed.includes(top);
          })
          .map((spec) => `${file} imports ${spec}`),
      );
      expect(bad).toEqual([]);
    });
  }

  // reports/vmm/ draws the VMM model's JSON view (the HTML storage map): presentation of the model
  // lives with the other reports, while the rest of reports/ stays domain-free.
  it('should keep the domain-free core, explorers and reports (but reports/vmm/) free of the VMM model', () => {
    const reports = sources('reports').filter((file) => !file.startsWith('reports/vmm/'));
    const bad = [...sources('model/core'), ...sources('generators'), ...reports].flatMap((file) =>
      importsOf(file)
        .filter(
          (spec) =>
            spec.startsWith('.') && relative(ROOT, join(ROOT, file, '..', spec)).startsWith('model/vmm'),
        )
        .map((spec) => `${file} imports ${spec}`),
    );
    expect(bad).toEqual([]);
  });

  it('should keep the model a pure specification: model/ (tests aside) imports no properties/, reports/ or I/O', () => {
    const bad = sources('model')
      .filter((file) => !file.endsWith('.test.ts'))
      .flatMap((file) =>
        importsOf(file)
          .filter((spec) => {
            const top = resolvedTop(file, spec);
            return (
              (top !== null && top !== 'model' && top !== 'scenario') ||
              /^node:(fs|child_process|net|http)/.test(spec)
            );
          })
          .map((spec) => `${file} imports ${spec}`),
      );
    expect(bad).toEqual([]);
  });

  it('should keep test helpers (testing/ folders) free of properties/', () => {
    const helpers = ['model', 'generators', 'reports', 'scenario'].flatMap((dir) =>
      sources(dir).filter((file) => file.includes('/testing/')),
    );
    const bad = helpers.flatMap((file) =>
      importsOf(file)
        .filter((spec) => resolvedTop(file, spec) === 'properties')
        .map((spec) => `${file} imports ${spec}`),
    );
    expect(bad).toEqual([]);
  });
});
