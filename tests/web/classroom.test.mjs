// Browser tests of classroom mode, the printed page and the saturation chart's ∞ (issue 14), in
// headless Debian chromium via playwright-core against `scalelab serve`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api } from './server.mjs';
import { openPage } from './browser.mjs';
import { shots, useServerAndBrowser, waitForLoad } from './harness.mjs';

const SECTIONS = ['service', 'ceiling', 'futures', 'curves', 'state', 'capacity', 'quiz-section', 'next'];
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const env = useServerAndBrowser();

async function ready(page, path) {
  await page.goto(env.server.url + path);
  await page.waitForSelector('html[data-ready="true"]');
}

// The sections a reader can see (not the ones display: none'd away).
function shownSections(page) {
  return page.evaluate((ids) => ids.filter((id) => document.getElementById(id).checkVisibility()), SECTIONS);
}

// The page's query and the section in its #hash.
function where(page) {
  const u = new URL(page.url());
  return { classroom: u.searchParams.get('classroom'), load: u.searchParams.get('load'), hash: u.hash };
}

test('classroom mode: one section a screen, arrow keys and clicker keys step sections, Up/Down step loads, Escape leaves', async () => {
  const { page, context, errors, foreign } = await openPage(env.browser, env.server.url, DESKTOP);
  await ready(page, '/?load=10k&classroom=1#futures');
  await waitForLoad(page, 1e4);
  assert.equal(await page.getAttribute('html', 'data-classroom'), '');
  assert.deepEqual(await shownSections(page), ['futures']);
  assert.equal(await page.textContent('#class-where'), `3 of ${SECTIONS.length} · Two futures, same traffic`);
  assert.equal(await page.isVisible('.masthead'), false);

  const steps = [['ArrowRight', 'curves'], ['PageDown', 'state'], ['PageUp', 'curves'], ['ArrowLeft', 'futures'],
    ['ArrowLeft', 'ceiling'], ['ArrowLeft', 'service'], ['ArrowLeft', 'service'], ['PageDown', 'ceiling']];
  for (const [key, id] of steps) {
    await page.keyboard.press(key);
    assert.deepEqual(await shownSections(page), [id], `after ${key}`);
    assert.deepEqual(where(page), { classroom: '1', load: '10k', hash: `#${id}` }, `after ${key}`);
  }

  // Up and Down walk the picker's loads, and the panels show the API's plan for each
  for (const [key, label, rps] of [['ArrowUp', '100k', 1e5], ['ArrowUp', '500k', 5e5], ['ArrowUp', '1m', 1e6],
    ['ArrowUp', '1m', 1e6], ['ArrowDown', '500k', 5e5], ['ArrowDown', '100k', 1e5], ['ArrowDown', '10k', 1e4],
    ['ArrowDown', '1k', 1e3], ['ArrowDown', '1k', 1e3]]) {
    await page.keyboard.press(key);
    await waitForLoad(page, rps);
    assert.equal(where(page).load, label, `after ${key}`);
    const doc = await api(env.server.url, `/api/compare?load=${label}`);
    assert.equal(await page.getAttribute('#horizontal-servers', 'data-value'), String(doc.rows[0].horizontal.servers));
  }
  assert.deepEqual(await shownSections(page), ['ceiling'], 'the loads change, the section stays');

  // keys typed into a field stay there: a text box, then the load slider
  await page.keyboard.press('ArrowLeft');
  assert.deepEqual(await shownSections(page), ['service']);
  await page.click('#service-slo');
  for (const key of ['ArrowRight', 'ArrowLeft', 'PageDown', 'ArrowUp', 'Escape']) await page.keyboard.press(key);
  assert.deepEqual(await shownSections(page), ['service']);
  assert.equal(await page.getAttribute('html', 'data-classroom'), '');
  assert.equal(where(page).load, '1k');
  await page.click('#class-next');
  await page.click('#class-next');
  assert.deepEqual(await shownSections(page), ['futures']);
  await page.focus('#load-slider');
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await shownSections(page), ['futures']);
  await page.waitForFunction(() => new URL(location.href).searchParams.get('load') !== '1k');

  // Escape leaves: every section is back, the URL forgets the mode, the section is kept
  await page.locator('#futures h2').click();
  await page.keyboard.press('Escape');
  assert.equal(await page.getAttribute('html', 'data-classroom'), null);
  assert.deepEqual(await shownSections(page), SECTIONS);
  assert.equal(where(page).classroom, null);
  assert.equal(where(page).hash, '#futures');
  assert.equal(await page.isVisible('#class-bar'), false);
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await shownSections(page), SECTIONS, 'outside classroom mode the keys are the browser\'s');

  // the button at the top enters it again, at the section being read: the one under the button
  await page.click('#class-toggle');
  assert.deepEqual(await shownSections(page), ['service']);
  assert.equal(where(page).classroom, '1');
  assert.deepEqual(errors, []);
  assert.deepEqual(foreign, []);
  await context.close();
});

