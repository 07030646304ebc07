/* Section 5, capacity arithmetic: the fleet-size formula, the database tier and a USL fit. */
import {
  $, NBSP, api, clearSVG, fmtAvail, fmtInt, fmtNum, fmtPct, fmtRps, fmtUSD, isNum, later, nf,
  plural, resName, show, sparesRule, svg
} from './api.js';
import { DEFAULTS, S, docs, workloadPairs, writeURL } from './view.js';
import { renderResources } from './ceiling.js';

export function loadPlan() {
  var pairs = [['load', S.load]].concat(workloadPairs());
  if (S['read-fraction'] !== DEFAULTS['read-fraction']) pairs.push(['read-fraction', S['read-fraction']]);
  return api('plan', 'plan', pairs).then(function (d) {
    if (!d) return null;
    docs.plan = d;
    renderResources(d);
    renderCapacity(d);
    return d;
  });
}

function renderCapacity(d) {
  var h = d.app.horizontal, w = d.workload;
  if (h.feasible) {
    $('formula-numbers').textContent = '  = ⌈ ' + fmtInt(d.load_rps) +
      (isNum(h.imbalance) && h.imbalance !== 1 ? ' × ' + nf(3).format(h.imbalance) + ' (imbalance)' : '') +
      ' ÷ ' + (isNum(h.full_rps_per_server) && h.binding !== 'memory'
        ? '(' + fmtNum(h.full_rps_per_server) + ' × ' + fmtPct(w.target_utilization, 0) + ')'
        : fmtNum(h.usable_rps_per_server)) + ' ⌉ + ' + fmtInt(h.spares);
    $('formula-result').textContent = '  = ' + fmtInt(h.needed) + ' + ' + fmtInt(h.spares) + ' = ' + fmtInt(h.servers) + ' × ' + h.instance;
    $('formula-numbers').setAttribute('data-value', String(h.usable_rps_per_server));
    $('formula-result').setAttribute('data-value', String(h.servers));
    $('formula-note').textContent = fmtNum(h.usable_rps_per_server) + ' req/s is what one ' + h.instance +
      ' may carry with its ' + resName(h.binding) + ' planned at ' + fmtPct(w.target_utilization, 0) +
      ' busy: the target keeps every box away from the knee of section 1. The spares (' +
      sparesRule(w) + ') are on top, for the boxes that are down.';
  } else {
    $('formula-numbers').textContent = '  no fleet of one instance type serves this load';
    $('formula-result').textContent = '';
  }
  $('redundancy-note').textContent = 'With ' + fmtInt(h.servers) + ' boxes each up ' + fmtAvail(w.box_availability) +
    ' of the time, about ' + fmtNum(d.expected_down) + ' are down at any moment on average. ' +
    (d.spares_to_match_one_box === 1 ? 'One spare' : fmtInt(d.spares_to_match_one_box) + ' spares') +
    ' would make the fleet as available as a single box; with ' + fmtInt(h.spares) + ' it carries the full load ' +
    fmtAvail(h.availability) + ' of the month.';

  var db = d.app.database;
  show('db-reads', fmtInt(db.reads_qps) + '/s', db.reads_qps);
  show('db-writes', fmtInt(db.writes_qps) + '/s', db.writes_qps);
  show('db-box', fmtInt(db.box_qps) + ' queries/s', db.box_qps, db.instance + ' at the target utilisation');
  show('db-replicas', fmtInt(db.replicas_per_shard), db.replicas_per_shard,
    fmtInt(db.boxes) + ' ' + plural(db.boxes, 'database box', 'database boxes') + ' in all');
  show('db-shards', fmtInt(db.shards), db.shards, db.sharded ? 'writes had to be split' : 'one primary takes every write');
  show('db-write-limit', fmtInt(db.max_primary_writes_qps) + ' writes/s', db.max_primary_writes_qps, 'the same with any number of replicas');
  show('db-cost', fmtUSD(db.monthly_usd), db.monthly_usd, 'per month, ' + fmtPct(db.utilization, 0) + ' busy');
  $('db-note').textContent = db.sharded
    ? 'Writes (' + fmtInt(db.writes_qps) + '/s) are more than the biggest primary takes (' + fmtInt(db.max_primary_writes_qps) +
      '/s). Replicas cannot help, because every write is applied on every copy: the data has to be split into ' +
      fmtInt(db.shards) + ' shards, each with its own primary.'
    : 'Each replica adds read capacity. Every write still goes to the one primary and is applied again on each replica, ' +
      'so the write ceiling stays at ' + fmtInt(db.max_primary_writes_qps) + '/s however many replicas you add. ' +
      'Move the read share and watch the replica count change while that ceiling stays put.';
  drawDatabase(db);
}

