// Browser tests of the page served by `scalelab serve`: headless Debian chromium via
// playwright-core. Every figure on the page must be the API's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api } from './server.mjs';
import { openPage } from './browser.mjs';
import { shots, useServerAndBrowser, waitForLoad } from './harness.mjs';

const env = useServerAndBrowser();

const presets = [['1k', 1e3], ['10k', 1e4], ['100k', 1e5], ['500k', 5e5], ['1m', 1e6]];

test('the page loads with no console errors and no request leaving 127.0.0.1', async () => {
  const { page, context, errors, foreign } = await openPage(env.browser, env.server.url);
  // every script the page pulls in: its path, status and content type
  const scripts = [];
  page.on('response', (r) => {
    if (r.request().resourceType() === 'script') {
      scripts.push([new URL(r.url()).pathname, r.status(), r.headers()['content-type'] || '']);
    }
  });
  await page.goto(`${env.server.url}/?load=10k`);
  await waitForLoad(page, 1e4);
  await page.waitForSelector('#curve-chart polyline, #curve-chart path');
  assert.deepEqual(errors, []);
  assert.deepEqual(foreign, []);
  // the ES modules: main.js and every module it imports, each answered as JavaScript
  const paths = scripts.map(([p]) => p);
  assert.ok(paths.includes('/js/main.js') && paths.includes('/js/api.js'), paths.join(' '));
  for (const [path, status, type] of scripts) {
    assert.match(path, /^\/js\/[a-z]+\.js$/);
    assert.equal(status, 200, path);
    assert.match(type, /^text\/javascript\b/, path);
  }
  assert.equal((await fetch(`${env.server.url}/app.js`)).status, 404);
  await context.close();
});

test('each preset shows the numbers the API gives', async () => {
  const { page, context } = await openPage(env.browser, env.server.url);
  await page.goto(env.server.url + '/');
  for (const [label, rps] of presets) {
    await page.click(`[data-load="${label}"]`);
    await waitForLoad(page, rps);
    const doc = await api(env.server.url, `/api/compare?load=${label}`);
    const row = doc.rows[0];
    const h = row.horizontal;
    assert.equal(await page.getAttribute('#horizontal-cost', 'data-value'), String(h.monthly_usd));
    assert.equal(await page.getAttribute('#horizontal-servers', 'data-value'), String(h.servers));
    assert.equal((await page.textContent('#horizontal-instance')).trim(), h.instance);
    if (row.vertical.feasible) {
      assert.equal(await page.getAttribute('#vertical-cost', 'data-value'),
        String(row.vertical.monthly_usd));
      assert.equal((await page.textContent('#vertical-instance')).trim(), row.vertical.instance);
    }
    assert.equal(new URL(page.url()).searchParams.get('load'), label);
  }
  await context.close();
});

test('at 1M the vertical side says no machine can serve it', async () => {
  const { page, context } = await openPage(env.browser, env.server.url);
  await page.goto(`${env.server.url}/?load=1m`);
  await waitForLoad(page, 1e6);
  assert.match(await page.textContent('#vertical-verdict'), /no (single )?machine/i);
  await context.close();
});

test('the slider updates the panels', async () => {
  const { page, context } = await openPage(env.browser, env.server.url);
  await page.goto(`${env.server.url}/?load=1k`);
  await waitForLoad(page, 1e3);
  const before1k = await page.getAttribute('#horizontal-servers', 'data-value');
  await page.focus('#load-slider');
  for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(
    (b) => document.querySelector('#horizontal-servers')?.getAttribute('data-value') !== b,
    before1k, { timeout: 10000 });
  /* the panels trail the 40 key presses: read them once they have settled, both in one go */
  let last = null, shown = null, servers = null;
  for (let i = 0; i < 50; i++) {
    await page.waitForTimeout(200);
    [shown, servers] = await page.evaluate(() => [
      document.querySelector('#horizontal-panel').getAttribute('data-load-rps'),
      document.querySelector('#horizontal-servers').getAttribute('data-value')]);
    if (shown === last) break;
    last = shown;
  }
  const doc = await api(env.server.url, `/api/compare?load=${Number(shown)}`);
  assert.equal(servers, String(doc.rows[0].horizontal.servers));
  await context.close();
});

// The vCPUs of a catalog's instance, from /api/catalogs.
async function vcpuOf(catalog, name) {
  const doc = await api(env.server.url, '/api/catalogs');
  const c = doc.catalogs.find((x) => x.name === catalog);
  return (c.items || c.instances).find((i) => i.name === name).vcpu;
}

// What the two futures drew: the box's bounding box, the fleet's squares and counters.
async function drawnMachines(page) {
  await page.waitForSelector('#horizontal-drawing path.cell');
  return page.evaluate(() => {
    const box = document.querySelector('#vertical-drawing .box, #vertical-drawing .box-bad');
    const r = box.getBoundingClientRect();
    const paths = [...document.querySelectorAll('#horizontal-drawing path.cell')];
    const first = /^M[-\d.]+ [-\d.]+h([\d.]+)/.exec(paths[0].getAttribute('d'));
    return {
      boxArea: r.width * r.height,
      cellSidePx: Number(first[1]) * paths[0].getScreenCTM().a,
      subpaths: paths.reduce((n, p) => n + p.getAttribute('d').split('M').length - 1, 0),
      servers: paths.reduce((n, p) => n + Number(p.dataset.servers), 0),
      group: Number(paths[0].dataset.group),
      cells: Number(document.querySelector('#horizontal-drawing').dataset.cells),
      vcpuV: Number(document.querySelector('#vertical-vcpu').dataset.value),
      vcpuH: Number(document.querySelector('#horizontal-vcpu').dataset.value),
    };
  });
}

