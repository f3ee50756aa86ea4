/**
 * Summarise a Stryker JSON report (`reports/mutation/mutation.json` by default) as Markdown: the
 * score per file of impl/ and every surviving or uncovered mutant, one line each, grouped by
 * source line. `node stryker/summary.mjs [report.json]`; the checked-in summary is
 * `reports/mutation-survivors.md` (its reasons are written by hand beside these lines).
 */
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'reports/mutation/mutation.json';
const report = JSON.parse(readFileSync(file, 'utf8'));
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

const rows = [];
const total = { detected: 0, undetected: 0, killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0 };
const survivors = [];
for (const [name, f] of Object.entries(report.files).sort()) {
  const c = { detected: 0, undetected: 0, killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0 };
  for (const m of f.mutants) {
    if (DETECTED.has(m.status)) c.detected++;
    if (UNDETECTED.has(m.status)) c.undetected++;
    if (m.status === 'Killed') c.killed++;
    if (m.status === 'Timeout') c.timeout++;
    if (m.status === 'Survived') c.survived++;
    if (m.status === 'NoCoverage') c.noCoverage++;
    if (m.status === 'Ignored') c.ignored++;
    if (UNDETECTED.has(m.status)) {
      const line = f.source.split('\n')[m.location.start.line - 1]?.trim() ?? '';
      survivors.push({ name, m, line });
    }
  }
  for (const k of Object.keys(total)) total[k] += c[k];
  rows.push([name, c]);
}

const pct = (c) =>
  c.detected + c.undetected === 0 ? 'n/a' : ((100 * c.detected) / (c.detected + c.undetected)).toFixed(2);
console.log('| file | score % | killed | timeout | survived | no coverage |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const [name, c] of rows)
  console.log(`| ${name} | ${pct(c)} | ${c.killed} | ${c.timeout} | ${c.survived} | ${c.noCoverage} |`);
console.log(
  `| **all** | **${pct(total)}** | ${total.killed} | ${total.timeout} | ${total.survived} | ${total.noCoverage} |`,
);
console.log();
/**
 * A first sorting of a survivor from its mutator and line alone (the hand-written reasons in
 * reports/mutation-survivors.md refine it).
 */
function kindOf({ m, line }) {
  const text = m.mutatorName === 'StringLiteral' || m.mutatorName === 'ObjectLiteral';
  if (text && /Error\(|detail|spec:|message|reason|description|`/.test(line)) return 'text';
  if (m.status === 'NoCoverage') return 'uncovered';
  if (/throw new|Error\(/.test(line)) return 'refusal';
  return 'behaviour';
}
const KINDS = {
  text: 'diagnostic text (a message, report detail, spec label or error details object) no test reads verbatim',
  uncovered: 'no test of the mutation set reaches it',
  refusal: 'a refusal (input validation) whose condition no test varies enough',
  behaviour: 'behaviour the tests do not observe (see the reasons per file)',
};
const counts = {};
for (const s of survivors) counts[kindOf(s)] = (counts[kindOf(s)] ?? 0) + 1;
console.log('| kind | mutants |');
console.log('|---|---:|');
for (const [k, text] of Object.entries(KINDS)) console.log(`| ${text} | ${counts[k] ?? 0} |`);
let last = '';
for (const s of survivors) {
  const { name, m, line } = s;
  const where = `${name}:${m.location.start.line}`;
  if (where !== last) console.log(`\n- \`${where}\` \`${line.slice(0, 100).replace(/`/g, "'")}\``);
  last = where;
  const status = m.status === 'NoCoverage' ? 'no coverage' : 'survived';
  const replacement = String(m.replacement ?? '')
    .replace(/\s+/g, ' ')
    .replace(/`/g, "'")
    .slice(0, 80);
  console.log(`  - ${m.mutatorName} -> \`${replacement}\` (${status}; ${kindOf(s)})`);
}
