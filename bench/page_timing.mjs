// Times the page in headless chromium: first complete render, and slider move to updated panels.
// usage: SCALELAB_URL=http://127.0.0.1:PORT node bench/page_timing.mjs
import { launch, openPage } from '../tests/web/browser.mjs';

const url = process.env.SCALELAB_URL;
const browser = await launch();
try {
  const { page } = await openPage(browser, url);
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const t0 = Date.now();
    await page.goto(`${url}/?load=10k`);
    await page.waitForSelector('#horizontal-cost[data-value]');
    await page.waitForSelector('#curve-chart polyline, #curve-chart path');
    runs.push(Date.now() - t0);
  }
  runs.sort((a, b) => a - b);
  console.log(`page: first complete render ${runs[2]} ms (median of 5, navigation to every panel filled)`);

  const moves = [];
  await page.focus('#load-slider');
  for (let i = 0; i < 20; i++) {
    const before = await page.getAttribute('#horizontal-cost', 'data-value');
    const t0 = Date.now();
    await page.keyboard.press(i % 2 ? 'ArrowLeft' : 'ArrowRight');
    await page.waitForFunction(
      (b) => document.querySelector('#horizontal-cost')?.getAttribute('data-value') !== b,
      before, { timeout: 5000 }).catch(() => {});
    moves.push(Date.now() - t0);
  }
  moves.sort((a, b) => a - b);
  console.log(`page: slider move to updated panels ${moves[10]} ms median, ` +
    `${moves[moves.length - 1]} ms worst (20 moves)`);
} finally {
  await browser.close();
}
