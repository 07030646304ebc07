// Times the page in headless chromium: first complete render, and a 60-step drag of the load
// slider, each move timed from its input event to the frame that paints every panel with its load
// (or a later one). The panels are those that carry data-load-rps: section 1's resource bars,
// section 2's two futures, section 3's load mark and section 5's formula and database; the fix
// table and the fitted plan follow once the load rests. The drag starts once the page holds the
// slider's plans, as it does by the time a reader reaches for it.
// usage: SCALELAB_URL=http://127.0.0.1:PORT node bench/page_timing.mjs
import { launch, openPage } from '../tests/web/browser.mjs';

const url = process.env.SCALELAB_URL;
const STEPS = 60;
const PACE_MS = 16; // one pointer move a frame, as a hand on a mouse gives them

// Runs in the page: records each input event of the slider (its time and the load it asks for)
// and, each time the panels change, whether every [data-load-rps] panel shows the same load; the
// frame after that settles every move up to the newest one asking for that load.
function instrument() {
  const moves = [];
  const slider = document.getElementById('load-slider');
  window.__moves = moves;
  // capture on window runs before the page's own listener, so its work is inside the time
  window.addEventListener('input', (e) => {
    if (e.target === slider) moves.push({ t0: e.timeStamp, load: null, done: null });
  }, true);
  // the load a move asks for, once the page's listener has written it: a page that draws at once
  // changes the panels (and so calls check) before a later listener would run
  function note() {
    const m = moves[moves.length - 1];
    if (m && m.load === null) m.load = slider.getAttribute('aria-valuetext').replace(/[^0-9]/g, '');
  }
  window.addEventListener('input', (e) => { if (e.target === slider) note(); });
  function check() {
    note();
    const shown = new Set(Array.from(document.querySelectorAll('[data-load-rps]'),
      (p) => p.getAttribute('data-load-rps')));
    if (shown.size !== 1) return;
    const load = shown.values().next().value;
    let j = moves.length - 1;
    while (j >= 0 && moves[j].load !== load) j--;
    if (j < 0) return;
    requestAnimationFrame(() => {
      const now = performance.now(), settled = [];
      for (let i = 0; i <= j; i++) if (moves[i].done === null) { moves[i].done = now; settled.push(moves[i]); }
      // the first task after the frame: its style, layout and paint are done
      const ch = new MessageChannel();
      ch.port1.onmessage = () => { const t = performance.now(); settled.forEach((m) => { m.painted = t; }); };
      ch.port2.postMessage(0);
    });
  }
  new MutationObserver(check).observe(document.body,
    { subtree: true, childList: true, characterData: true, attributes: true });
}

function stats(ms) {
  const s = [...ms].sort((a, b) => a - b);
  return { median: s[Math.floor((s.length - 1) / 2)], worst: s[s.length - 1] };
}

const browser = await launch();
try {
  const { page } = await openPage(browser, url, { width: 1440, height: 900 });
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const t0 = Date.now();
    await page.goto(`${url}/?load=10k`);
    await page.waitForSelector('#horizontal-cost[data-value]');
    await page.waitForSelector('#curve-chart polyline, #curve-chart path');
    runs.push(Date.now() - t0);
  }
  console.log(`page: first complete render ${stats(runs).median} ms (median of 5, navigation to every panel filled)`);

  await page.goto(`${url}/?load=1k#futures`);
  await page.waitForSelector('html[data-ready="true"]');
  // a reader looks at the page before dragging: by then it holds the slider's plans
  await page.waitForSelector('html[data-plans-held]', { timeout: 30000 }).catch(() => {});
  const held = await page.getAttribute('html', 'data-plans-held');
  await page.evaluate(instrument);
  let requests = 0;
  page.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/api/')) requests++; });
  const box = await page.locator('#load-slider').boundingBox();
  const y = box.y + box.height / 2;
  // from about 1.6K to about 630K req/s, one step a frame
  const x = (f) => box.x + box.width * f;
  await page.mouse.move(x(0.07), y);
  await page.mouse.down();
  for (let i = 1; i <= STEPS; i++) {
    await page.mouse.move(x(0.07 + 0.86 * i / STEPS), y);
    await new Promise((r) => setTimeout(r, PACE_MS));
  }
  await page.mouse.up();
  await page.waitForFunction(() => window.__moves.every((m) => m.done !== null), null, { timeout: 10000 })
    .catch(() => {});
  const moves = await page.evaluate(() => window.__moves);
  const unpainted = moves.filter((m) => m.done === null).length;
  const { median, worst } = stats(moves.filter((m) => m.done !== null).map((m) => m.done - m.t0));
  const after = stats(moves.filter((m) => m.painted).map((m) => m.painted - m.t0));
  console.log(`page: slider move to every panel painted ${median.toFixed(1)} ms median, ` +
    `${worst.toFixed(1)} ms worst (input event to the animation frame after the update; ` +
    `${moves.length} input events in a ${STEPS}-step drag, ${requests} API requests, ` +
    `${held || 'no'} plans held${unpainted ? `, ${unpainted} never painted` : ''})`);
  console.log(`page: the same to the end of that frame's paint ${after.median.toFixed(1)} ms median, ` +
    `${after.worst.toFixed(1)} ms worst`);
  console.log('  reproduce: build/scalelab serve --port 0, then SCALELAB_URL=<its address> node bench/page_timing.mjs');
} finally {
  await browser.close();
}