test('classroom mode steps through the quiz one question at a time, with where the class is and a summary', async () => {
  const { page, context, errors, foreign } = await openPage(env.browser, env.server.url, DESKTOP);
  const quiz = await api(env.server.url, '/api/quiz');
  const n = quiz.questions.length;
  await ready(page, '/?classroom=1#capacity');
  await page.keyboard.press('PageDown');
  assert.deepEqual(await shownSections(page), ['quiz-section']);
  for (let i = 0; i < n; i++) {
    assert.equal(await page.textContent('#quiz-where'), `Question ${i + 1} of ${n}`);
    assert.equal(await page.locator('#quiz fieldset:not([hidden])').count(), 1);
    // the first question answered right, the others wrong (the API says which is which)
    const q = quiz.questions[i];
    const pick = i === 0 ? q.answer : (q.answer + 1) % q.choices.length;
    await page.click(`#quiz fieldset[data-question-id="${q.id}"] [data-choice="${pick}"]`);
    await page.keyboard.press('PageDown');
  }
  assert.equal(await page.textContent('#quiz-where'), 'Summary');
  assert.equal(await page.textContent('#quiz-summary-h'), `How it went: 1 of ${n} right`);
  assert.equal(await page.locator('#quiz-list li[data-result="right"]').count(), 1);
  assert.equal(await page.locator('#quiz-list li[data-result="wrong"]').count(), n - 1);
  await page.keyboard.press('PageUp');
  assert.equal(await page.textContent('#quiz-where'), `Question ${n} of ${n}`);
  await page.keyboard.press('PageDown');
  await page.keyboard.press('PageDown');
  assert.deepEqual(await shownSections(page), ['next'], 'after the summary, the next section');
  assert.deepEqual(errors, []);
  assert.deepEqual(foreign, []);
  await context.close();
});

// Font sizes in px of a few elements of the page: a section's opening words, then its figures and
// headings.
const TEXTS = ['#futures > p', '#futures h2', '#vertical-servers', '#horizontal-h', '#load-out', '#curves .note'];
function sizes(page) {
  return page.evaluate((sels) => sels.map((s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize)), TEXTS);
}

