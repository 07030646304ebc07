/* Section 2, two futures: the load picker, then one box and the fleet drawn side by side. */
import {
  $, api, clearSVG, fmtAvail, fmtDowntime, fmtInt, fmtNum, fmtPct, fmtRatio, fmtRps, fmtSeconds,
  fmtUSD, isNum, plural, resName, show, svg
} from './api.js';
import { S, docs, findInstance, largestVcpu, loadValue, workloadPairs } from './view.js';
import { renderCurve } from './curves.js';

var PRESETS = [
  { key: '1k', value: 1e3 }, { key: '10k', value: 1e4 }, { key: '100k', value: 1e5 },
  { key: '500k', value: 5e5 }, { key: '1m', value: 1e6 }
];

export function loadCompare() {
  var pairs = [['load', S.load]].concat(workloadPairs());
  setBusy(['vertical-panel', 'horizontal-panel'], true);
  return api('compare', 'compare', pairs).then(function (d) {
    if (!d) return null;
    docs.compare = d;
    setBusy(['vertical-panel', 'horizontal-panel'], false);
    renderFutures(d);
    renderCurve();
    return d;
  });
}

function setBusy(ids, on) {
  ids.forEach(function (id) { var e = $(id); if (e) e.setAttribute('aria-busy', on ? 'true' : 'false'); });
}

function verdictTexts(row) {
  var v = row.vertical, h = row.horizontal, r = row.cost_ratio;
  var out = { v: '', h: '', vKind: 'neutral', hKind: 'neutral' };
  switch (row.verdict) {
  case 'vertical_impossible':
    out.v = 'No single machine can serve ' + fmtRps(row.load_rps) + '. The largest, ' + v.largest_instance +
      ', serves at most ' + fmtRps(v.max_rps) + '.';
    out.vKind = 'impossible';
    out.h = 'The only way: ' + fmtInt(h.servers) + ' machines carry it.';
    out.hKind = 'cheaper';
    break;
  case 'vertical_cheaper':
    out.v = 'Cheaper here: the one box costs ' + fmtPct(r, 0) + ' of the fleet’s bill.';
    out.vKind = 'cheaper';
    out.h = 'Costs more at this load, but keeps serving when one box fails.';
    break;
  case 'horizontal_cheaper':
    out.v = 'Dearer here: ' + fmtRatio(r) + ' the fleet’s monthly bill.';
    out.h = 'Cheaper here, and it keeps serving when one box fails.';
    out.hKind = 'cheaper';
    break;
  case 'about_even':
    out.v = 'About even on cost (' + fmtRatio(r) + ' the fleet). Simpler to run.';
    out.h = 'About even on cost. Survives a failed box.';
    break;
  default:
    out.v = 'Neither plan can serve ' + fmtRps(row.load_rps) + ' with this catalog.';
    out.h = out.v;
    out.vKind = 'impossible';
    out.hKind = 'impossible';
  }
  if (!h.feasible && row.verdict !== 'neither') {
    out.h = 'No fleet of one instance type in this catalog serves this load.';
    out.hKind = 'impossible';
  }
  return out;
}

function verdictSentence(d, row) {
  var v = row.vertical, h = row.horizontal, L = fmtRps(row.load_rps);
  var fleet = fmtInt(h.servers) + ' × ' + h.instance;
  switch (row.verdict) {
  case 'vertical_impossible':
    return 'At ' + L + ' only one path is left. No machine in the ' + d.catalog.name + ' catalog can take it: the biggest, ' +
      v.largest_instance + ', tops out at ' + fmtRps(v.max_rps) + '. The fleet does it with ' + fleet +
      ' behind a load balancer for ' + fmtUSD(h.monthly_usd) + ' a month.';
  case 'vertical_cheaper':
    return 'At ' + L + ' both paths work and one ' + v.instance + ' is the cheaper: ' + fmtUSD(v.monthly_usd) +
      ' a month against ' + fmtUSD(h.monthly_usd) + ' for ' + fleet + ' and a balancer. What the fleet buys with the difference is redundancy: ' +
      'the lone box is down about ' + fmtDowntime(v.availability) + ' a month, the fleet short of capacity about ' +
      fmtDowntime(h.availability) + '.';
  case 'about_even':
    return 'At ' + L + ' the two bills are close: ' + fmtUSD(v.monthly_usd) + ' for one ' + v.instance + ', ' +
      fmtUSD(h.monthly_usd) + ' for ' + fleet + ' with a balancer. Here the choice is about simplicity against redundancy, not money.';
  case 'horizontal_cheaper':
    return 'At ' + L + ' the fleet wins on price: ' + fleet + ' cost ' + fmtUSD(h.monthly_usd) + ' a month, the single ' +
      v.instance + ' costs ' + fmtUSD(v.monthly_usd) + ', ' + fmtRatio(row.cost_ratio) +
      ' as much. The catch: every request must be servable by any of the ' + fmtInt(h.servers) + ' machines (section 4).';
  default:
    return 'At ' + L + ' neither plan fits this catalog.';
  }
}

