/* Section 2, two futures: the planner's figures for one box and for the fleet, side by side. */
import {
  $, el, fmtAvail, fmtDowntime, fmtInt, fmtNum, fmtPct, fmtRatio, fmtRps, fmtSeconds, fmtUSD,
  isNum, plural, resName, setAttr, setText, show, sparesRule
} from './api.js';
import { findInstance } from './view.js';
import { drawBox, drawFleet, layout } from './machines.js';

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
  setAttr($(side + '-binding'), 'data-value', plan.binding);
  var avail = $(side + '-availability');
  setAttr(avail, 'data-target', String(target));
  setAttr(avail, 'data-meets', plan.feasible ? String(plan.meets_target) : 'null');
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

/* The monthly bill, tier by tier as the API splits it, its servers-and-balancer part and the total.
 * A bill of as many lines as the one shown is written into it in place. */
function renderBill(side, plan, row) {
  var lines = [];
  function line(label, usd, note, id, cls) {
    lines.push({ label: label, usd: usd, note: note, id: id, cls: cls });
  }
  if (!plan.feasible || !plan.bill) {
    line('Nothing to buy', null, null, side + '-total', 'total');
  } else {
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
  var tb = $(side + '-bill').querySelector('tbody');
  if (tb.rows.length !== lines.length || tb.getAttribute('data-lines') !== String(lines.length)) {
    tb.textContent = '';
    lines.forEach(function (l) {
      var tr = el('tr', l.cls ? { 'class': l.cls } : null);
      tr.appendChild(el('th', { scope: 'row' }));
      var td = el('td');
      td.appendChild(el('span', l.id ? { id: l.id } : null));
      tr.appendChild(td);
      tb.appendChild(tr);
    });
    tb.setAttribute('data-lines', String(lines.length));
  }
  lines.forEach(function (l, i) {
    var th = tb.rows[i].cells[0], span = tb.rows[i].cells[1].firstChild;
    var label = th.firstChild && th.firstChild.nodeType === 3 ? th.firstChild : null;
    if (!label) label = th.insertBefore(document.createTextNode(''), th.firstChild);
    if (label.data !== l.label) label.data = l.label;
    var sub = th.querySelector('.sub');
    if (sub && l.note) setText(sub, l.note);
    else if (sub) th.removeChild(sub);
    else if (l.note) th.appendChild(el('span', { 'class': 'sub' }, l.note));
    setText(span, l.usd === null ? '—' : (l.usd ? fmtUSD(l.usd) : 'none'));
    setAttr(span, 'data-value', l.usd === null ? 'null' : String(l.usd));
  });
}

export function renderFutures(d) {
  var row = d.rows && d.rows[0];
  if (!row) return;
  var v = row.vertical, h = row.horizontal, w = d.workload, target = w.availability_target;
  var vt = verdictTexts(row, target);

  /* vertical */
  setAttr($('vertical-panel'), 'data-feasible', v.feasible ? 'true' : 'false');
  var vinfo = findInstance(d.catalog.name, v.feasible ? v.instance : v.largest_instance);
  show('vertical-servers', v.feasible ? fmtInt(v.servers) : 'none', v.servers,
    v.feasible ? (v.standby ? 'the box and its standby' : 'a single point of failure') : null);
  show('vertical-instance', v.feasible ? v.instance : 'none', undefined,
    v.feasible ? (vinfo ? vinfo.vcpu + ' vCPU, ' + fmtInt(vinfo.mem_gib) + ' GiB' : null)
      : 'largest is ' + v.largest_instance);
  setAttr($('vertical-instance'), 'data-value', v.feasible ? v.instance : 'null');
  show('vertical-spares', v.standby ? '1 standby' : 'none', v.standby ? 1 : 0,
    v.standby ? 'waits idle, takes over when the box fails' : 'when the box fails, the service is down');
  show('vertical-util', fmtPct(v.utilization, 0), v.utilization,
    v.feasible ? 'of its ' + resName(v.binding) : 'the largest box would need this much ' + resName(v.binding));
  sharedFigures('vertical', v, target);
  renderBill('vertical', v, row);
  var vv = $('vertical-verdict');
  setText(vv, vt.v);
  setAttr(vv, 'data-verdict', vt.vKind);

  /* horizontal */
  var hinfo = findInstance(d.catalog.name, h.instance);
  var zones = h.zones > 1 && Array.isArray(h.servers_per_zone)
    ? '; per zone ' + h.servers_per_zone.map(fmtInt).join(' · ') : '';
  show('horizontal-servers', fmtInt(h.servers), h.servers,
    h.feasible ? fmtInt(h.needed) + ' needed + ' + fmtInt(h.spares) + ' ' + plural(h.spares, 'spare', 'spares') + zones : null);
  setAttr($('horizontal-servers'), 'data-per-zone', (h.servers_per_zone || []).join(','));
  show('horizontal-instance', h.instance || 'none', undefined,
    h.feasible ? (hinfo ? hinfo.vcpu + ' vCPU each, ' : '') + fmtNum(h.usable_rps_per_server) + ' req/s usable each' : null);
  setAttr($('horizontal-instance'), 'data-value', h.instance || 'null');
  show('horizontal-spares', fmtInt(h.spares), h.spares, sparesRule(w) +
    (h.survives_zone ? ', and enough to lose a zone' : ''));
  show('horizontal-util', fmtPct(h.utilization, 0), h.utilization, 'each, with all ' + fmtInt(h.servers) + ' up');
  sharedFigures('horizontal', h, target);
  renderBill('horizontal', h, row);
  var hv = $('horizontal-verdict');
  setText(hv, vt.h);
  setAttr(hv, 'data-verdict', vt.hKind);
  drawMachines(row);

  setText($('verdict-sentence'), verdictSentence(d, row));
  /* hooks for tests and benchmarks: which load and catalog the panels show now */
  ['vertical-panel', 'horizontal-panel'].forEach(function (id) {
    setAttr($(id), 'data-load-rps', String(row.load_rps));
    setAttr($(id), 'data-catalog', d.catalog.name);
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
