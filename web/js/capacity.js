/* Section 5, capacity arithmetic: the fleet-size formula and the database tier. */
import {
  $, NBSP, clearSVG, fmtAvail, fmtInt, fmtNum, fmtPct, fmtUSD, isNum, nf,
  plural, resName, setAttr, setText, show, sparesRule, svg
} from './api.js';
import { S, writeURL } from './view.js';
import { renderResources } from './ceiling.js';

/* Sections 1 and 5 from the load's plan (view.loadPlan). */
export function renderPlan(d) {
  renderResources(d);
  renderCapacity(d);
  /* hooks for tests and benchmarks: the load these panels show */
  ['resource-bars', 'formula', 'db-stats'].forEach(function (id) {
    setAttr($(id), 'data-load-rps', String(d.load_rps));
  });
}

function renderCapacity(d) {
  var h = d.app.horizontal, w = d.workload;
  if (h.feasible) {
    setText($('formula-numbers'), '  = ⌈ ' + fmtInt(d.load_rps) +
      (isNum(h.imbalance) && h.imbalance !== 1 ? ' × ' + nf(3).format(h.imbalance) + ' (imbalance)' : '') +
      ' ÷ ' + (isNum(h.full_rps_per_server) && h.binding !== 'memory'
        ? '(' + fmtNum(h.full_rps_per_server) + ' × ' + fmtPct(w.target_utilization, 0) + ')'
        : fmtNum(h.usable_rps_per_server)) + ' ⌉ + ' + fmtInt(h.spares));
    setText($('formula-result'), '  = ' + fmtInt(h.needed) + ' + ' + fmtInt(h.spares) + ' = ' + fmtInt(h.servers) + ' × ' + h.instance);
    setAttr($('formula-numbers'), 'data-value', String(h.usable_rps_per_server));
    setAttr($('formula-result'), 'data-value', String(h.servers));
    setText($('formula-note'), fmtNum(h.usable_rps_per_server) + ' req/s is what one ' + h.instance +
      ' may carry with its ' + resName(h.binding) + ' planned at ' + fmtPct(w.target_utilization, 0) +
      ' busy: the target keeps every box away from the knee of section 1. The spares (' +
      sparesRule(w) + ') are on top, for the boxes that are down.');
  } else {
    setText($('formula-numbers'), '  no fleet of one instance type serves this load');
    setText($('formula-result'), '');
  }
  setText($('redundancy-note'), 'With ' + fmtInt(h.servers) + ' boxes each up ' + fmtAvail(w.box_availability) +
    ' of the time, about ' + fmtNum(d.expected_down) + ' are down at any moment on average. ' +
    (d.spares_to_match_one_box === 1 ? 'One spare' : fmtInt(d.spares_to_match_one_box) + ' spares') +
    ' would make the fleet as available as a single box; with ' + fmtInt(h.spares) + ' it carries the full load ' +
    fmtAvail(h.availability) + ' of the month.');

  var db = d.app.database;
  show('db-reads', fmtInt(db.reads_qps) + '/s', db.reads_qps);
  show('db-writes', fmtInt(db.writes_qps) + '/s', db.writes_qps);
  show('db-box', fmtInt(db.box_qps) + ' queries/s', db.box_qps, db.instance + ' at the target utilisation');
  show('db-replicas', fmtInt(db.replicas_per_shard), db.replicas_per_shard,
    fmtInt(db.boxes) + ' ' + plural(db.boxes, 'database box', 'database boxes') + ' in all');
  show('db-shards', fmtInt(db.shards), db.shards, db.sharded ? 'writes had to be split' : 'one primary takes every write');
  show('db-write-limit', fmtInt(db.max_primary_writes_qps) + ' writes/s', db.max_primary_writes_qps, 'the same with any number of replicas');
  show('db-cost', fmtUSD(db.monthly_usd), db.monthly_usd, 'per month, ' + fmtPct(db.utilization, 0) + ' busy');
  setText($('db-note'), db.sharded
    ? 'Writes (' + fmtInt(db.writes_qps) + '/s) are more than the biggest primary takes (' + fmtInt(db.max_primary_writes_qps) +
      '/s). Replicas cannot help, because every write is applied on every copy: the data has to be split into ' +
      fmtInt(db.shards) + ' shards, each with its own primary.'
    : 'Each replica adds read capacity. Every write still goes to the one primary and is applied again on each replica, ' +
      'so the write ceiling stays at ' + fmtInt(db.max_primary_writes_qps) + '/s however many replicas you add. ' +
      'Move the read share and watch the replica count change while that ceiling stays put.');
  drawDatabase(db);
}

function drawDatabase(db) {
  var root = $('db-drawing');
  var key = db.replicas_per_shard + ',' + db.shards;
  if (root.getAttribute('data-drawn') === key) return; /* most moves of the load keep the tier */
  root.setAttribute('data-drawn', key);
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

function syncRF() {
  var rf = Number(S['read-fraction']);
  $('read-fraction').value = S['read-fraction'];
  setText($('read-fraction-out'), Math.round(rf * 100) + NBSP + '%');
  $('read-fraction').setAttribute('aria-valuetext', Math.round(rf * 100) + ' percent reads');
}

/*
 * Sets the read-share control (spares, target and zones are service values: service.js binds
 * them); a move calls changed(), which plans the load again.
 */
export function setup(changed) {
  syncRF();
  $('read-fraction').addEventListener('input', function (e) {
    S['read-fraction'] = String(Number(e.target.value));
    syncRF(); writeURL();
    changed();
  });
}