// [name, viewport, least growth of the opening words, least growth of the rest]
for (const [name, viewport, words, rest] of [['desktop', DESKTOP, 1.3, 1.5], ['phone', PHONE, 1.15, 1.15]]) {
  test(`classroom type is larger than the page's (${name})`, async () => {
    const { page, context, errors } = await openPage(env.browser, env.server.url, viewport);
    await ready(page, '/?load=10k#futures');
    const normal = await sizes(page);
    await page.click('#class-toggle');
    const big = await sizes(page);
    big.forEach((px, i) => assert.ok(px >= (i ? rest : words) * normal[i], `${TEXTS[i]}: ${px} px against ${normal[i]} px`));
    assert.ok(big[0] >= (name === 'desktop' ? 20 : 18), `opening words ${big[0]} px`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

// Pairs of pieces of text that cover each other in what classroom mode shows: the lines of text of
// the shown section, the <text> of each of its SVGs, and the bar's own lines.
function overlaps(page) {
  return page.evaluate(() => {
    const hits = [];
    const meet = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
    const sized = (r) => r.width > 0 && r.height > 0;
    function check(boxes) {
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          if (boxes[i].owner !== boxes[j].owner && meet(boxes[i].r, boxes[j].r)) hits.push(`${boxes[i].text} × ${boxes[j].text}`);
        }
      }
    }
    function lines(root) {
      const boxes = [];
      const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        if (!n.textContent.trim() || n.parentElement.closest('svg, select') || !n.parentElement.checkVisibility()) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        for (const r of range.getClientRects()) if (sized(r)) boxes.push({ owner: n, text: n.textContent.trim(), r });
      }
      return boxes;
    }
    const shown = document.querySelector('main [data-screen]');
    check(lines(shown));
    check(lines(document.getElementById('class-bar')));
    for (const s of shown.querySelectorAll('svg')) {
      const texts = [...s.querySelectorAll('text')].map((t) => ({ owner: t, text: t.textContent, r: t.getBoundingClientRect() }))
        .filter((b) => sized(b.r) && b.text.trim());
      check(texts);
      const frame = s.getBoundingClientRect();
      for (const t of texts) {
        if (t.r.left < frame.left - 1 || t.r.right > frame.right + 1 || t.r.top < frame.top - 1 || t.r.bottom > frame.bottom + 1) {
          hits.push(`${t.text} cut off at the edge of its chart`);
        }
      }
    }
    // and no text spills out of its button
    for (const b of [...shown.querySelectorAll('button'), ...document.querySelectorAll('#class-bar button')]) {
      if (b.checkVisibility() && (b.scrollWidth > b.clientWidth + 1 || b.scrollHeight > b.clientHeight + 1)) {
        hits.push(`${b.textContent.trim()} spills out of its button`);
      }
    }
    return hits;
  });
}

for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`classroom mode at 1K and 1M: no text covers another (${name}); screenshots of each screen`, async () => {
    const { page, context, errors, foreign } = await openPage(env.browser, env.server.url, viewport);
    for (const [label, rps] of [['1k', 1e3], ['1m', 1e6]]) {
      await ready(page, `/?load=${label}&classroom=1#service`);
      await waitForLoad(page, rps);
      await page.waitForFunction(() => document.querySelector('#curve-chart [data-mark="ladder"]'), null, { timeout: 10000 });
      for (const id of SECTIONS) {
        assert.deepEqual(await shownSections(page), [id]);
        assert.deepEqual(await overlaps(page), [], `${id} at ${label}, ${viewport.width} px`);
        await page.screenshot({ path: `${shots}/classroom-${id}-${label}-${name}.png` });
        // on to the next section (in the quiz, a press is a question)
        for (let i = 0; i < 60 && id !== 'next' && (await shownSections(page))[0] === id; i++) {
          await page.keyboard.press('ArrowRight');
        }
      }
    }
    assert.deepEqual(errors, []);
    assert.deepEqual(foreign, []);
    await context.close();
  });
}

// The pages of a PDF as Chromium writes them: one "/Type /Page" object each.
function pdfPages(pdf) {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) || []).length;
}

