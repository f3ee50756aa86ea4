/**
 * A trace as one self-contained HTML page: inline CSS and JS, no external assets, every piece of
 * model text escaped. Each step is a section with what changed and, given a storage view, a row of
 * frame cells colored by owner; prev/next buttons and the arrow keys step through them.
 */
import type { Json, Model, Trace, Violation } from '../model/core/index.ts';
import { diffJson, formatChange } from './diff.ts';
import { formatValue } from './json.ts';
import { stateLines } from './text.ts';

/** One frame of main storage as the storage map shows it. */
export interface StorageFrameView {
  readonly index: number;
  /** Who holds the frame (`VMM`, `VM-2`), or null when free: cells of one owner share a color. */
  readonly owner: string | null;
  /** What the cell says, e.g. the datum `VM-2.p1.v3`. */
  readonly label: string;
  /** Short markers shown on the cell, e.g. `shared!`, `stale copy`. */
  readonly flags?: readonly string[];
  /**
   * In-flight transfers aimed at this frame, one line each (`ch0 write VM-2.p1`): drawn as arrows
   * into the cell, so a transfer aimed at a frame that no longer holds its page shows before it lands.
   */
  readonly targets?: readonly string[];
  /** Pins on the page this frame holds (`VM-2.p1 pinned x1`): a pinned page must not move. */
  readonly pins?: readonly string[];
}

/** The domain's picture of one state's storage. */
export interface StorageView {
  readonly frames: readonly StorageFrameView[];
  /** Lines shown under the map, e.g. `VM-2: pageable, relocating to 8..11`. */
  readonly notes?: readonly string[];
}

/**
 * The hook through which domain knowledge enters the page: from a state's JSON (`stateToJson`) to
 * its storage map. Reports stay generic; the VMM model supplies this.
 */
export type StorageViewHook = (state: Json) => StorageView;

/** Options for `renderTraceHtml`. */
export interface TraceHtmlOptions {
  /** Page and heading title. */
  readonly title: string;
  /** The violation the last state shows: highlights the last step and heads the page. */
  readonly violation?: Violation;
  /** Storage map per step; without it each step shows the JSON diff only. */
  readonly storageView?: StorageViewHook;
}

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch]!);
}

const HTML_ENTITIES: { readonly [ch: string]: string } = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** JSON for a `<script type="application/json">` block: `<`, `>` and `&` escaped so no `</script>` can close it. */
export function scriptJson(value: Json): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Owner colors: distinct hues, readable with dark text. */
const OWNER_COLORS = [
  '#9ecae9',
  '#ffbf79',
  '#8ee08e',
  '#ff9d9a',
  '#c5b0d5',
  '#c49c94',
  '#f7b6d2',
  '#dbdb8d',
  '#9edae5',
  '#bcbddc',
];

interface StepModel {
  readonly index: number;
  readonly title: string;
  readonly actionJson: Json;
  readonly state: Json;
  readonly changes: readonly string[];
  readonly view?: StorageView;
}

/**
 * The page for `trace`: a header (title, model, step count, the violation if any), a timeline of
 * steps, then one `<section class="step">` per state (the initial state first) with its action, the
 * fields it changed (the initial state lists all fields), the storage map when `storageView` is
 * given, and the full state JSON on demand. The step data is also embedded as JSON
 * (`<script type="application/json" id="trace-data">`).
 *
 * Without JavaScript every section shows; with it one shows at a time (prev/next, arrow keys, Home/End,
 * `#step-N` links). A Content-Security-Policy forbids any network access.
 */