for (const [name, viewport] of [['desktop', { width: 1440, height: 900 }],
  ['phone', { width: 390, height: 844 }]]) {
  test(`the box and the fleet are drawn to one scale, every server counted (${name})`, async () => {
    const { page, context, errors } = await openPage(env.browser, env.server.url, viewport);
    for (const [label, rps] of [...presets, ['3m', 3e6]]) {
      await page.goto(`${env.server.url}/?load=${label}`);
      await waitForLoad(page, rps);
      const row = (await api(env.server.url, `/api/compare?load=${label}`)).rows[0];
      const v = row.vertical, h = row.horizontal;
      const boxVcpu = await vcpuOf('teaching', v.feasible ? v.instance : v.largest_instance);
      const serverVcpu = await vcpuOf('teaching', h.instance);
      const m = await drawnMachines(page);
      // equal area per vCPU: the box against one square of the fleet, within 5 %
      const boxPerVcpu = m.boxArea / boxVcpu;
      const cellPerVcpu = m.cellSidePx ** 2 / (m.group * serverVcpu);
      assert.ok(Math.abs(boxPerVcpu / cellPerVcpu - 1) < 0.05,
        `${label}: box ${boxPerVcpu.toFixed(1)} px²/vCPU, fleet ${cellPerVcpu.toFixed(1)} px²/vCPU`);
      if (label === '1k') assert.ok(m.boxArea >= 400, `1k box drawn ${m.boxArea.toFixed(0)} px²`);
      // every server drawn: one square each, or groups of the stated size
      assert.equal(m.servers, h.servers, label);
      assert.equal(m.subpaths, m.cells, label);
      if (m.group === 1) {
        assert.equal(m.cells, h.servers, label);
      } else {
        assert.equal(m.cells, Math.ceil(h.needed / m.group) + Math.ceil(h.spares / m.group), label);
        assert.match(await page.textContent('#cell-note'),
          new RegExp(`each square = ${m.group.toLocaleString('en-US')} servers`));
      }
      assert.equal(m.group > 1, h.servers > 2000, `${label}: ${h.servers} servers, groups of ${m.group}`);
      // the vCPU counters on each side
      assert.equal(m.vcpuV, boxVcpu * (v.feasible ? v.servers : 1), label);
      assert.equal(m.vcpuH, h.servers * serverVcpu, label);
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
}

// The page's own formatters (web/js/api.js), so a figure is compared as the page writes it.
async function pageFormat(page, fn, value) {
  return page.evaluate(async ([f, v]) => (await import('/js/api.js'))[f](v), [fn, value]);
}

test('both panels show the planner\'s spares, availability against the target, p99 and bill', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url);
  for (const [query, rps] of [...presets.map(([l, r]) => [`load=${l}`, r]), ['load=100k&zones=3', 1e5]]) {
    await page.goto(`${env.server.url}/?${query}`);
    await waitForLoad(page, rps);
    const doc = await api(env.server.url, `/api/compare?${query}`);
    const row = doc.rows[0];
    const target = doc.workload.availability_target;
    for (const side of ['vertical', 'horizontal']) {
      const plan = row[side];
      const where = `${query} ${side}`;
      if (!plan.feasible) {
        assert.equal(await page.textContent(`#${side}-total`), '—', where);
        continue;
      }
      // availability: the API's figure, shown at or above the target where the plan meets it
      const avail = page.locator(`#${side}-availability`);
      assert.equal(await avail.getAttribute('data-value'), String(plan.availability), where);
      assert.equal(await avail.getAttribute('data-meets'), String(plan.meets_target), where);
      const text = await avail.textContent();
      assert.ok(text.startsWith(await pageFormat(page, 'fmtAvail', plan.availability)), `${where}: ${text}`);
      const sub = await page.textContent(`#${side}-availability + .sub`);
      assert.ok(sub.includes(await pageFormat(page, 'fmtAvail', target)), `${where}: ${sub}`);
      if (plan.meets_target) {
        assert.ok(parseFloat(text) / 100 >= target, `${where}: ${text} against ${target}`);
        assert.match(text + sub, /✓[\s\S]*met\b/, where);
      } else {
        assert.match(text + sub, /✗[\s\S]*missed/, where);
      }
      // p99 and the whole bill, as the API gives them and as the page formats them
      assert.equal(await page.getAttribute(`#${side}-p99`, 'data-value'), String(plan.p99_response_s), where);
      assert.equal(await page.textContent(`#${side}-p99`),
        await pageFormat(page, 'fmtSeconds', plan.p99_response_s), where);
      assert.equal(await page.getAttribute(`#${side}-total`, 'data-value'), String(plan.total_monthly_usd), where);
      assert.equal(await page.textContent(`#${side}-total`),
        await pageFormat(page, 'fmtUSD', plan.total_monthly_usd), where);
      assert.equal(plan.bill.total_usd, plan.total_monthly_usd, where);
      // every tier of the bill is on the page
      const bill = await page.textContent(`#${side}-bill`);
      for (const tier of ['servers_usd', 'lb_usd', 'store_usd', 'database_usd']) {
        if (plan.bill[tier]) assert.ok(bill.includes(await pageFormat(page, 'fmtUSD', plan.bill[tier])), `${where} ${tier}`);
      }
    }
    const h = row.horizontal;
    assert.equal(await page.getAttribute('#horizontal-spares', 'data-value'), String(h.spares), query);
    assert.match(await page.textContent('#horizontal-spares + .sub'), /fewest that reach the 99\.95/, query);
    assert.equal(await page.getAttribute('#horizontal-servers', 'data-per-zone'), h.servers_per_zone.join(','), query);
    if (h.zones > 1) {
      assert.ok((await page.textContent('#horizontal-servers + .sub')).includes(
        'per zone ' + h.servers_per_zone.map((n) => n.toLocaleString('en-US')).join(' · ')), query);
    }
  }
  assert.deepEqual(errors, []);
  await context.close();
});

for (const catalog of ['teaching', 'cloud']) {
  test(`the cost chart marks break-even, the wall, the price ladder and the load with the API's figures (${catalog})`, async () => {
    const { page, context, errors } = await openPage(env.browser, env.server.url);
    await page.goto(`${env.server.url}/?load=100k&catalog=${catalog}#curves`);
    await waitForLoad(page, 1e5);
    await page.waitForFunction(() => document.querySelector('#curve-chart [data-mark="wall"]')
      ?.dataset.instance && document.querySelector('#curve-chart [data-mark="ladder"]'), null, { timeout: 10000 });
    const mark = (name) => page.locator(`#curve-chart [data-mark="${name}"]`);
    const fmt = (fn, v) => pageFormat(page, fn, v);
    const curve = await api(env.server.url, `/api/curve?from=1k&to=1m&points=60&catalog=${catalog}`);
    const row = (await api(env.server.url, `/api/compare?load=100k&catalog=${catalog}`)).rows[0];

    // break-even: the first sample from which the fleet is cheaper at every later one
    const pts = curve.points;
    let i = pts.length;
    while (i > 0 && pts[i - 1].horizontal_usd !== null &&
      (pts[i - 1].vertical_usd === null || pts[i - 1].vertical_usd > pts[i - 1].horizontal_usd)) i--;
    assert.ok(i > 0 && i < pts.length, `${catalog}: break-even at sample ${i}`);
    assert.equal(await mark('break-even').getAttribute('data-value'), String(pts[i].load_rps));
    assert.ok((await mark('break-even').textContent()).includes(await fmt('fmtLoadShort', pts[i].load_rps)));

    // the wall: compare's max_rps, where the one-machine line ends (not its last sample)
    const maxRps = row.vertical.max_rps;
    assert.equal(await mark('wall').getAttribute('data-value'), String(maxRps));
    assert.ok((await mark('wall').textContent()).includes(await fmt('fmtLoadShort', maxRps)));
    const atWall = (await api(env.server.url, `/api/compare?load=${Math.floor(maxRps)}&catalog=${catalog}`)).rows[0].vertical;
    assert.equal(await mark('wall').getAttribute('data-instance'), atWall.instance);
    const [lineEnd, wallX] = await page.evaluate(() => {
      const pl = document.querySelector('#curve-chart .series-v').getAttribute('points').trim().split(' ');
      return [Number(pl[pl.length - 1].split(',')[0]),
        Number(document.querySelector('#curve-chart [data-mark="wall"] line').getAttribute('x1'))];
    });
    assert.ok(Math.abs(lineEnd - wallX) < 1, `line ends at x=${lineEnd}, the wall is at x=${wallX}`);

    // the price ladder: the biggest box against the nearest row with at most a sixteenth of its vCPUs
    const cat = (await api(env.server.url, '/api/catalogs')).catalogs.find((c) => c.name === catalog);
    const rows = (cat.items || cat.instances).filter((r) => !r.fleet_only);
    const big = rows.find((r) => r.name === atWall.instance);
    const size = Math.max(...rows.filter((r) => r.vcpu <= big.vcpu / 16).map((r) => r.vcpu));
    const small = rows.filter((r) => r.vcpu === size).sort((a, b) => a.usd_per_month - b.usd_per_month)[0];
    assert.equal(await mark('ladder').getAttribute('data-big'), big.name);
    assert.equal(await mark('ladder').getAttribute('data-small'), small.name);
    assert.equal(await mark('ladder').getAttribute('data-value'), String(big.usd_per_month));
    assert.equal(await mark('ladder').getAttribute('data-small-usd'), String(small.usd_per_month));
    const note = await page.textContent('#ladder-note');
    for (const usd of [big.usd_per_month, small.usd_per_month]) {
      const shown = await fmt('fmtUSD', usd);
      assert.ok(note.includes(shown) && (await mark('ladder').textContent()).includes(shown), shown);
    }
    assert.ok(note.includes(`${Math.round(big.usd_per_month / small.usd_per_month)}× as much`), note);
    assert.ok(note.includes(`${Math.round(big.vcpu / small.vcpu)}× the vCPUs`), note);

    // the chosen load, with both plans' figures of the compare document
    assert.equal(await mark('load').getAttribute('data-value'), String(row.load_rps));
    const load = await mark('load').textContent();
    for (const usd of [row.vertical.monthly_usd, row.horizontal.monthly_usd]) {
      assert.ok(load.includes(await fmt('fmtUSD', usd)), `${load} lacks ${usd}`);
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
}

// Pairs of text labels that cover each other: <text> of one SVG chart or drawing, and lines of text
// inside the two futures and the cost-curve card. Each label is named by its text for the message.
async function overlappingLabels(page) {
  return page.evaluate(() => {
    const hits = [];
    const meet = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
    function check(boxes) {
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          if (boxes[i].owner !== boxes[j].owner && meet(boxes[i].r, boxes[j].r)) {
            hits.push(`${boxes[i].text} × ${boxes[j].text}`);
          }
        }
      }
    }
    const sized = (r) => r.width > 0 && r.height > 0;
    for (const svgEl of document.querySelectorAll('svg.chart, svg.drawing')) {
      check([...svgEl.querySelectorAll('text')].map((t) => ({ owner: t, text: t.textContent, r: t.getBoundingClientRect() }))
        .filter((b) => sized(b.r) && b.text.trim()));
    }
    for (const root of document.querySelectorAll('#load-picker, .futures .panel, #curves .card')) {
      const boxes = [];
      const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        if (!n.textContent.trim() || n.parentElement.closest('svg') || !n.parentElement.checkVisibility()) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        for (const r of range.getClientRects()) if (sized(r)) boxes.push({ owner: n, text: n.textContent.trim(), r });
      }
      check(boxes);
    }
    return hits;
  });
}

for (const [name, viewport] of [['phone', { width: 390, height: 844 }], ['desktop', { width: 1440, height: 900 }]]) {
  test(`no text label covers another in the charts and panels (${name})`, async () => {
    const { page, context, errors } = await openPage(env.browser, env.server.url, viewport);
    for (const [label, rps] of [['1k', 1e3], ['10k', 1e4], ['1m', 1e6]]) {
      for (const catalog of ['teaching', 'azure']) {
        await page.goto(`${env.server.url}/?load=${label}&catalog=${catalog}`);
        await waitForLoad(page, rps);
        await page.waitForSelector('html[data-ready="true"]');
        await page.waitForFunction(() => document.querySelector('#curve-chart [data-mark="ladder"]'), null,
          { timeout: 10000 });
        assert.deepEqual(await overlappingLabels(page), [], `${label} ${catalog} at ${viewport.width} px`);
      }
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('on a phone the load picker stays at the top while the stacked panels scroll, and the copy reads stacked', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { width: 390, height: 844 });
  await page.goto(`${env.server.url}/?load=100k`);
  await waitForLoad(page, 1e5);
  for (const id of ['#vertical-bill', '#horizontal-drawing', '#horizontal-bill']) {
    await page.locator(id).evaluate((e) => e.scrollIntoView({ block: 'center' }));
    const picker = await page.locator('#load-picker').boundingBox();
    assert.ok(Math.abs(picker.y) < 1, `${id}: the picker is at y=${picker.y}`);
    assert.ok(picker.height <= 140, `the picker is ${picker.height} px tall`);
  }
  // and it still works from there
  await page.click('[data-load="1m"]');
  await waitForLoad(page, 1e6);
  assert.doesNotMatch(await page.textContent('#futures'), /on the (left|right)/i);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a quiz answer reveals its explanation without a reload', async () => {
  const { page, context } = await openPage(env.browser, env.server.url);
  await page.goto(`${env.server.url}/#quiz`);
  const quiz = await api(env.server.url, '/api/quiz');
  const q = quiz.questions[0];
  const fieldset = page.locator(`[data-question-id="${q.id}"]`);
  await fieldset.waitFor();
  const explanation = fieldset.locator('[data-explanation]');
  assert.equal(await explanation.isVisible(), false);
  // a reload would wipe this marker; URL updates by history.replaceState would not
  await page.evaluate(() => { window.quizMarker = 42; });
  await fieldset.locator('button').nth(q.answer).click();
  await explanation.waitFor({ state: 'visible' });
  assert.match(await explanation.textContent(), new RegExp(q.explanation.slice(0, 20)
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.equal(await page.evaluate(() => window.quizMarker), 42);
  await context.close();
});

test('every quiz answer shows its live model figures, and the score counts them', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url);
  await page.goto(`${env.server.url}/#quiz`);
  const quiz = await api(env.server.url, '/api/quiz');
  for (const [i, q] of quiz.questions.entries()) {
    // one question at a time, with where the class is
    if (i) await page.click('#quiz-next');
    assert.equal(await page.textContent('#quiz-where'), `Question ${i + 1} of ${quiz.questions.length}`);
    assert.equal(await page.locator('#quiz fieldset:not([hidden])').count(), 1);
    const fieldset = page.locator(`[data-question-id="${q.id}"]`);
    await fieldset.waitFor();
    await fieldset.locator('button').nth(q.answer).click();
    await fieldset.locator('[data-explanation]').waitFor({ state: 'visible' });
    if (q.model && ['compare', 'curve', 'plan', 'queue', 'simulate'].includes(q.model.kind)) {
      // the live line of a question that names a model call ends as figures, never stuck
      await page.waitForFunction((id) => /^Live model: \S/.test(document.querySelector(
        `[data-question-id="${id}"] [data-model]`)?.textContent || ''), q.id, { timeout: 10000 });
    }
  }
  const score = page.locator('[data-score]');
  assert.equal(await score.getAttribute('data-answered'), String(quiz.questions.length));
  assert.equal(await score.getAttribute('data-score'), String(quiz.questions.length));
  // after the last, the summary: every question right, each one a way back to it
  await page.click('#quiz-next');
  await page.waitForSelector('#quiz-summary:not([hidden])');
  assert.equal(await page.locator('#quiz-list li[data-result="right"]').count(), quiz.questions.length);
  assert.equal(await page.locator('#quiz fieldset:not([hidden])').count(), 0);
  await page.locator('#quiz-list button').nth(2).click();
  assert.equal(await page.textContent('#quiz-where'), `Question 3 of ${quiz.questions.length}`);
  assert.deepEqual(errors, []);
  await context.close();
});

// The simulate query the state section sends for one place of state (its inputs, spelled out here).
function simQuery(state, { servers = 4, load = 2800, crash = null } = {}) {
  const q = new URLSearchParams({ servers, load, 'service-ms': 1, requests: load * 30, state,
    lb: state === 'sticky' ? 'sticky' : 'rr', seed: 1, 'lock-fraction': 0.2, 'lock-keys': 100 });
  if (crash) q.set('fail', crash);
  return `/api/simulate?${q}`;
}

// The figures of one run in the state section's table, as data-value by column.
async function simRow(page, state) {
  return page.evaluate((s) => Object.fromEntries([...document.querySelectorAll(
    `#sim-table tr[data-state="${s}"] td`)].map((td) => [td.dataset.col, td.dataset.value])), state);
}

async function waitForRuns(page, servers) {
  await page.waitForFunction((n) => document.querySelector('#sim-results')?.getAttribute('aria-busy') === 'false' &&
    document.querySelectorAll('#sim-table tbody tr').length === 4 &&
    document.querySelector('#sim-setup')?.textContent.startsWith(`Each run: ${n} servers`), servers, { timeout: 20000 });
}

test('the state section shows each run\'s response time and throughput beside what it lost, as the API gives them', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url);
  await page.goto(`${env.server.url}/?load=10k#state`);
  await waitForRuns(page, 4);
  for (const state of ['memory', 'sticky', 'store', 'token']) {
    const doc = await api(env.server.url, simQuery(state));
    const row = await simRow(page, state);
    assert.equal(row.mean, String(doc.response_s.mean), state);
    assert.equal(row.p99, String(doc.response_s.p99), state);
    assert.equal(row.served, String(doc.throughput_rps), state);
    assert.equal(row['lost-fraction'], String(doc.state.lost_fraction), state);
    assert.equal(row.double, String(doc.state.lock_violations), state);
    assert.equal(row.failed, 'null', `${state}: no crash chosen`);
  }
  assert.ok(Number((await simRow(page, 'memory'))['lost-fraction']) > 0);
  assert.equal((await simRow(page, 'store'))['lost-fraction'], '0');
  // the store run is overloaded on purpose: the page says so, why, and offers the fix
  const store = await api(env.server.url, simQuery('store'));
  assert.ok(Math.max(...store.servers.map((x) => x.utilization)) >= 0.99);
  assert.ok(await page.isVisible('#sim-overload'));
  const why = await page.textContent('#sim-overload-text');
  assert.ok(why.includes(await pageFormat(page, 'fmtSeconds', store.state.store_mean_delay_s)), why);
  assert.ok(why.includes(await pageFormat(page, 'fmtSeconds', store.response_s.mean)), why);
  assert.match(why, /more servers for the same traffic/);
  await page.click('#sim-fix');
  await waitForRuns(page, 8);
  assert.equal(new URL(page.url()).searchParams.get('sim-servers'), '8');
  const fixed = await api(env.server.url, simQuery('store', { servers: 8 }));
  const row = await simRow(page, 'store');
  assert.equal(row.mean, String(fixed.response_s.mean));
  assert.equal(row.served, String(fixed.throughput_rps));
  assert.ok(Number(row.busiest) < 0.99, `store with 8 servers: ${row.busiest} busy`);
  assert.equal(await page.isVisible('#sim-overload'), false);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a crash is an explicit choice with its time, and its losses are the API\'s', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url);
  await page.goto(`${env.server.url}/?load=10k#state`);
  await waitForRuns(page, 4);
  const options = await page.$$eval('#sim-crash option', (os) => os.map((o) => [o.value, o.textContent]));
  assert.deepEqual(options.map(([v]) => v), ['none', '10-20', '10']);
  assert.match(options[1][1], /server 1 at 10 s, back empty at 20 s/);
  assert.equal(await page.inputValue('#sim-crash'), 'none');
  await page.selectOption('#sim-crash', '10-20');
  await page.waitForFunction(() => /Crash: server 1 dies at 10 s and comes back empty at 20 s/
    .test(document.querySelector('#sim-setup').textContent), null, { timeout: 20000 });
  await waitForRuns(page, 4);
  assert.equal(new URL(page.url()).searchParams.get('sim-crash'), '10-20');
  for (const state of ['sticky', 'store']) {
    const doc = await api(env.server.url, simQuery(state, { crash: '1@10s-20s' }));
    const row = await simRow(page, state);
    assert.equal(row.failed, String(doc.failed), state);
    assert.equal(row['lost-fraction'], String(doc.state.lost_fraction), state);
  }
  assert.ok(Number((await simRow(page, 'sticky'))['lost-fraction']) > 0, 'sticky loses the sessions of the crashed server');
  // the choice is kept: a reload shows the same crash and the same figures
  await page.reload();
  await waitForRuns(page, 4);
  assert.equal(await page.inputValue('#sim-crash'), '10-20');
  assert.equal((await simRow(page, 'store')).failed,
    String((await api(env.server.url, simQuery('store', { crash: '1@10s-20s' }))).failed));
  assert.deepEqual(errors, []);
  await context.close();
});

