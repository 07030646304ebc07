/* Section 2, two futures: the planner's figures for one box and for the fleet, side by side. */
import {
  $, el, fmtAvail, fmtDowntime, fmtInt, fmtNum, fmtPct, fmtRatio, fmtRps, fmtSeconds, fmtUSD,
  isNum, plural, resName, show, sparesRule
} from './api.js';
import { S, docs, findInstance, workloadApi } from './view.js';
import { drawBox, drawFleet, layout } from './machines.js';
import { renderCurve } from './curves.js';

export function loadCompare() {
  setBusy(['vertical-panel', 'horizontal-panel'], true);
  return workloadApi('compare', 'compare', [['load', S.load]]).then(function (d) {
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

/* A sentence for a plan that misses the availability target its spares were sized for. */
function targetNote(plan, target) {
  return plan.meets_target ? '' : ' It misses the ' + fmtAvail(target) + ' availability target.';
}

function verdictTexts(row, target) {
  var v = row.vertical, h = row.horizontal, r = row.cost_ratio;
  var out = { v: '', h: '', vKind: 'neutral', hKind: 'neutral' };
  switch (row.verdict) {
  case 'vertical_impossible':
    out.v = 'No single machine can serve ' + fmtRps(row.load_rps) + '. The largest, ' + v.largest_instance +
      ', serves at most ' + fmtRps(v.max_rps) + '.';
    out.vKind = 'impossible';
    out.h = 'The only way: ' + fmtInt(h.servers) + ' machines carry it' +
      (h.meets_target ? ', up ' + fmtAvail(h.availability) + ' of the month.' : '.' + targetNote(h, target));
    out.hKind = h.meets_target ? 'cheaper' : 'neutral';
    break;
  case 'vertical_cheaper':
    out.v = 'Cheaper here: the box costs ' + fmtPct(r, 0) + ' of the fleet’s servers and balancer.' +
      targetNote(v, target);
    out.vKind = v.meets_target ? 'cheaper' : 'neutral';
    out.h = 'Costs more at this load, but keeps serving when one box fails.' + targetNote(h, target);
    break;
  case 'horizontal_cheaper':
    out.v = 'Dearer here: ' + fmtRatio(r) + ' the fleet’s servers and balancer.' + targetNote(v, target);
    out.h = 'Cheaper here, and it keeps serving when one box fails.' + targetNote(h, target);
    out.hKind = h.meets_target ? 'cheaper' : 'neutral';
    break;
  case 'about_even':
    out.v = 'About even on cost (' + fmtRatio(r) + ' the fleet). Simpler to run.' + targetNote(v, target);
    out.h = 'About even on cost. Survives a failed box.' + targetNote(h, target);
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
      ' behind a load balancer: ' + fmtUSD(h.total_monthly_usd) + ' a month with its database.';
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

/* The figures both panels show the same way: load, availability against the target, latency. */
function sharedFigures(side, plan, target) {
  per1k(side + '-per1k', plan);
  show(side + '-binding', resName(plan.binding), undefined, plan.feasible ? 'runs out first' : null);
  $(side + '-binding').setAttribute('data-value', plan.binding);
  var avail = $(side + '-availability');
  avail.setAttribute('data-target', String(target));
  avail.setAttribute('data-meets', plan.feasible ? String(plan.meets_target) : 'null');
  if (!plan.feasible) {
    show(side + '-availability', '—', null, 'nothing to run');
    show(side + '-p99', '—', null, null);
    return;
  }
  show(side + '-availability', fmtAvail(plan.availability) + ' ' + (plan.meets_target ? '✓' : '✗'),
    plan.availability, 'target ' + fmtAvail(target) + ': ' + (plan.meets_target ? 'met' : 'missed') +
    '. With ' + (side === 'horizontal' ? 'balancer and ' : '') + 'database: ' + fmtAvail(plan.system_availability));
  show(side + '-p99', fmtSeconds(plan.p99_response_s), plan.p99_response_s,
    'p50 ' + fmtSeconds(plan.p50_response_s) + ', mean ' + fmtSeconds(plan.mean_response_s));
}

/* The monthly bill, tier by tier as the API splits it, its servers-and-balancer part and the total. */
function renderBill(side, plan, row) {
  var tb = $(side + '-bill').querySelector('tbody');
  tb.textContent = '';
  function line(label, usd, note, id, cls) {
    var tr = el('tr', cls ? { 'class': cls } : null);
    var th = el('th', { scope: 'row' }, label);
    if (note) th.appendChild(el('span', { 'class': 'sub' }, note));
    tr.appendChild(th);
    var td = el('td');
    var span = el('span', id ? { id: id } : null, usd === null ? '—' : (usd ? fmtUSD(usd) : 'none'));
    span.setAttribute('data-value', usd === null ? 'null' : String(usd));
    td.appendChild(span);
    tr.appendChild(td);
    tb.appendChild(tr);
  }
  if (!plan.feasible || !plan.bill) {
    line('Nothing to buy', null, null, side + '-total', 'total');
    return;
  }
  var b = plan.bill, db = row.database, store = row.horizontal.store;
  line(side === 'vertical' ? 'The box' : 'App servers', b.servers_usd,
    fmtInt(plan.servers) + ' × ' + plan.instance);
  line('Load balancer', b.lb_usd, side === 'vertical' ? 'one box needs none' : null);
  line('Servers and balancer', plan.monthly_usd, 'the line of section 3', side + '-cost', 'subtotal');
  line('Session store', b.store_usd, side === 'horizontal' && store
    ? fmtInt(store.nodes) + ' × ' + store.instance : 'sessions in ' + row.horizontal.state + ': no store');
  line('Database', b.database_usd, db && db.feasible
    ? fmtInt(db.boxes) + ' × ' + db.instance + ', the same on both sides' : null);
  line('Whole bill', plan.total_monthly_usd, null, side + '-total', 'total');
}

export function renderFutures(d) {
  var row = d.rows && d.rows[0];
  if (!row) return;
  var v = row.vertical, h = row.horizontal, w = d.workload, target = w.availability_target;
  var vt = verdictTexts(row, target);

  /* vertical */
  $('vertical-panel').setAttribute('data-feasible', v.feasible ? 'true' : 'false');
  var vinfo = findInstance(d.catalog.name, v.feasible ? v.instance : v.largest_instance);
  show('vertical-servers', v.feasible ? fmtInt(v.servers) : 'none', v.servers,
    v.feasible ? (v.standby ? 'the box and its standby' : 'a single point of failure') : null);
  show('vertical-instance', v.feasible ? v.instance : 'none', undefined,
    v.feasible ? (vinfo ? vinfo.vcpu + ' vCPU, ' + fmtInt(vinfo.mem_gib) + ' GiB' : null)
      : 'largest is ' + v.largest_instance);
  $('vertical-instance').setAttribute('data-value', v.feasible ? v.instance : 'null');
  show('vertical-spares', v.standby ? '1 standby' : 'none', v.standby ? 1 : 0,
    v.standby ? 'waits idle, takes over when the box fails' : 'when the box fails, the service is down');
  show('vertical-util', fmtPct(v.utilization, 0), v.utilization,
    v.feasible ? 'of its ' + resName(v.binding) : 'the largest box would need this much ' + resName(v.binding));
  sharedFigures('vertical', v, target);
  renderBill('vertical', v, row);
  var vv = $('vertical-verdict');
  vv.textContent = vt.v;
  vv.setAttribute('data-verdict', vt.vKind);

  /* horizontal */
  var hinfo = findInstance(d.catalog.name, h.instance);
  var zones = h.zones > 1 && Array.isArray(h.servers_per_zone)
    ? '; per zone ' + h.servers_per_zone.map(fmtInt).join(' · ') : '';
  show('horizontal-servers', fmtInt(h.servers), h.servers,
    h.feasible ? fmtInt(h.needed) + ' needed + ' + fmtInt(h.spares) + ' ' + plural(h.spares, 'spare', 'spares') + zones : null);
  $('horizontal-servers').setAttribute('data-per-zone', (h.servers_per_zone || []).join(','));
  show('horizontal-instance', h.instance || 'none', undefined,
    h.feasible ? (hinfo ? hinfo.vcpu + ' vCPU each, ' : '') + fmtNum(h.usable_rps_per_server) + ' req/s usable each' : null);
  $('horizontal-instance').setAttribute('data-value', h.instance || 'null');
  show('horizontal-spares', fmtInt(h.spares), h.spares, sparesRule(w) +
    (h.survives_zone ? ', and enough to lose a zone' : ''));
  show('horizontal-util', fmtPct(h.utilization, 0), h.utilization, 'each, with all ' + fmtInt(h.servers) + ' up');
  sharedFigures('horizontal', h, target);
  renderBill('horizontal', h, row);
  var hv = $('horizontal-verdict');
  hv.textContent = vt.h;
  hv.setAttribute('data-verdict', vt.hKind);
  drawMachines(row);

  $('verdict-sentence').textContent = verdictSentence(d, row);
  /* hooks for tests and benchmarks: which load and catalog the panels show now */
  ['vertical-panel', 'horizontal-panel'].forEach(function (id) {
    $(id).setAttribute('data-load-rps', String(row.load_rps));
    $(id).setAttribute('data-catalog', d.catalog.name);
  });
}

/* Both pictures on one scale, from the plans' own vCPU figures. */
function drawMachines(row) {
  var v = row.vertical, h = row.horizontal;
  var box = { vcpu: v.vcpu_per_box || 0, total: isNum(v.total_vcpu) ? v.total_vcpu : v.vcpu_per_box || 0,
    count: v.feasible ? v.servers : 1 };
  var fleet = { vcpu: h.vcpu_per_server || 0, total: h.total_vcpu || 0, servers: h.feasible ? h.servers || 0 : 0,
    spares: h.spares || 0 };
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
