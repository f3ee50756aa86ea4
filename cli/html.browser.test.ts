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
  it('should open at its header, with the title, the violation and the step buttons in view', async () => {
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
    } finally {
      await browser.close();
    }
  }, 60_000);
});