function drawDatabase(db) {
  var root = $('db-drawing');
  clearSVG(root);
  var W = 320, H = 120;
  var shown = Math.min(db.replicas_per_shard, 40);
  svg('rect', { x: 6, y: 40, width: 52, height: 40, rx: 4, 'class': 'db-primary' }, root);
  svg('text', { x: 32, y: 64, 'text-anchor': 'middle', 'class': 'on-dark' }, root, 'primary');
  svg('text', { x: 6, y: 98, 'class': 'label-muted' }, root, 'all writes');
  if (db.shards > 1) svg('text', { x: 6, y: 32, 'class': 'label-bad' }, root, '× ' + fmtInt(db.shards) + ' shards');
  if (!shown) {
    svg('text', { x: 80, y: 64, 'class': 'label-muted' }, root, 'no replicas: the primary takes reads too');
    return;
  }
  var x0 = 86, aw = W - x0 - 4, ah = H - 20;
  var cols = Math.max(1, Math.ceil(Math.sqrt(shown * aw / ah)));
  var rows = Math.ceil(shown / cols);
  var size = Math.min(aw / cols, ah / rows, 34);
  var yOff = 4 + (ah - rows * size) / 2;
  svg('path', { d: 'M58 60 L' + (x0 - 6) + ' 60', 'class': 'db-arrow' }, root);
  svg('path', { d: 'M' + (x0 - 12) + ' 55 L' + (x0 - 6) + ' 60 L' + (x0 - 12) + ' 65', 'class': 'db-arrow' }, root);
  for (var i = 0; i < shown; i++) {
    var c = i % cols, r = Math.floor(i / cols);
    svg('rect', { x: x0 + c * size, y: yOff + r * size, width: size * 0.8, height: size * 0.8, rx: 2, 'class': 'db-replica' }, root);
  }
  svg('text', { x: x0, y: H - 2, 'class': 'label-muted' }, root,
    fmtInt(db.replicas_per_shard) + ' read ' + plural(db.replicas_per_shard, 'replica', 'replicas') +
    (db.replicas_per_shard > shown ? ' (' + shown + ' drawn)' : '') + ', each replays every write');
}

/* The textarea's "n,throughput" lines as the API's points parameter (input, not a figure). */
function fitPoints() {
  return $('fit-data').value.split(/\r?\n/).map(function (l) { return l.trim(); })
    .filter(function (l) { return l && l[0] !== '#' && !/^[a-z]/i.test(l); })
    .map(function (l) { return l.split(/[,;\s]+/).slice(0, 2).join(':'); }).join(',');
}