test('keyboard alone reaches the load picker and the quiz', async () => {
  const { page, context } = await openPage(env.browser, env.server.url);
  await page.goto(env.server.url + '/');
  const reached = new Set();
  for (let i = 0; i < 400 && reached.size < 2; i++) {
    await page.keyboard.press('Tab');
    const where = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el) return '';
      if (el.id === 'load-slider' || el.matches('[data-load]')) return 'load';
      if (el.closest('#quiz') && el.tagName === 'BUTTON') return 'quiz';
      return '';
    });
    if (where) reached.add(where);
  }
  assert.deepEqual([...reached].sort(), ['load', 'quiz']);
  // and the picker works from the keyboard: Enter on a focused preset loads it
  await page.focus('[data-load="100k"]');
  await page.keyboard.press('Enter');
  await waitForLoad(page, 1e5);
  await context.close();
});

const FIT_DATA = '1,100\n2,190\n4,340\n8,560\n16,800\n32,900\n64,850\n';
const FIT_POINTS = '1:100,2:190,4:340,8:560,16:800,32:900,64:850';

async function fitOnPage(page, data, sigma) {
  await page.fill('#fit-data', data);
  await page.click('#fit-run');
  await page.waitForFunction((s) => document.querySelector('#fit-sigma')
    ?.getAttribute('data-value') === String(s), sigma, { timeout: 10000 });
}

