// What every browser test file shares: one `scalelab serve` and one chromium for the file
// (started before its tests, stopped after them, the server's exit and stderr checked), the
// screenshot directory, and the wait for the two futures to show a load.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startServer } from './server.mjs';
import { launch } from './browser.mjs';

export const shots = process.env.SCREENSHOTS || 'build/screenshots';

// Registers the file's before and after hooks; env.server and env.browser are set in before.
export function useServerAndBrowser() {
  const env = {};

  before(async () => {
    env.server = await startServer();
    env.browser = await launch();
    mkdirSync(shots, { recursive: true });
  });
  after(async () => {
    await env.browser?.close();
    const code = await env.server?.stop();
    assert.equal(code, 0, `server exit status ${code}: ${env.server?.stderr()}`);
    assert.doesNotMatch(env.server.stderr(), /AddressSanitizer|runtime error/);
  });
  return env;
}

// Waits until the two-futures panels show the figures for `loadRps`.
export async function waitForLoad(page, loadRps) {
  await page.waitForFunction(
    (l) => document.querySelector('#horizontal-panel')?.dataset.loadRps === String(l),
    loadRps, { timeout: 10000 });
}