export function renderTraceHtml<S, A>(
  model: Model<S, A>,
  trace: Trace<S, A>,
  options: TraceHtmlOptions,
): string {
  const steps: StepModel[] = [];
  let previous = model.stateToJson(trace.initial);
  steps.push({
    index: 0,
    title: 'Initial state',
    actionJson: null,
    state: previous,
    changes: stateLines(previous, 120),
    ...(options.storageView ? { view: options.storageView(previous) } : {}),
  });
  trace.steps.forEach((step, i) => {
    const state = model.stateToJson(step.state);
    steps.push({
      index: i + 1,
      title: `Step ${i + 1}: ${model.describeAction(step.action)}`,
      actionJson: model.actionToJson(step.action),
      state,
      changes: diffJson(previous, state).map((change) => formatChange(change)),
      ...(options.storageView ? { view: options.storageView(state) } : {}),
    });
    previous = state;
  });
  const violating = options.violation ? steps.length - 1 : null;

  const owners: string[] = [];
  for (const step of steps) {
    for (const frame of step.view?.frames ?? []) {
      if (frame.owner !== null && !owners.includes(frame.owner)) owners.push(frame.owner);
    }
  }
  const ownerClass = (owner: string | null) => (owner === null ? 'free' : `owner-${owners.indexOf(owner)}`);
  const ownerCss = owners
    .map((_, i) => `.owner-${i}{background:${OWNER_COLORS[i % OWNER_COLORS.length]}}`)
    .join('\n');

  const data: Json = {
    title: options.title,
    model: model.name,
    violatingStep: violating,
    violation: options.violation
      ? {
          invariant: options.violation.invariant,
          message: options.violation.message,
          details: options.violation.details,
        }
      : null,
    steps: steps.map((s) => ({ index: s.index, title: s.title, action: s.actionJson, state: s.state })),
  };

  const e = escapeHtml;
  const sections = steps.map((step, i) => {
    const prior = i > 0 ? steps[i - 1]!.view : undefined;
    const classes = ['step', ...(step.index === violating ? ['violating'] : [])].join(' ');
    const changes =
      step.changes.length === 0
        ? '<p class="none">No field changed.</p>'
        : `<ul class="changes">${step.changes.map((line) => `<li><code>${e(line)}</code></li>`).join('')}</ul>`;
    const banner =
      step.index === violating && options.violation
        ? `<p class="verdict">Violates <strong>${e(options.violation.invariant)}</strong>: ${e(options.violation.message)}</p>`
        : '';
    return `<section class="${classes}" id="step-${step.index}" data-step="${step.index}">
<h2>${e(step.title)}</h2>
${banner}${step.view ? storageMap(step.view, prior, ownerClass) : ''}
<h3>${step.index === 0 ? 'Fields' : 'Changed'}</h3>
${changes}
<details class="raw"><summary>Full state (JSON)</summary><pre></pre></details>
</section>`;
  });

  const timeline = steps
    .map(
      (step) =>
        `<li${step.index === violating ? ' class="violating"' : ''}><a href="#step-${step.index}" data-step="${step.index}">${e(step.title)}</a></li>`,
    )
    .join('\n');
  const frames = steps.flatMap((step) => step.view?.frames ?? []);
  const markers = [
    ...(frames.some((f) => (f.pins ?? []).length > 0)
      ? ['<span class="pin">pinned page (must not move)</span>']
      : []),
    ...(frames.some((f) => (f.targets ?? []).length > 0)
      ? ['<span class="target">&rarr; frame an in-flight channel program will access</span>']
      : []),
  ].join('');
  const legend =
    owners.length === 0
      ? ''
      : `<p class="legend">${owners.map((o) => `<span class="swatch ${ownerClass(o)}">${e(o)}</span>`).join(' ')}<span class="swatch free">free</span>${markers}</p>`;
  const verdict = options.violation ? violationBlock(options.violation, violating!) : '';
  const count = trace.steps.length;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${e(options.title)}</title>
<style>
${CSS}
${ownerCss}
</style>
</head>
<body>
<header>
<h1>${e(options.title)}</h1>
<p class="model">${e(model.name)}: ${count} ${count === 1 ? 'step' : 'steps'}</p>
${verdict}
<nav class="controls" aria-label="Step through the trace">
<button type="button" id="prev" title="Previous step (Left arrow)">&larr; Prev</button>
<span id="position" aria-live="polite"></span>
<button type="button" id="next" title="Next step (Right arrow)">Next &rarr;</button>
<button type="button" id="all">Show all</button>
</nav>
${legend}
</header>
<div class="layout">
<ol class="timeline">
${timeline}
</ol>
<main>
${sections.join('\n')}
</main>
</div>
<script type="application/json" id="trace-data">${scriptJson(data)}</script>
<script>
${SCRIPT}
</script>
</body>
</html>
`;
}

function storageMap(
  view: StorageView,
  prior: StorageView | undefined,
  ownerClass: (owner: string | null) => string,
): string {
  const e = escapeHtml;
  const before = new Map(prior?.frames.map((f) => [f.index, f]));
  const cells = view.frames.map((frame) => {
    const old = before.get(frame.index);
    const flags = frame.flags ?? [];
    const targets = frame.targets ?? [];
    const pins = frame.pins ?? [];
    const changed =
      prior !== undefined &&
      (!old ||
        old.owner !== frame.owner ||
        old.label !== frame.label ||
        formatValue(old.flags ?? []) !== formatValue(flags) ||
        formatValue(old.targets ?? []) !== formatValue(targets) ||
        formatValue(old.pins ?? []) !== formatValue(pins));
    const classes = ['frame', ownerClass(frame.owner), ...(changed ? ['changed'] : [])].join(' ');
    const tip = `frame ${frame.index}: ${frame.owner ?? 'free'}${frame.label ? `, ${frame.label}` : ''}${
      flags.length > 0 ? ` (${flags.join(', ')})` : ''
    }${pins.map((pin) => `; ${pin}`).join('')}${targets.map((target) => `; targeted by ${target}`).join('')}`;
    const badges = [
      ...flags.map((flag) => `<span class="flag">${e(flag)}</span>`),
      ...pins.map((pin) => `<span class="pin">${e(pin)}</span>`),
      ...targets.map((target) => `<span class="target">&rarr; ${e(target)}</span>`),
    ].join('');
    return `<div class="${classes}" title="${e(tip)}"><span class="index">${frame.index}</span><span class="label">${e(frame.label)}</span>${badges}</div>`;
  });
  const notes =
    view.notes && view.notes.length > 0
      ? `<ul class="notes">${view.notes.map((note) => `<li>${e(note)}</li>`).join('')}</ul>`
      : '';
  return `<div class="storage" role="group" aria-label="Main storage frames">${cells.join('')}</div>${notes}`;
}

function violationBlock(violation: Violation, step: number): string {
  const e = escapeHtml;
  const details = Object.entries(violation.details)
    .map(([key, value]) => `<dt>${e(key)}</dt><dd><code>${e(formatValue(value))}</code></dd>`)
    .join('');
  return `<div class="violation" role="alert"><p><strong>${e(violation.invariant)}</strong> violated at <a href="#step-${step}" data-step="${step}">step ${step}</a>: ${e(violation.message)}</p>${details ? `<dl>${details}</dl>` : ''}</div>`;
}

const CSS = `:root{font-family:system-ui,sans-serif;color:#1b1b1b;background:#fafafa}
body{margin:0 auto;padding:1rem 1.5rem;max-width:80rem}
h1{font-size:1.4rem;margin:.2rem 0}
h2{font-size:1.1rem;margin:.2rem 0 .6rem}
h3{font-size:.9rem;margin:.8rem 0 .3rem;color:#555}
.model{color:#555;margin:.2rem 0 .6rem}
.violation{border-left:4px solid #c62828;background:#fdecea;padding:.4rem .8rem;margin:.6rem 0}
.violation dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.3rem 0}
.violation dt{font-weight:600}
.violation dd{margin:0}
.controls{display:flex;gap:.6rem;align-items:center;margin:.6rem 0}
.controls button{font:inherit;padding:.2rem .7rem}
.layout{display:grid;grid-template-columns:minmax(12rem,18rem) 1fr;gap:1.2rem;align-items:start}
.timeline{font-size:.85rem;list-style:none;padding-left:0;margin:0;position:sticky;top:.5rem;max-height:90vh;overflow:auto}
.timeline li{margin:.15rem 0}
.timeline li.current a{font-weight:700}
.timeline li.violating a{color:#c62828}
.step{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;margin-bottom:1rem}
.step.violating{border:2px solid #c62828;background:#fff7f6}
.verdict{color:#c62828;margin:.2rem 0 .6rem}
.js .step{display:none}
.js .step.current,.js.show-all .step{display:block}
.changes{margin:0;padding-left:1.2rem}
.changes code{white-space:pre-wrap;word-break:break-all}
.none{color:#777;font-style:italic}
.storage{display:flex;flex-wrap:wrap;gap:3px;margin:.4rem 0}
.frame{min-width:5.5rem;border:1px solid #999;border-radius:3px;padding:.2rem .3rem;font-size:.75rem;display:flex;flex-direction:column;gap:.1rem}
.frame.changed{outline:3px solid #1565c0;outline-offset:-1px}
.frame .index{color:#444;font-size:.65rem}
.frame .label{font-family:ui-monospace,monospace;min-height:1em}
.flag{font-size:.6rem;background:#333;color:#fff;border-radius:2px;padding:0 .2rem;align-self:flex-start}
.pin{font-size:.6rem;background:#fff3c4;color:#5d4300;border:1px solid #c9a200;border-radius:2px;padding:0 .2rem;align-self:flex-start}
.target{font-size:.6rem;background:#e3f0ff;color:#0d3c7a;border:1px solid #1565c0;border-radius:2px;padding:0 .2rem;align-self:flex-start;font-family:ui-monospace,monospace}
.free{background:#eee;color:#666}
.notes{font-size:.85rem;margin:.3rem 0;padding-left:1.2rem}
.legend{display:flex;flex-wrap:wrap;gap:.4rem;font-size:.8rem}
.swatch{border:1px solid #999;border-radius:3px;padding:0 .4rem}
.raw pre{font-size:.75rem;max-height:30rem;overflow:auto;background:#f4f4f4;padding:.4rem}
@media print{.controls{display:none}.js .step{display:block}}`;

const SCRIPT = `(function () {
  var data = JSON.parse(document.getElementById('trace-data').textContent);
  var sections = Array.prototype.slice.call(document.querySelectorAll('section.step'));
  var links = Array.prototype.slice.call(document.querySelectorAll('.timeline li'));
  var position = document.getElementById('position');
  var current = 0;
  document.body.classList.add('js');
  // The hash is written only after the reader moves (never on load), so the page opens at its
  // header, with the title, the violation and the step buttons in view.
  function show(index, moved) {
    current = Math.max(0, Math.min(sections.length - 1, index));
    sections.forEach(function (s, i) { s.classList.toggle('current', i === current); });
    links.forEach(function (l, i) { l.classList.toggle('current', i === current); });
    position.textContent = 'Step ' + current + ' of ' + (sections.length - 1) +
      (current === data.violatingStep ? ' (violation)' : '');
    if (moved && location.hash !== '#step-' + current) history.replaceState(null, '', '#step-' + current);
  }
  function fromHash() {
    var m = /^#step-(\\d+)$/.exec(location.hash);
    return m ? Number(m[1]) : 0;
  }
  document.getElementById('prev').addEventListener('click', function () { show(current - 1, true); });
  document.getElementById('next').addEventListener('click', function () { show(current + 1, true); });
  document.getElementById('all').addEventListener('click', function () {
    var all = document.body.classList.toggle('show-all');
    this.textContent = all ? 'One at a time' : 'Show all';
  });
  document.addEventListener('click', function (event) {
    var target = event.target.closest('a[data-step]');
    if (!target) return;
    event.preventDefault();
    show(Number(target.getAttribute('data-step')), true);
  });
  document.addEventListener('keydown', function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === 'ArrowLeft') show(current - 1, true);
    else if (event.key === 'ArrowRight') show(current + 1, true);
    else if (event.key === 'Home') show(0, true);
    else if (event.key === 'End') show(sections.length - 1, true);
    else return;
    event.preventDefault();
  });
  sections.forEach(function (section, i) {
    var details = section.querySelector('details.raw');
    details.addEventListener('toggle', function () {
      var pre = details.querySelector('pre');
      if (details.open && !pre.textContent) pre.textContent = JSON.stringify(data.steps[i].state, null, 2);
    });
  });
  window.addEventListener('hashchange', function () { show(fromHash()); });
  show(fromHash());
})();`;