test('printed, the page is two pages: the two futures with their bills, then the cost curve', async () => {
  const { page, context, errors, foreign } = await openPage(env.browser, env.server.url, DESKTOP);
  for (const [label, catalog] of [['1k', 'teaching'], ['10k', 'cloud'], ['100k', 'azure'], ['1m', 'teaching'], ['1m', 'gcp']]) {
    await ready(page, `/?load=${label}&catalog=${catalog}`);
    for (const format of ['A4', 'Letter']) {
      assert.equal(pdfPages(await page.pdf({ format })), 2, `${label} ${catalog} on ${format}`);
    }
  }
  // what the printed page shows, in the dark colour scheme too
  await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
  assert.deepEqual(await shownSections(page), ['service', 'futures', 'curves']);
  assert.ok(await page.isVisible('#service-summary'), 'the workload is printed in a line');
  assert.equal(await page.isVisible('#service .service-grid'), false, 'the workload\'s fields are not');
  for (const sel of ['#ceiling', '#state', '#capacity', '#quiz-section', '#next', '.toc', '#load-picker .presets', 'footer']) {
    assert.equal(await page.isVisible(sel), false, `${sel} is not printed`);
  }
  for (const sel of ['#vertical-drawing', '#horizontal-drawing', '#vertical-bill', '#horizontal-bill', '#curve-chart',
    '#verdict-sentence', '#load-out']) {
    assert.ok(await page.isVisible(sel), `${sel} is printed`);
  }
  const doc = await api(env.server.url, '/api/compare?load=1m&catalog=gcp');
  assert.equal(await page.getAttribute('#horizontal-total', 'data-value'), String(doc.rows[0].horizontal.total_monthly_usd));
  const controls = await page.evaluate(() => [...document.querySelectorAll('button, select, input, textarea, .toc')]
    .filter((e) => e.checkVisibility()).map((e) => e.id || e.className || e.tagName));
  assert.deepEqual(controls, [], 'no control is printed');
  const look = await page.evaluate(() => {
    const lum = (c) => {
      const [r, g, b] = c.match(/\d+(\.\d+)?/g).map(Number);
      return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    };
    return { bg: lum(getComputedStyle(document.body).backgroundColor), ink: lum(getComputedStyle(document.body).color),
      card: lum(getComputedStyle(document.querySelector('#horizontal-panel')).backgroundColor),
      curvesBreak: getComputedStyle(document.getElementById('curves')).breakBefore };
  });
  assert.ok(look.bg > 0.9 && look.card > 0.9, `light background: ${JSON.stringify(look)}`);
  assert.ok(look.ink < 0.2, `dark ink: ${JSON.stringify(look)}`);
  assert.equal(look.curvesBreak, 'page');
  await page.screenshot({ path: `${shots}/print-1m-gcp.png`, fullPage: true });
  assert.deepEqual(errors, []);
  assert.deepEqual(foreign, []);
  await context.close();
});

// Where the ∞ of the saturation chart lies against the curve: its box, the curve's segments and
// dots in page pixels, the plot area between the axes, and what is drawn at its centre.
function infinity(page) {
  return page.evaluate(() => {
    const chart = document.getElementById('queue-chart');
    const inf = chart.querySelector('text.inf');
    if (!inf) return null;
    const box = inf.getBoundingClientRect();
    const m = chart.querySelector('polyline.series-q').getScreenCTM();
    const toPage = (x, y) => ({ x: m.a * x + m.c * y + m.e, y: m.b * x + m.d * y + m.f });
    const pts = [...chart.querySelector('polyline.series-q').points].map((p) => toPage(p.x, p.y));
    const pad = 1.25 * m.a; /* half the curve's stroke */
    const inBox = (p) => p.x >= box.left - pad && p.x <= box.right + pad && p.y >= box.top - pad && p.y <= box.bottom + pad;
    let hitsCurve = false;
    for (let i = 1; i < pts.length; i++) {
      const len = Math.hypot(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y);
      for (let k = 0; k <= Math.ceil(len * 2); k++) {
        const t = k / Math.ceil(len * 2);
        if (inBox({ x: pts[i - 1].x + t * (pts[i].x - pts[i - 1].x), y: pts[i - 1].y + t * (pts[i].y - pts[i - 1].y) })) hitsCurve = true;
      }
    }
    const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    const dots = [...chart.querySelectorAll('circle.dot-q')].filter((c) => meet(c.getBoundingClientRect(), box)).length;
    const axes = [...chart.querySelectorAll('line.axis')].map((l) => l.getBoundingClientRect());
    const plot = { left: Math.min(...axes.map((a) => a.left)), right: Math.max(...axes.map((a) => a.right)),
      top: Math.min(...axes.map((a) => a.top)), bottom: Math.max(...axes.map((a) => a.bottom)) };
    const top = document.elementFromPoint((box.left + box.right) / 2, (box.top + box.bottom) / 2);
    return {
      utilization: inf.dataset.utilization, hitsCurve, dots, fill: getComputedStyle(inf).fill,
      inside: box.left >= plot.left && box.right <= plot.right && box.top >= plot.top && box.bottom <= plot.bottom,
      onTop: top === inf || inf.contains(top), size: parseFloat(getComputedStyle(inf).fontSize), count: chart.querySelectorAll('text.inf').length,
    };
  });
}