export function renderFutures(d) {
  var row = d.rows && d.rows[0];
  if (!row) return;
  var v = row.vertical, h = row.horizontal;
  var vt = verdictTexts(row);

  /* vertical */
  $('vertical-panel').setAttribute('data-feasible', v.feasible ? 'true' : 'false');
  var vinfo = findInstance(d.catalog.name, v.feasible ? v.instance : v.largest_instance);
  show('vertical-servers', v.feasible ? fmtInt(v.servers) : 'none', v.servers,
    v.feasible ? 'no spare: one point of failure' : null);
  show('vertical-instance', v.feasible ? v.instance : 'none', undefined,
    v.feasible ? (vinfo ? vinfo.vcpu + ' vCPU, ' + fmtInt(vinfo.mem_gib) + ' GiB' : null)
      : 'largest is ' + v.largest_instance);
  $('vertical-instance').setAttribute('data-value', v.feasible ? v.instance : 'null');
  show('vertical-cost', v.feasible ? fmtUSD(v.monthly_usd) : '—', v.monthly_usd,
    v.feasible ? 'per month' : 'no machine to buy');
  per1k('vertical-per1k', v);
  show('vertical-util', fmtPct(v.utilization, 0), v.utilization,
    v.feasible ? 'of its ' + resName(v.binding) : 'the largest box would need this much ' + resName(v.binding));
  show('vertical-binding', resName(v.binding), undefined, v.feasible ? 'runs out first' : null);
  $('vertical-binding').setAttribute('data-value', v.binding);
  var target = d.workload.availability_target;
  if (v.feasible) {
    show('vertical-availability', fmtAvail(v.availability), v.availability,
      'down about ' + fmtDowntime(v.availability) + ' a month; ' +
      (v.meets_target ? 'meets' : 'below') + ' the ' + fmtAvail(target) + ' target' +
      (v.meets_target ? '' : (v.standby ? '' : ' (one box alone cannot)')));
    show('vertical-p99', fmtSeconds(v.p99_response_s), v.p99_response_s,
      'p50 ' + fmtSeconds(v.p50_response_s) + ' · ' + v.instance + ' at its load');
    show('vertical-total', fmtUSD(v.total_monthly_usd), v.total_monthly_usd,
      'box ' + fmtUSD(v.bill.servers_usd) + ' + database ' + fmtUSD(v.bill.database_usd));
  } else {
    show('vertical-availability', '—', null, 'nothing to run');
    show('vertical-p99', '—', null, null);
    show('vertical-total', '—', null, null);
  }
  var vv = $('vertical-verdict');
  vv.textContent = vt.v;
  vv.setAttribute('data-verdict', vt.vKind);
  drawVertical(d, row, vinfo);

  /* horizontal */
  var hinfo = findInstance(d.catalog.name, h.instance);
  show('horizontal-servers', fmtInt(h.servers), h.servers,
    h.feasible ? fmtInt(h.needed) + ' needed + ' + fmtInt(h.spares) + ' ' + plural(h.spares, 'spare', 'spares') : null);
  show('horizontal-instance', h.instance || 'none', undefined,
    h.feasible ? (hinfo ? hinfo.vcpu + ' vCPU each, ' : '') + fmtNum(h.usable_rps_per_server) + ' req/s usable each' : null);
  $('horizontal-instance').setAttribute('data-value', h.instance || 'null');
  var parts = 'machines ' + fmtUSD(h.servers_usd) + ' + balancer ' + fmtUSD(h.lb_usd) +
    (h.store ? ' + store ' + fmtUSD(h.store.monthly_usd) : '');
  show('horizontal-cost', h.feasible ? fmtUSD(h.monthly_usd) : '—', h.monthly_usd, h.feasible ? parts + ' per month' : null);
  per1k('horizontal-per1k', h);
  show('horizontal-util', fmtPct(h.utilization, 0), h.utilization, 'each, with all ' + fmtInt(h.servers) + ' up');
  show('horizontal-binding', resName(h.binding), undefined, 'runs out first');
  $('horizontal-binding').setAttribute('data-value', h.binding);
  show('horizontal-availability', fmtAvail(h.availability), h.availability,
    'short of capacity about ' + fmtDowntime(h.availability) + ' a month with ' + fmtInt(h.spares) + ' ' +
    plural(h.spares, 'spare', 'spares') + '; ' + (h.meets_target ? 'meets' : 'below') + ' the ' +
    fmtAvail(target) + ' target');
  if (h.feasible) {
    show('horizontal-p99', fmtSeconds(h.p99_response_s), h.p99_response_s,
      'p50 ' + fmtSeconds(h.p50_response_s) + ' · each ' + h.instance + ' at its share');
    show('horizontal-total', fmtUSD(h.total_monthly_usd), h.total_monthly_usd,
      'machines ' + fmtUSD(h.bill.servers_usd) + ' + balancer ' + fmtUSD(h.bill.lb_usd) +
      (h.bill.store_usd ? ' + store ' + fmtUSD(h.bill.store_usd) : '') + ' + database ' +
      fmtUSD(h.bill.database_usd));
  } else {
    show('horizontal-p99', '—', null, null);
    show('horizontal-total', '—', null, null);
  }
  var hv = $('horizontal-verdict');
  hv.textContent = vt.h;
  hv.setAttribute('data-verdict', vt.hKind);
  drawHorizontal(h);

  $('verdict-sentence').textContent = verdictSentence(d, row);
  /* hooks for tests and benchmarks: which load and catalog the panels show now */
  ['vertical-panel', 'horizontal-panel'].forEach(function (id) {
    $(id).setAttribute('data-load-rps', String(row.load_rps));
    $(id).setAttribute('data-catalog', d.catalog.name);
  });
}