// The page at 100K with the sample fitted; the API's fit of it.
async function openFitted(page) {
  await page.goto(`${env.server.url}/?load=100k#capacity`);
  await page.waitForSelector('html[data-ready="true"]');
  const fit = await api(env.server.url, `/api/fit?points=${FIT_POINTS}`);
  await fitOnPage(page, FIT_DATA, fit.sigma);
  return fit;
}

test('the calibration panel draws the API\'s fit with axes, legend, N* and the linear ideal, and plans with it', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url);
  const fit = await openFitted(page);
  assert.equal(await page.getAttribute('#fit-kappa', 'data-value'), String(fit.kappa));
  assert.equal(await page.getAttribute('#fit-nstar', 'data-value'), String(fit.n_star));
  // the chart: both axis titles, N* labelled with the API's peak, every measurement, the ideal
  const chart = await page.evaluate(() => {
    const root = document.querySelector('#fit-chart');
    const box = root.getBoundingClientRect();
    const inside = (e) => { const r = e.getBoundingClientRect();
      return r.left >= box.left - 0.5 && r.right <= box.right + 0.5 && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5; };
    const mark = (m) => root.querySelector(`[data-mark="${m}"]`);
    return {
      x: mark('x-title')?.textContent, y: mark('y-title')?.textContent, yInside: inside(mark('y-title')),
      nStar: mark('n-star')?.textContent, nStarValue: mark('n-star')?.dataset.value, nStarInside: inside(mark('n-star')),
      measured: root.querySelectorAll('[data-mark="measured"]').length,
      ideal: !!mark('ideal'), fit: !!mark('fit'),
      legend: document.querySelector('#fit-legend').textContent,
    };
  });
  assert.match(chart.x, /^n: cores, threads or nodes/);
  assert.match(chart.y, /throughput/);
  assert.ok(chart.yInside && chart.nStarInside, 'axis title and N* label inside the chart');
  assert.equal(chart.nStarValue, String(fit.n_star));
  assert.ok(chart.nStar.includes(await pageFormat(page, 'fmtNum', fit.n_star)), chart.nStar);
  assert.equal(chart.measured, fit.points.length);
  assert.ok(chart.ideal && chart.fit);
  for (const key of ['measured', 'USL fit', 'linear ideal', 'peak N*']) assert.ok(chart.legend.includes(key), key);
  // section 2's load planned with the catalog's coefficients and with the fitted ones, both shown
  const withFit = (await api(env.server.url, `/api/compare?load=100k&usl=${fit.sigma},${fit.kappa}`)).rows[0];
  const withCatalog = (await api(env.server.url, '/api/compare?load=100k')).rows[0];
  await page.waitForFunction((v) => document.querySelector('#fit-plan-table tr[data-plan="fit"] td[data-col="horizontal"]')
    ?.getAttribute('data-value') === String(v), withFit.horizontal.monthly_usd, { timeout: 10000 });
  for (const [plan, row] of [['fit', withFit], ['catalog', withCatalog]]) {
    const cells = await page.$$eval(`#fit-plan-table tr[data-plan="${plan}"] td`,
      (tds) => Object.fromEntries(tds.map((td) => [td.dataset.col, [td.dataset.value ?? null, td.textContent]])));
    assert.equal(cells.max[0], String(row.vertical.max_rps), plan);
    assert.equal(cells.horizontal[0], String(row.horizontal.monthly_usd), plan);
    if (row.vertical.feasible) assert.equal(cells.vertical[0], String(row.vertical.monthly_usd), plan);
    else assert.match(cells.vertical[1], /^none/, plan);
  }
  assert.match((await page.textContent('#fit-card')).replace(/\s+/g, ' '), /Section 2 keeps planning with the catalog's coefficients/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a calibration error is shown within the panel, beside the input, and the old results are cleared', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url);
  const fit = await openFitted(page);
  await page.waitForSelector('#fit-plan:not([hidden])');
  const cleared = async (what) => {
    const state = await page.evaluate(() => ({
      inPanel: !!document.querySelector('#fit-error')?.closest('#fit-card'),
      figures: ['fit-sigma', 'fit-kappa', 'fit-lambda', 'fit-r2', 'fit-nstar', 'fit-xmax']
        .map((id) => document.getElementById(id).getAttribute('data-value')),
      drawn: document.querySelectorAll('#fit-chart circle, #fit-chart polyline').length,
      planHidden: document.querySelector('#fit-plan').hidden,
      figureHidden: document.querySelector('#fit-figure').hidden,
      banner: !document.querySelector('#api-error').hidden,
      invalid: document.querySelector('#fit-data').getAttribute('aria-invalid'),
    }));
    assert.ok(state.inPanel, what);
    assert.deepEqual(state.figures, Array(6).fill('null'), what);
    assert.equal(state.drawn, 0, what);
    assert.ok(state.planHidden && state.figureHidden, what);
    assert.equal(state.banner, false, `${what}: no banner far away`);
    assert.equal(state.invalid, 'true', what);
    // beside the input: right under the measurements
    const input = await page.locator('#fit-data').boundingBox();
    const error = await page.locator('#fit-error').boundingBox();
    assert.ok(error.y >= input.y + input.height - 1 && error.y - (input.y + input.height) < 40, `${what}: error at ${error.y}`);
  };
  // a line that is not two numbers: the page says which
  await page.fill('#fit-data', 'abc');
  await page.click('#fit-run');
  await page.waitForSelector('#fit-error:not([hidden])');
  assert.match(await page.textContent('#fit-error'), /Line 1, “abc”: expected two numbers/);
  await cleared('abc');
  // readable but not fittable: the API's own words
  await fitOnPage(page, FIT_DATA, fit.sigma);
  await page.fill('#fit-data', '1,10\n2,20');
  await page.click('#fit-run');
  const res = await fetch(`${env.server.url}/api/fit?points=1:10,2:20`);
  assert.equal(res.status, 400);
  const { error } = await res.json();
  await page.waitForFunction((e) => document.querySelector('#fit-error')?.textContent.includes(e), error, { timeout: 10000 });
  await cleared('two points');
  // and a good fit again brings everything back
  await fitOnPage(page, FIT_DATA, fit.sigma);
  assert.equal(await page.isVisible('#fit-error'), false);
  assert.equal(await page.isVisible('#fit-figure'), true);
  // the one console line: the browser's note of the API's 400 for the two points
  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  await context.close();
});

