/**
 * Writes `reports/mutation-survivors.md` from the Stryker JSON report of `npm run mutate`
 * (`reports/mutation/mutation.json`) and the hand-written reasons in `stryker/survivor-reasons.json`:
 * the score per file of impl/ and every surviving or uncovered mutant, one row each (file:line:col,
 * mutator, original, replacement), under the reason it is equivalent, unreachable or a test gap.
 *
 * `npm run mutate:survivors [-- report.json]`. Fails (exit 1, nothing written) when a survivor has no
 * reason, printing entries to fill in; a reason that matches no survivor any more (a test killed it,
 * or its code changed) is a warning and is listed at the end.
 *
 * A mutant's identity is its file, mutator, original source text (whitespace collapsed) and
 * replacement, not its line, so the reasons survive edits elsewhere in the file. Identical
 * identities (the same expression mutated the same way twice in a file) share one entry.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const REPORT = process.argv[2] ?? 'reports/mutation/mutation.json';
const REASONS = 'stryker/survivor-reasons.json';
const OUT = 'reports/mutation-survivors.md';
const CATEGORIES = ['equivalent', 'unreachable', 'gap'];

const report = JSON.parse(readFileSync(REPORT, 'utf8'));
const { reasons, mutants: entries } = JSON.parse(readFileSync(REASONS, 'utf8'));

const squash = (s) =>
  String(s ?? '')
    .replace(/\s+/g, ' ')
    .trim();
/** The identity key of a mutant (or of a reasons entry). */
const keyOf = (file, mutator, original, replacement) =>
  JSON.stringify([file, mutator, squash(original), squash(replacement)]);

/** The source text a mutant replaces (Stryker's locations: 1-based lines, 1-based columns). */
function originalOf(source, { start, end }) {
  const lines = source.split('\n');
  if (start.line === end.line) return lines[start.line - 1].slice(start.column - 1, end.column - 1);
  const first = lines[start.line - 1].slice(start.column - 1);
  const middle = lines.slice(start.line, end.line - 1);
  const last = lines[end.line - 1].slice(0, end.column - 1);
  return [first, ...middle, last].join('\n');
}

const problems = [];
for (const [id, text] of Object.entries(reasons)) {
  if (!CATEGORIES.some((c) => text.startsWith(`${c}: `)))
    problems.push(`reason "${id}" must start with one of ${CATEGORIES.map((c) => `"${c}: "`).join(', ')}`);
}
const byKey = new Map();
for (const e of entries) {
  const key = keyOf(e.file, e.mutator, e.original, e.replacement);
  if (byKey.has(key)) problems.push(`duplicate reasons entry ${key}`);
  if (!(e.reason in reasons)) problems.push(`entry ${key} names unknown reason "${e.reason}"`);
  byKey.set(key, { ...e, used: 0 });
}

const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const zero = () => ({ killed: 0, timeout: 0, survived: 0, noCoverage: 0 });
const total = zero();
const rows = [];
const survivors = [];
const missing = [];
for (const [file, f] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const c = zero();
  for (const m of f.mutants) {
    if (m.status === 'Killed') c.killed++;
    if (m.status === 'Timeout') c.timeout++;
    if (m.status === 'Survived') c.survived++;
    if (m.status === 'NoCoverage') c.noCoverage++;
    if (!UNDETECTED.has(m.status)) continue;
    const original = originalOf(f.source, m.location);
    const key = keyOf(file, m.mutatorName, original, m.replacement);
    const entry = byKey.get(key);
    const s = { file, m, original, entry };
    survivors.push(s);
    if (entry === undefined) missing.push(s);
    else entry.used++;
  }
  for (const k of Object.keys(total)) total[k] += c[k];
  rows.push([file, c]);
}
// A reason no survivor uses: its mutant was killed (or, under heavy load, timed out) or its code
// changed. Warned about and listed, not fatal: timeouts vary with the machine's load.
const unused = [...byKey.values()].filter((e) => e.used === 0);
for (const e of unused) console.error(`warning: reasons entry matches no survivor: ${JSON.stringify(e)}`);
if (missing.length > 0) {
  problems.push(`${missing.length} survivor(s) without a reason; add to ${REASONS} "mutants":`);
  for (const { file, m, original } of missing) {
    const where = `${file}:${m.location.start.line}:${m.location.start.column}`;
    problems.push(
      `  ${JSON.stringify({ file, mutator: m.mutatorName, original: squash(original), replacement: squash(m.replacement), reason: '?' })}, // ${where}`,
    );
  }
}
if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}