function per1k(id, plan) {
  if (!('usd_per_1k_rps' in plan)) {
    show(id, 'n/a', null, 'not in this API version');
  } else if (isNum(plan.usd_per_1k_rps)) {
    show(id, fmtUSD(plan.usd_per_1k_rps), plan.usd_per_1k_rps, 'a month for each 1,000 req/s');
  } else {
    show(id, '—', null);
  }
}

function hatchDefs(root) {
  var defs = svg('defs', null, root);
  var p = svg('pattern', { id: 'hatch', width: 10, height: 10, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' }, defs);
  svg('line', { x1: 0, y1: 0, x2: 0, y2: 10, 'class': 'hatch-line' }, p);
}

/* The single box, side proportional to the square root of its vCPUs (area ∝ vCPU). */
function drawVertical(d, row, info) {
  var root = $('vertical-drawing');
  clearSVG(root);
  hatchDefs(root);
  var v = row.vertical;
  var maxV = largestVcpu(d.catalog.name);
  var big = 180, floor = 212, cx = 150;
  svg('rect', { x: cx - big / 2, y: floor - big, width: big, height: big, 'class': 'frame' }, root);
  svg('text', { x: cx, y: floor - big - 7, 'text-anchor': 'middle', 'class': 'label-muted' }, root,
    'dashed: the largest machine' + (maxV ? ' (' + maxV + ' vCPU)' : ''));
  if (v.feasible) {
    var side = info && maxV ? Math.max(6, big * Math.sqrt(info.vcpu / maxV)) : big / 3;
    svg('rect', { x: cx - side / 2, y: floor - side, width: side, height: side, rx: 3, 'class': 'box' }, root);
    svg('text', { x: cx, y: floor + 20, 'text-anchor': 'middle' }, root,
      v.instance + (info ? ' · ' + info.vcpu + ' vCPU' : ''));
    root.setAttribute('aria-label', 'One ' + v.instance + (info ? ' with ' + info.vcpu + ' vCPU' : '') +
      ', drawn to scale against the largest machine of the catalog');
  } else {
    svg('rect', { x: cx - big / 2, y: floor - big, width: big, height: big, 'class': 'box-bad' }, root);
    var my = floor - big / 2;
    svg('circle', { cx: cx, cy: my, r: 46, 'class': 'cross-bg' }, root);
    svg('path', { d: 'M' + (cx - 28) + ' ' + (my - 28) + ' L' + (cx + 28) + ' ' + (my + 28) +
      ' M' + (cx + 28) + ' ' + (my - 28) + ' L' + (cx - 28) + ' ' + (my + 28), 'class': 'cross' }, root);
    svg('text', { x: cx, y: floor + 20, 'text-anchor': 'middle', 'class': 'label-bad' }, root,
      'even the largest machine is too small');
    root.setAttribute('aria-label', 'Impossible: no single machine serves ' + fmtRps(row.load_rps));
  }
}

/* The fleet: one square per server (or per k servers above 400), spares in their own colour. */
function drawHorizontal(h) {
  var root = $('horizontal-drawing');
  clearSVG(root);
  var W = 300, H = 240, top = 30, pad = 4;
  var n = h.servers || 0, spares = h.spares || 0;
  var k = n > 400 ? Math.ceil(n / 400) : 1;
  var cells = Math.ceil(n / k), spareCells = Math.ceil(spares / k);
  $('cell-note').textContent = k > 1 ? '· each square = ' + k + ' servers' : '· each square = 1 server';
  if (!n) return;
  svg('rect', { x: W / 2 - 70, y: 2, width: 140, height: 18, rx: 4, 'class': 'lb' }, root);
  svg('text', { x: W / 2, y: 15, 'text-anchor': 'middle', 'class': 'on-dark' }, root, 'load balancer');
  var aw = W - 2 * pad, ah = H - top - pad;
  var cols = Math.max(1, Math.ceil(Math.sqrt(cells * aw / ah)));
  var rows = Math.ceil(cells / cols);
  var size = Math.min(aw / cols, ah / rows, 48);
  var gap = Math.max(1, size * 0.18);
  var x0 = pad + (aw - cols * size) / 2;
  var y0 = top + Math.max(0, (ah - rows * size) / 2 - 10);
  for (var i = 0; i < cells; i++) {
    var c = i % cols, r = Math.floor(i / cols);
    svg('rect', {
      x: (x0 + c * size).toFixed(2), y: (y0 + r * size).toFixed(2),
      width: (size - gap).toFixed(2), height: (size - gap).toFixed(2), rx: Math.min(3, size / 6).toFixed(2),
      'class': i >= cells - spareCells ? 'cell cell-spare' : 'cell'
    }, root);
  }
  root.setAttribute('aria-label', fmtInt(n) + ' servers of type ' + h.instance + ', of which ' + fmtInt(spares) +
    ' ' + plural(spares, 'is a spare', 'are spares') + (k > 1 ? '; each square stands for ' + k + ' servers' : ''));
}

export function syncLoadControls(fromSlider) {
  var n = loadValue();
  var slider = $('load-slider');
  if (!fromSlider) slider.value = String(Math.min(6, Math.max(3, Math.log10(n))));
  var text = fmtRps(n);
  slider.setAttribute('aria-valuetext', text);
  $('load-out').textContent = text;
  Array.prototype.forEach.call(document.querySelectorAll('[data-load]'), function (b) {
    b.setAttribute('aria-pressed', b.getAttribute('data-load') === S.load ? 'true' : 'false');
  });
}

/* Log slider position → a load rounded to three significant digits; presets keep their names. */
function sliderLoad(pos) {
  var n = Math.pow(10, pos);
  var mag = Math.pow(10, Math.floor(Math.log10(n)) - 2);
  n = Math.round(n / mag) * mag;
  var preset = PRESETS.filter(function (p) { return Math.abs(p.value - n) < 1e-6 * p.value; })[0];
  return preset ? preset.key : String(Math.round(n));
}

/* Sets the picker from the view state; a move of the slider or a preset calls changed(fromSlider). */
export function setup(changed) {
  syncLoadControls();
  $('load-slider').addEventListener('input', function (e) {
    S.load = sliderLoad(Number(e.target.value));
    changed(true);
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-load]'), function (b) {
    b.addEventListener('click', function () { S.load = b.getAttribute('data-load'); changed(); });
  });
}
