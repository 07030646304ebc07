// Browser tests of the load slider's one frame per move: after a fast drag, with the plans held
// by the page or asked one by one behind slow answers, every panel shows the figures the API gives
// for the final load (never those of an older one), and a held plan is the API's own document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api } from './server.mjs';
import { openPage } from './browser.mjs';
import { useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();

// Drags the load slider from `from` to `to` (shares of its width) in `steps` pointer moves sent
// as fast as the browser takes them; returns the load it ends on, as req/s.
async function drag(page, from, to, steps) {
  await page.locator('#load-slider').scrollIntoViewIfNeeded();
  const box = await page.locator('#load-slider').boundingBox();
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * from, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * to, y, { steps });
  await page.mouse.up();
  const text = await page.getAttribute('#load-slider', 'aria-valuetext');
  return Number(text.replace(/[^0-9]/g, ''));
}

// The load every panel drawn from the load's plan shows, once they all show the same one.
async function settledLoad(page, load) {
  await page.waitForFunction((l) => {
    const shown = [...document.querySelectorAll('[data-load-rps]')].map((e) => e.getAttribute('data-load-rps'));
    return shown.length >= 6 && shown.every((s) => s === String(l));
  }, load, { timeout: 15000 });
}

// The page's figures for the load against the API's compare and plan documents of that load.
async function matchesApi(page, load, extra = '') {
  const cmp = (await api(env.server.url, `/api/compare?load=${load}${extra}`)).rows[0];
  const plan = await api(env.server.url, `/api/plan?load=${load}${extra}`);
  const got = await page.evaluate(() => {
    const v = (sel) => document.querySelector(sel)?.getAttribute('data-value');
    return {
      hServers: v('#horizontal-servers'), hTotal: v('#horizontal-total'), vTotal: v('#vertical-total'),
      vServers: v('#vertical-servers'), hP99: v('#horizontal-p99'), mark: v('#curve-chart [data-mark="load"]'),
      formula: v('#formula-result'), replicas: v('#db-replicas'), dbCost: v('#db-cost'),
    };
  });
  assert.deepEqual(got, {
    hServers: String(cmp.horizontal.servers), hTotal: String(cmp.horizontal.total_monthly_usd),
    vTotal: String(cmp.vertical.total_monthly_usd), vServers: String(cmp.vertical.servers),
    hP99: String(cmp.horizontal.p99_response_s), mark: String(cmp.load_rps),
    formula: String(plan.app.horizontal.servers), replicas: String(plan.app.database.replicas_per_shard),
    dbCost: String(plan.app.database.monthly_usd),
  }, `figures at ${load} req/s`);
}

test('behind slow answers in any order, a fast drag ends on the final load\'s figures', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url);
  // every plan the page asks for is answered after its own random delay, so an older answer can
  // come after a newer one, while the plans the page holds are still filling
  let plans = 0;
  await page.route('**/api/plan?*', async (route) => {
    plans++;
    await new Promise((r) => setTimeout(r, Math.random() * 150));
    await route.continue();
  });
  await page.goto(`${env.server.url}/?load=1k#futures`);
  await page.waitForSelector('html[data-ready="true"]');
  for (const [from, to] of [[0.05, 0.9], [0.9, 0.3], [0.3, 0.62]]) {
    const load = await drag(page, from, to, 40);
    await settledLoad(page, load);
    await matchesApi(page, load);
    // a late answer for an older load would land after the panels settled: they must not move
    await page.waitForTimeout(400);
    await settledLoad(page, load);
    await matchesApi(page, load);
  }
  assert.ok(plans > 3, `plans asked: ${plans}`);
  // the link names the load the drag ended on (written once the drag rests)
  await page.waitForFunction((l) => {
    const m = /^(\d+(?:\.\d+)?)([km]?)$/.exec(new URL(location.href).searchParams.get('load') || '');
    return m && Number(m[1]) * { '': 1, k: 1e3, m: 1e6 }[m[2]] === l;
  }, await page.evaluate(() => Number(document.querySelector('#horizontal-panel').dataset.loadRps)));
  assert.deepEqual(errors, []);
  await context.close();
});

test('a drag over held plans asks nothing per move, and a held plan is the API\'s document', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url);
  await page.goto(`${env.server.url}/?load=1k#futures`);
  await page.waitForSelector('html[data-ready="true"]');
  await page.waitForSelector('html[data-plans-held="301"]', { timeout: 60000 });
  const asked = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname === '/api/plan' && !u.searchParams.has('state')) asked.push(u.search);
  });
  const load = await drag(page, 0.1, 0.8, 30);
  await settledLoad(page, load);
  assert.deepEqual(asked, []);
  await matchesApi(page, load);

  // another read share is another workload: what was held for the old one is not shown
  await page.$eval('#read-fraction', (e) => {
    e.value = '0.6';
    e.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.waitForFunction(() => new URL(location.href).searchParams.get('read-fraction') === '0.6');
  const again = await drag(page, 0.8, 0.45, 20);
  await settledLoad(page, again);
  await page.waitForTimeout(300);
  await matchesApi(page, again, '&read-fraction=0.6');
  assert.deepEqual(errors, []);
  await context.close();
});