// Every input of "Your service", by the API's parameter name: its control and a value to set.
const SERVICE_INPUTS = [
  ['cpu-ms', '#service-cpu', '2'], ['response-bytes', '#service-bytes', '8192'], ['sessions', '#service-sessions', '50000'],
  ['state', '#service-state', 'store'], ['target-utilization', '#service-target', '0.6'], ['spares', '#service-spares', 'n+2'],
  ['availability-target', '#service-availability', '0.999'], ['slo', '#service-slo', 'p99=50ms'],
  ['zones', '#zones-select', '2'], ['catalog', '#service-catalog', 'cloud'],
];

async function setInput(page, sel, value) {
  const tag = await page.$eval(sel, (e) => e.tagName);
  if (tag === 'SELECT') await page.selectOption(sel, value);
  else { await page.fill(sel, value); await page.press(sel, 'Enter'); await page.locator(sel).blur(); }
}

// Section 2 and 5 show the API's figures for the query (a catalog CSV as the body, when given).
async function showsFigures(page, query, body) {
  const opts = body ? { method: 'POST', body, headers: { 'Content-Type': 'text/csv' } } : {};
  const cmp = await (await fetch(`${env.server.url}/api/compare?${query}`, opts)).json();
  const plan = await (await fetch(`${env.server.url}/api/plan?${query}`, opts)).json();
  const h = cmp.rows[0].horizontal;
  await page.waitForFunction(([s, c, p]) => document.querySelector('#horizontal-servers')?.getAttribute('data-value') === s &&
    document.querySelector('#horizontal-total')?.getAttribute('data-value') === c &&
    document.querySelector('#formula-result')?.getAttribute('data-value') === p,
  [String(h.servers), String(h.total_monthly_usd), String(plan.app.horizontal.servers)], { timeout: 15000 });
  return cmp;
}

