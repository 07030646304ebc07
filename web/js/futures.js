/* Section 2, two futures: the load picker, then one box and the fleet drawn side by side. */
import {
  $, api, fmtAvail, fmtDowntime, fmtInt, fmtNum, fmtPct, fmtRatio, fmtRps, fmtSeconds,
  fmtUSD, isNum, plural, resName, show
} from './api.js';
import { S, docs, findInstance, loadValue, workloadPairs } from './view.js';
import { drawBox, drawFleet, layout } from './machines.js';
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
  drawMachines(row, vinfo, hinfo);

  $('verdict-sentence').textContent = verdictSentence(d, row);
  /* hooks for tests and benchmarks: which load and catalog the panels show now */
  ['vertical-panel', 'horizontal-panel'].forEach(function (id) {
    $(id).setAttribute('data-load-rps', String(row.load_rps));
    $(id).setAttribute('data-catalog', d.catalog.name);
  });
}

/* Both pictures on one scale, once the catalog has told the vCPUs of each machine. */
function drawMachines(row, vinfo, hinfo) {
  var box = { vcpu: vinfo ? vinfo.vcpu : 0, count: row.vertical.feasible ? row.vertical.servers : 1 };
  var h = row.horizontal;
  var fleet = { vcpu: hinfo ? hinfo.vcpu : 0, servers: hinfo ? h.servers || 0 : 0, spares: h.spares || 0 };
  var scale = layout(box, fleet);
  drawBox(scale, box, row);
  drawFleet(scale, fleet, h);
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
