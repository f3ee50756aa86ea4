import { describe, expect, it } from 'vitest';
import { firstViolation, type Json, lastState, replayIndices } from '../model/core/index.ts';
import { counterModel } from './counter.fixture.ts';
import { escapeHtml, renderTraceHtml, type StorageViewHook, scriptJson } from './html.ts';

const model = counterModel();
/** inc y, inc x, inc y: the last step hits the seeded bug. */
const trace = replayIndices(model, 0, [1, 0, 1]);
const violation = firstViolation(model, lastState(trace))!;

/** The counter's cells as storage frames: the owner is the datum's prefix. */
const cellsView: StorageViewHook = (state) => {
  const cells = (state as { cells: (string | null)[] }).cells;
  return {
    frames: cells.map((cell, index) => ({
      index,
      owner: cell === null ? null : cell.slice(0, cell.lastIndexOf('.')),
      label: cell ?? '',
      ...(cell?.endsWith('v2') ? { flags: ['second write'] } : {}),
    })),
    notes: [`${cells.filter((c) => c !== null).length} of ${cells.length} cells used`],
  };
};

function embeddedData(html: string): {
  steps: { state: Json; title: string }[];
  violatingStep: number | null;
} {
  const match = /<script type="application\/json" id="trace-data">([\s\S]*?)<\/script>/.exec(html);
  return JSON.parse(match![1]!);
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe('renderTraceHtml', () => {
  const html = renderTraceHtml(model, trace, {
    title: 'counter: totalIsSum',
    violation,
    storageView: cellsView,
  });

  it('should be one self-contained page: no URLs, no links, no external scripts or styles', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/https?:/);
    expect(html).not.toMatch(/<link|<img|<iframe|\ssrc=|@import|url\(/i);
    expect(html).toContain("default-src 'none'");
    expect(count(html, '<script')).toBe(2);
    expect(count(html, '<style>')).toBe(1);
  });

  it('should have one section per state, the violating one highlighted', () => {
    expect(count(html, '<section class="step')).toBe(trace.steps.length + 1);
    expect(count(html, '<section class="step violating"')).toBe(1);
    expect(html).toContain('<section class="step violating" id="step-3" data-step="3">');
    expect(html).toContain('<h2>Step 2: inc x</h2>');
    expect(html).toContain('<li><code>cells[0]: null -&gt; A.v1</code></li>');
    expect(html).toContain(
      '<strong>totalIsSum</strong> violated at <a href="#step-3" data-step="3">step 3</a>',
    );
  });

  it('should draw the storage map with owners, changed cells, flags and notes', () => {
    const step3 = html.slice(html.indexOf('id="step-3"'));
    expect(step3).toContain(
      '<div class="frame owner-0 changed" title="frame 2: B, B.v2 (second write)"><span class="index">2</span><span class="label">B.v2</span><span class="flag">second write</span></div>',
    );
    expect(step3).toContain('<div class="frame owner-1" title="frame 0: A, A.v1">');
    expect(step3).toContain('<li>3 of 4 cells used</li>');
    expect(html).toContain('.owner-0{background:');
    expect(html).toContain('<span class="swatch owner-0">B</span>');
  });

  it('should embed the step data as JSON', () => {
    const data = embeddedData(html);
    expect(data.violatingStep).toBe(3);
    expect(data.steps.map((s) => s.title)).toEqual([
      'Initial state',
      'Step 1: inc y',
      'Step 2: inc x',
      'Step 3: inc y',
    ]);
    expect(data.steps[3]!.state).toEqual(model.stateToJson(lastState(trace)));
  });

  it('should show the diff only when no storage view is given', () => {
    const plain = renderTraceHtml(model, trace, { title: 'plain' });
    expect(plain).not.toContain('class="storage"');
    expect(plain).not.toContain('step violating');
    expect(count(plain, '<section class="step')).toBe(4);
    expect(plain).toContain('<li><code>total: 1 -&gt; 2</code></li>');
  });

  it('should escape markup from the model everywhere, including the embedded JSON', () => {
    const evil = '<script>alert(1)</script>';
    const hostile = counterModel({ name: `${evil}&`, tag: evil });
    const page = renderTraceHtml(hostile, replayIndices(hostile, 0, [1, 0, 1]), {
      title: `${evil}"'`,
      violation: { ...violation, message: evil, details: { note: evil } },
      storageView: cellsView,
    });
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('</script>alert');
    expect(count(page, '<script')).toBe(2);
    expect(count(page, '</script>')).toBe(2);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;inc y');
    expect(embeddedData(page).steps[1]!.title).toBe(`Step 1: ${evil}inc y`);
  });
});

describe('escaping helpers', () => {
  it('should escape the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('should keep JSON for a script block free of tags and parseable', () => {
    const value = { s: '</script><!-- & \u2028' };
    const text = scriptJson(value);
    expect(text).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('should draw in-flight transfer targets and pins on the frames, in the tooltip and the legend', () => {
    const marked: StorageViewHook = (state) => {
      const view = cellsView(state);
      return {
        ...view,
        frames: view.frames.map((f) =>
          f.index === 1 ? { ...f, targets: ['ch0 write <B>.p1'], pins: ['A.p0 pinned x2'] } : f,
        ),
      };
    };
    const page = renderTraceHtml(model, trace, { title: 't', storageView: marked });
    expect(count(page, '<span class="target">&rarr; ch0 write &lt;B&gt;.p1</span>')).toBe(
      trace.steps.length + 1,
    );
    expect(count(page, '<span class="pin">A.p0 pinned x2</span>')).toBe(trace.steps.length + 1);
    expect(page).toContain('; A.p0 pinned x2; targeted by ch0 write &lt;B&gt;.p1"');
    expect(page).toContain('<span class="pin">pinned page (must not move)</span>');
    expect(page).toContain('frame an in-flight channel program will access');
    // Without targets or pins, none of it.
    const plain = renderTraceHtml(model, trace, { title: 't', storageView: cellsView });
    expect(plain).not.toContain('class="target"');
    expect(plain).not.toContain('class="pin"');
  });
});