test('every input of Your service goes into the URL, survives a reload and gives the API\'s figures', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url);
  await page.goto(`${env.server.url}/?load=100k`);
  await waitForLoad(page, 1e5);
  await page.$eval('#service', (d) => { d.open = true; });
  for (const [name, sel, value] of SERVICE_INPUTS) {
    await setInput(page, sel, value);
    await page.waitForFunction(([n, v]) => new URL(location.href).searchParams.get(n) === v, [name, value], { timeout: 10000 });
  }
  const query = new URLSearchParams([['load', '100k'], ...SERVICE_INPUTS.map(([n, , v]) => [n, v])]).toString();
  const cmp = await showsFigures(page, query);
  assert.equal(cmp.workload.cpu_ms, 2);
  assert.equal(cmp.catalog.name, 'cloud');
  await page.waitForFunction(() => document.querySelector('#queue-work')?.textContent.startsWith('2'), null, { timeout: 10000 });
  const summary = (await page.textContent('#service-summary')).replace(/\u00a0/g, ' ');
  for (const bit of ['2 ms of CPU', '8,192-byte', 'a store', '60 % target', 'spares n+2', 'SLO p99=50ms', 'cloud catalog']) {
    assert.ok(summary.includes(bit), `${bit} in ${summary}`);
  }
  await page.reload();
  await page.waitForSelector('html[data-ready="true"]');
  for (const [name, sel, value] of SERVICE_INPUTS) assert.equal(await page.inputValue(sel), value, name);
  assert.equal(await page.inputValue('#catalog-select'), 'cloud');
  assert.equal(await page.inputValue('#spares-select'), 'n+2');
  await showsFigures(page, query);
  assert.equal(await page.isVisible('#url-problems'), false);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a pasted CSV catalog is POSTed to compare, curve and plan, and kept in the link', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url);
  const csv = 'name,vcpu,mem_gib,net_gbps,usd_per_month,single_thread_factor\nsmall,2,4,1,40,1\nmid,8,32,5,200,1\nbig,32,128,10,1600,1\n';
  const posts = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (/^\/api\/(compare|curve|plan)$/.test(u.pathname) && r.method() === 'POST') {
      posts.push([u.pathname, r.headers()['content-type'], r.postData()]);
    }
  });
  await page.goto(`${env.server.url}/?load=10k`);
  await waitForLoad(page, 1e4);
  await page.$eval('#service', (d) => { d.open = true; });
  await page.selectOption('#service-catalog', 'csv');
  await page.fill('#service-csv', csv);
  await page.click('#service-csv-apply');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('catalog') === 'csv', null, { timeout: 10000 });
  await showsFigures(page, 'load=10k', csv);
  for (const path of ['/api/compare', '/api/curve', '/api/plan']) {
    const sent = posts.filter(([p]) => p === path);
    assert.ok(sent.length, `${path} POSTed`);
    for (const [, type, body] of sent) { assert.match(type, /^text\/csv/); assert.equal(body, csv); }
  }
  assert.equal(await page.inputValue('#catalog-select'), 'csv');
  assert.ok(decodeURIComponent(new URL(page.url()).hash).includes(csv.trim()));
  await page.reload();
  await page.waitForSelector('html[data-ready="true"]');
  assert.equal(await page.inputValue('#service-csv'), csv);
  await showsFigures(page, 'load=10k', csv);
  // a broken catalog is refused beside the field, in the API's words, and the good one stays
  await page.fill('#service-csv', 'name,vcpu\nx,1\n');
  await page.click('#service-csv-apply');
  await page.waitForSelector('#error-catalog:not([hidden])');
  assert.match(await page.textContent('#error-catalog'), /missing column/);
  assert.ok(decodeURIComponent(new URL(page.url()).hash).includes(csv.trim()));
  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  await context.close();
});