for (const [name, viewport, path] of [['desktop', DESKTOP, '/#ceiling'], ['phone', PHONE, '/#ceiling'],
  ['desktop, 99 %', DESKTOP, '/?util=0.99#ceiling'], ['classroom', DESKTOP, '/?classroom=1&util=1.1#ceiling']]) {
  test(`the ∞ at 100 % lies clear of the curve, on top and inside the chart (${name})`, async () => {
    const { page, context, errors } = await openPage(env.browser, env.server.url, viewport);
    await ready(page, path);
    await page.waitForSelector('#queue-chart text.inf');
    await page.locator('#queue-chart').scrollIntoViewIfNeeded();
    const doc = await api(env.server.url, '/api/queue?servers=1&service-ms=1&utilization=0.8');
    const first = doc.table.find((r) => r.response_multiple === null);
    const got = await infinity(page);
    assert.equal(got.utilization, String(first.utilization));
    assert.equal(got.count, 1);
    assert.equal(got.hitsCurve, false, 'the ∞ covers the curve');
    assert.equal(got.dots, 0, 'the ∞ covers a point of the curve');
    assert.ok(got.inside, 'the ∞ is inside the plot');
    assert.ok(got.onTop, 'the ∞ is drawn over everything at its place');
    assert.ok(got.size >= 18, `the ∞ is ${got.size} px`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('the state section runs on Your service\'s CPU per request and sessions, its traffic scaled to them', async () => {
  const { page, context, errors, foreign } = await openPage(env.browser, env.server.url, DESKTOP);
  const asked = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname === '/api/simulate') asked.push(u.searchParams);
  });
  await ready(page, '/?cpu-ms=2.5&sessions=5000&sim-load=5600#state');
  await page.waitForFunction(() => document.querySelector('#sim-results')?.getAttribute('aria-busy') === 'false' &&
    /2\.5\s*ms of work per request/.test(document.querySelector('#sim-setup').textContent), null, { timeout: 20000 });
  // 5,600 req/s at 1 ms is 2,240 req/s at 2.5 ms: the servers are as busy
  const last = asked.filter((q) => q.get('state') === 'store').pop();
  assert.equal(last.get('service-ms'), '2.5');
  assert.equal(last.get('load'), '2240');
  assert.equal(last.get('requests'), String(2240 * 30));
  assert.equal(last.get('sessions'), '5000');
  assert.match(await page.textContent('#sim-load option:checked'), /^2,240\s*req\/s$/);
  assert.match(await page.textContent('label[for="sim-load"]'), /2\.5\s*ms of work each/);
  const q = new URLSearchParams({ servers: 4, load: 2240, 'service-ms': 2.5, requests: 2240 * 30, state: 'store', lb: 'rr',
    seed: 1, 'lock-fraction': 0.2, 'lock-keys': 100, sessions: 5000 });
  const doc = await api(env.server.url, `/api/simulate?${q}`);
  const row = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll(
    '#sim-table tr[data-state="store"] td')].map((td) => [td.dataset.col, td.dataset.value])));
  assert.equal(row.mean, String(doc.response_s.mean));
  assert.equal(row.served, String(doc.throughput_rps));
  assert.equal(doc.inputs.sessions, 5000);
  assert.match(await page.textContent('#sim-setup'), /5,000 users \(Your service’s sessions\)/);
  assert.deepEqual(errors, []);
  assert.deepEqual(foreign, []);
  await context.close();
});