export function runFit() {
  var pts = fitPoints();
  var maxN = pts.split(',').reduce(function (m, p) { return Math.max(m, Number(p.split(':')[0]) || 0); }, 1);
  var predict = [1];
  for (var i = 1; i <= 40; i++) predict.push(Math.max(1, Math.round(maxN * 1.2 * i / 40)));
  return api('fit', 'fit', [['points', pts], ['predict', predict.filter(function (v, k, a) {
    return a.indexOf(v) === k; }).join(',')]]).then(function (d) {
    if (!d) return null;
    show('fit-sigma', nf(4).format(d.sigma), d.sigma, isNum(d.sigma_se) ? '± ' + nf(2).format(d.sigma_se) : null);
    show('fit-kappa', d.kappa.toExponential(2), d.kappa, isNum(d.kappa_se) ? '± ' + d.kappa_se.toExponential(1) : null);
    show('fit-lambda', fmtNum(d.lambda) + ' /s', d.lambda, 'throughput of one unit');
    show('fit-r2', nf(4).format(d.r2), d.r2, null);
    show('fit-nstar', isNum(d.n_star) ? 'n = ' + fmtNum(d.n_star) : 'none', d.n_star,
      isNum(d.n_star) ? 'more units beyond this lower throughput' : 'no coherency cost measured');
    show('fit-xmax', isNum(d.x_max) ? fmtNum(d.x_max) + ' /s' : '—', d.x_max, null);
    $('fit-warnings').textContent = d.warnings.length ? 'Note: ' + d.warnings.join('; ') + '.' : '';
    drawFit(d);
    return api('fitcmp', 'compare', [['load', S.load], ['usl', d.sigma + ',' + d.kappa]]
      .concat(workloadPairs())).then(function (c) {
      if (!c) return;
      var r = c.rows[0], v = r.vertical, h = r.horizontal;
      var el = $('fit-compare');
      el.setAttribute('data-value', String(h.monthly_usd));
      el.textContent = 'Planned with your fit at ' + fmtRps(r.load_rps) + ': ' +
        (v.feasible ? 'one ' + v.instance + ' for ' + fmtUSD(v.monthly_usd) + ' a month'
          : 'no single machine (the largest serves ' + fmtRps(v.max_rps) + ')') +
        ', or ' + fmtInt(h.servers) + ' × ' + h.instance + ' for ' + fmtUSD(h.monthly_usd) +
        ' a month. Section 2 shows the same load with the catalog\u2019s coefficients.';
    });
  });
}

function drawFit(d) {
  var root = $('fit-chart');
  while (root.firstChild) root.removeChild(root.firstChild);
  var W = 320, H = 200, L = 36, B = 22, T = 8, R = 8;
  var maxN = 1, maxX = 1;
  d.points.forEach(function (p) { maxN = Math.max(maxN, p.n); maxX = Math.max(maxX, p.throughput); });
  d.predictions.forEach(function (p) { maxN = Math.max(maxN, p.n); maxX = Math.max(maxX, p.throughput); });
  maxX *= 1.1;
  function X(n) { return L + n / maxN * (W - L - R); }
  function Y(x) { return H - B - x / maxX * (H - T - B); }
  svg('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, 'class': 'axis' }, root);
  svg('line', { x1: L, y1: T, x2: L, y2: H - B, 'class': 'axis' }, root);
  svg('text', { x: W - R, y: H - 6, 'text-anchor': 'end' }, root, 'n = ' + fmtInt(maxN));
  svg('text', { x: L - 4, y: T + 10, 'text-anchor': 'end' }, root, fmtInt(maxX));
  svg('polyline', { points: d.predictions.map(function (p) {
    return X(p.n).toFixed(1) + ',' + Y(p.throughput).toFixed(1); }).join(' '), 'class': 'series series-h' }, root);
  d.points.forEach(function (p) {
    svg('circle', { cx: X(p.n), cy: Y(p.throughput), r: 3.5, 'class': 'dot-v' }, root);
  });
  if (isNum(d.n_star) && d.n_star <= maxN) {
    svg('line', { x1: X(d.n_star), y1: T, x2: X(d.n_star), y2: H - B, 'class': 'marker' }, root);
  }
}

function syncRF() {
  var rf = Number(S['read-fraction']);
  $('read-fraction').value = S['read-fraction'];
  $('read-fraction-out').textContent = Math.round(rf * 100) + NBSP + '%';
  $('read-fraction').setAttribute('aria-valuetext', Math.round(rf * 100) + ' percent reads');
}

/* Sets the spares, target, zones and read-share controls; a new spares, target or zones calls changed(). */
export function setup(changed) {
  $('spares-select').value = S.spares;
  $('target-select').value = S['target-utilization'];
  $('zones-select').value = S.zones;
  syncRF();
  $('spares-select').addEventListener('change', function (e) { S.spares = e.target.value; changed(); });
  $('target-select').addEventListener('change', function (e) { S['target-utilization'] = e.target.value; changed(); });
  $('zones-select').addEventListener('change', function (e) { S.zones = e.target.value; changed(); });
  $('read-fraction').addEventListener('input', function (e) {
    S['read-fraction'] = String(Number(e.target.value));
    syncRF(); writeURL();
    later('plan', 30, loadPlan);
  });
  $('fit-run').addEventListener('click', runFit);
}
