/**
 * The HTML trace in headless Chromium (Debian's `chromium`, driven by playwright-core): the first
 * view shows the title, the violation and the step buttons. Skips, saying why, where
 * /usr/bin/chromium is absent (.ci/run installs it).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CapturedStream } from './io.ts';
import { runCli } from './main.ts';

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present) console.warn(`skipping the browser test: ${CHROMIUM} is absent (apt-get install -y chromium)`);

describe.skipIf(!present)('the HTML trace in headless Chromium', () => {
  it("should open at its header (title, violation, step buttons in view) and map the stale write's cause", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmcheck-html-'));
    await runCli(
      ['check', 'fig6-relocation', '--variant', 'prior-art', '--invariant', 'noStaleWrite', '--out', dir],
      {
        stdout: new CapturedStream(),
        stderr: new CapturedStream(),
      },
    );
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(pathToFileURL(join(dir, 'fig6-relocation.prior-art.noStaleWrite.html')).href);
      // Run in the page (a string, as the project's types have no DOM).
      const view = await page.evaluate(`(() => {
        const inView = (selector) => {
          const box = document.querySelector(selector)?.getBoundingClientRect();
          return box !== undefined && box.top >= 0 && box.bottom <= window.innerHeight;
        };
        return {
          scrollY: window.scrollY,
          hash: location.hash,
          title: inView('h1'),
          violation: inView('.violation'),
          controls: inView('.controls'),
        };
      })()`);
      expect(view).toEqual({ scrollY: 0, hash: '', title: true, violation: true, controls: true });

      // The step before the stale write: the host program still aims at frame 4, while VM-2's
      // pinned page 1 has been copied to frame 5. Both are on the map, in view.
      await page.keyboard.press('End');
      await page.keyboard.press('ArrowLeft');
      await page.screenshot({ path: join(dir, 'before-stale-write.png') });
      const map = await page.evaluate(`(() => {
        const section = document.querySelector('section.step.current');
        const cells = Array.from(section.querySelectorAll('.storage .frame'));
        const text = (cell, cls) => Array.from(cell.querySelectorAll(cls)).map((b) => b.textContent);
        const seen = (cell) => {
          const box = cell.getBoundingClientRect();
          return box.width > 0 && box.height > 0;
        };
        return {
          step: section.getAttribute('data-step'),
          targets: cells.filter((c) => text(c, '.target').length > 0 && seen(c)).map((c) => [c.querySelector('.index').textContent, ...text(c, '.target')]),
          pins: cells.filter((c) => text(c, '.pin').length > 0 && seen(c)).map((c) => [c.querySelector('.index').textContent, ...text(c, '.pin')]),
          note: Array.from(section.querySelectorAll('.notes li')).map((li) => li.textContent).find((t) => t.startsWith('channel 0')),
        };
      })()`);
      expect(map).toEqual({
        step: '8',
        targets: [['4', '\u2192 ch0 write VM-2.p1']],
        pins: [['5', 'VM-2.p1 pinned x1']],
        note: 'channel 0, io0 of VM-2, host program (frames fixed when built): write p1 at frame 4, but VM-2.p1 is at frame 5',
      });
    } finally {
      await browser.close();
    }
  }, 60_000);
});
