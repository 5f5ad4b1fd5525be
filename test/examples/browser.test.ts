// examples/browser: the page's script is bundled for the browser (no Node module, no `ws`)
// and the page runs in Debian's Chromium through playwright-core: it connects with the
// WHATWG adapter, is answered, reconnects after the server closes it, and sends from a form.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import { type BrowserExample, bundleApp, serveExample } from '../../examples/browser/serve.js';

const CHROMIUM = '/usr/bin/chromium';
const MISSING = 'chromium not installed: apt-get install chromium';
// CI installs chromium, so there a missing binary is a failure, not a skip.
const skip = !existsSync(CHROMIUM) && !process.env.CI ? MISSING : false;

interface ExampleState {
  sessions: number;
  received: string[];
  status: string;
}

describe('examples/browser', () => {
  it('bundles app.ts for the browser with no Node import and no ws', async () => {
    const bundle = await bundleApp();
    assert.doesNotMatch(bundle, /\bfrom\s*["']node:|require\(["']node:|import\(["']node:/);
    assert.doesNotMatch(bundle, /from ["']ws["']|require\(["']ws["']\)/);
    assert.doesNotMatch(bundle, /\bBuffer\b/);
    assert.match(bundle, /WhatwgWebSocketAdapter|WebSocketEngine/);
  });

  describe('in Chromium', { skip, timeout: 60_000 }, () => {
    let browser: Browser | undefined;
    let example: BrowserExample;
    before(async () => {
      assert.ok(existsSync(CHROMIUM), `${MISSING} (CI is set, so this fails instead of skipping)`);
      example = await serveExample();
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        timeout: 15_000,
        args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
      });
    });
    after(async () => {
      await browser?.close();
      await example?.close();
    });

    it('connects, is answered, reconnects after the server closes with 4000, and sends from the form', async () => {
      const page = await browser!.newPage();
      const state = () =>
        page.evaluate(() => (globalThis as unknown as { exampleState: ExampleState }).exampleState);
      try {
        await page.goto(example.url, { timeout: 10_000 });
        await page.waitForFunction(
          () =>
            (globalThis as unknown as { exampleState?: ExampleState }).exampleState?.status === 'reconnected',
          undefined,
          { timeout: 15_000 },
        );
        const seen = await state();
        assert.equal(seen.sessions, 2);
        assert.ok(seen.received.includes('echo: hello from the browser'), seen.received.join(' | '));
        assert.equal(await page.textContent('#status'), 'reconnected');

        await page.fill('#text', 'typed in the page');
        await page.click('#send button');
        await page.waitForFunction(
          () =>
            (globalThis as unknown as { exampleState: ExampleState }).exampleState.received.includes(
              'echo: typed in the page',
            ),
          undefined,
          { timeout: 10_000 },
        );
        assert.match((await page.textContent('#log')) ?? '', /→ typed in the page/);
      } finally {
        await page.close();
      }
    });
  });
});