test('a link\'s unknown or invalid values are reported on the page, not silently replaced', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url);
  await page.goto(`${env.server.url}/?load=abc&cpu-ms=-1&state=disk&foo=1&sim-servers=5`);
  await waitForLoad(page, 1e4);
  await page.waitForSelector('#url-problems:not([hidden])');
  const items = await page.$$eval('#url-problems li', (lis) => Object.fromEntries(lis.map((li) => [li.dataset.key, li.textContent])));
  assert.deepEqual(Object.keys(items).sort(), ['cpu-ms', 'foo', 'load', 'sim-servers', 'state']);
  assert.match(items.load, /load=abc: expected a load/);
  assert.match(items.foo, /no such setting/);
  for (const [key, value] of [['cpu-ms', '-1'], ['state', 'disk']]) {
    const res = await fetch(`${env.server.url}/api/plan?load=1k&${key}=${value}`);
    assert.equal(res.status, 400);
    assert.ok(items[key].includes((await res.json()).error), items[key]);
  }
  // what the page shows instead is the default, and the URL no longer claims the bad values
  const url = new URL(page.url());
  for (const key of ['cpu-ms', 'state', 'foo', 'sim-servers']) assert.equal(url.searchParams.get(key), null, key);
  assert.equal(url.searchParams.get('load'), '10k');
  await showsFigures(page, 'load=10k');
  // a value typed into the panel that the API refuses: said beside the field, not applied
  await page.$eval('#service', (d) => { d.open = true; });
  await setInput(page, '#service-cpu', '-5');
  await page.waitForSelector('#error-cpu-ms:not([hidden])');
  assert.match(await page.textContent('#error-cpu-ms'), /invalid cpu-ms '-5'/);
  assert.equal(new URL(page.url()).searchParams.get('cpu-ms'), null);
  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  await context.close();
});