const score = (c) => {
  const detected = c.killed + c.timeout;
  const all = detected + c.survived + c.noCoverage;
  return all === 0 ? 'n/a' : ((100 * detected) / all).toFixed(2);
};
const all = (c) => c.killed + c.timeout + c.survived + c.noCoverage;
const cell = (s, max = 90) => {
  const t = squash(s).replace(/\|/g, '\\|').replace(/`/g, "'");
  return `\`${t.length > max ? `${t.slice(0, max - 1)}…` : t}\``;
};

const out = [];
out.push('# Mutation testing of impl/: every surviving mutant and why');
out.push('');
out.push(
  'Generated by `npm run mutate:survivors` (`stryker/survivors.mjs`) from the JSON report of `npm run mutate`',
  'and the reasons in `stryker/survivor-reasons.json`; do not edit by hand. Each surviving or uncovered',
  'mutant is one row, under its reason: **equivalent** (no observer of the machine can tell it from the',
  'original), **unreachable** (no input of the public API gets there; defensive code kept on purpose) or',
  '**gap** (a test could kill it; not written yet). The generator fails when a survivor has no reason, so',
  'the list is complete for the report it was made from.',
);
out.push('');
out.push(
  `Score: **${score(total)}%** of ${all(total)} mutants: ${total.killed} killed, ${total.timeout} timed out, ${total.survived} survived, ${total.noCoverage} without coverage.`,
);
out.push('');
out.push('## Per file');
out.push('');
out.push('| file | mutants | score % | killed | timeout | survived | no coverage |');
out.push('|---|---:|---:|---:|---:|---:|---:|');
for (const [file, c] of rows)
  out.push(
    `| ${file} | ${all(c)} | ${score(c)} | ${c.killed} | ${c.timeout} | ${c.survived} | ${c.noCoverage} |`,
  );
out.push(
  `| **all** | ${all(total)} | **${score(total)}** | ${total.killed} | ${total.timeout} | ${total.survived} | ${total.noCoverage} |`,
);
out.push('');
const groups = new Map();
for (const s of survivors) {
  const id = s.entry.reason;
  if (!groups.has(id)) groups.set(id, []);
  groups.get(id).push(s);
}
out.push('## By kind');
out.push('');
out.push('| kind | mutants |');
out.push('|---|---:|');
for (const c of CATEGORIES) {
  const n = survivors.filter((s) => reasons[s.entry.reason].startsWith(`${c}: `)).length;
  out.push(`| ${c} | ${n} |`);
}
out.push('');
out.push('## The mutants, by reason');
const ordered = [...groups.entries()].sort(
  ([a], [b]) =>
    CATEGORIES.findIndex((c) => reasons[a].startsWith(c)) -
      CATEGORIES.findIndex((c) => reasons[b].startsWith(c)) || a.localeCompare(b),
);
for (const [id, list] of ordered) {
  out.push('');
  out.push(`### ${id} (${list.length})`);
  out.push('');
  out.push(reasons[id]);
  out.push('');
  out.push('| where | mutator | original | replacement | status |');
  out.push('|---|---|---|---|---|');
  list.sort((a, b) => a.file.localeCompare(b.file) || a.m.location.start.line - b.m.location.start.line);
  for (const { file, m, original } of list) {
    const where = `${file}:${m.location.start.line}:${m.location.start.column}`;
    const status = m.status === 'NoCoverage' ? 'no coverage' : 'survived';
    out.push(`| ${where} | ${m.mutatorName} | ${cell(original)} | ${cell(m.replacement, 60)} | ${status} |`);
  }
}
if (unused.length > 0) {
  out.push('');
  out.push('## Reasons no survivor of this report uses');
  out.push('');
  out.push('Killed, or timed out under load, in this run (kept for runs where they survive):');
  out.push('');
  for (const e of unused)
    out.push(`- ${e.file} ${e.mutator} ${cell(e.original)} -> ${cell(e.replacement, 60)}: ${e.reason}`);
}
writeFileSync(OUT, `${out.join('\n')}\n`);
console.log(`${OUT}: ${survivors.length} survivors, ${groups.size} reasons, score ${score(total)}%`);