test('cards side by side are of one height, and on a phone the quiz is one question tall', async () => {
  for (const [name, viewport] of [['desktop', { width: 1440, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
    const { page, context, errors } = await openPage(env.browser, env.server.url, viewport);
    await page.goto(`${env.server.url}/?load=10k`);
    await waitForLoad(page, 1e4);
    await page.waitForSelector('html[data-ready="true"]');
    const rows = await page.evaluate(() => [...document.querySelectorAll('.grid-2, .futures')].map((g) => {
      const boxes = [...g.children].map((c) => c.getBoundingClientRect());
      return { id: g.closest('section').id, tops: boxes.map((b) => Math.round(b.top)), heights: boxes.map((b) => Math.round(b.height)) };
    }));
    for (const r of rows) {
      if (r.tops.every((t) => t === r.tops[0])) assert.ok(Math.max(...r.heights) - Math.min(...r.heights) <= 1, `${name} ${r.id}: ${r.heights}`);
    }
    if (name === 'desktop') assert.ok(rows.filter((r) => r.tops[0] === r.tops[1]).length >= 4, 'side by side on a desktop');
    const quiz = await page.locator('#quiz-section').boundingBox();
    if (name === 'phone') assert.ok(quiz.height < 1200, `the quiz is ${quiz.height} px tall on a phone`);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('screenshots at 1K and 1M, desktop and phone: the page and each section', async () => {
  for (const [name, viewport] of [['desktop', { width: 1440, height: 900 }],
    ['phone', { width: 390, height: 844 }]]) {
    for (const [label, rps] of [['1k', 1e3], ['1m', 1e6]]) {
      const { page, context, errors } = await openPage(env.browser, env.server.url, viewport);
      await page.goto(`${env.server.url}/?load=${label}`);
      await waitForLoad(page, rps);
      await page.waitForSelector('html[data-ready="true"]');
      await page.screenshot({ path: `${shots}/page-${label}-${name}.png`, fullPage: true });
      // a section taller than the window is shot in scrolled pieces: the sticky picker would
      // land in the middle of section 2, so for these shots it keeps its place in the flow
      await page.addStyleTag({ content: '.picker { position: static !important; }' });
      for (const id of ['ceiling', 'futures', 'curves', 'state', 'capacity']) {
        await page.locator(`#${id}`).screenshot({ path: `${shots}/${id}-${label}-${name}.png` });
      }
      assert.deepEqual(errors, []);
      await context.close();
    }
  }
});
