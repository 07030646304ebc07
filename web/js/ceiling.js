/* Section 1, one box has a ceiling: what fills up first, and the queue as utilisation nears 1. */
import {
  $, NBSP, NF0, api, chartSize, clearSVG, fmtInt, fmtNum, fmtPct, fmtRatio, fmtRps, fmtSeconds,
  isNum, later, resName, show, svg
} from './api.js';
import { S, findInstance, writeURL } from './view.js';

var QUEUE_K = '20'; /* places of the bounded queue */

/* ------------------------------------------------------------------ section 1: queue */

function utilBand(u, bounded, stable) {
  if (u >= 1 || stable === false) return bounded ? 'overflow' : 'unreachable';
  if (u > 0.85) return 'edge';
  return 'fine';
}
var BAND_TEXT = {
  fine: 'Fine: there is idle time to absorb bursts',
  edge: 'On the edge: nearly every request waits behind others',
  unreachable: 'Unreachable: work arrives faster than it can be done, the queue never stops growing',
  overflow: 'Overflowing: the queue is full and new requests are turned away'
};

export function loadQueue() {
  var pairs = [['servers', '1'], ['service-ms', S['cpu-ms']], ['utilization', S.util]];
  if (S.bounded === '1') pairs.push(['queue', QUEUE_K]);
  return api('queue', 'queue', pairs).then(function (d) { if (d) renderQueue(d); return d; });
}

function renderQueue(d) {
  var u = d.utilization, bounded = d.queue_capacity !== null && d.queue_capacity !== undefined;
  var band = utilBand(u, bounded, d.stable);
  var b = $('queue-band');
  b.setAttribute('data-band', band);
  b.textContent = fmtPct(u, 0) + ' busy · ' + BAND_TEXT[band];
  $('queue-work').textContent = fmtSeconds(d.service_s);

  var mult = isNum(d.response_multiple) ? fmtRatio(d.response_multiple) + ' the work time · ' : '';
  if (isNum(d.mean_response_s)) {
    show('queue-multiple', mult + fmtSeconds(d.mean_response_s), d.mean_response_s,
      'for ' + fmtSeconds(d.service_s) + ' of work per request');
  } else {
    show('queue-multiple', 'no limit', null, 'the wait grows for as long as the overload lasts');
  }
  if (isNum(d.p99_response_s)) show('queue-p99', fmtSeconds(d.p99_response_s), d.p99_response_s);
  else show('queue-p99', 'no limit', null);
  show('queue-drop', d.drop_probability > 0 ? fmtPct(d.drop_probability) : 'none',
    d.drop_probability, bounded ? 'queue holds ' + d.queue_capacity : 'the queue is unbounded');
  show('queue-throughput', fmtNum(d.throughput_rps) + ' of ' + fmtNum(d.load_rps), d.throughput_rps,
    'requests per second offered');
  drawQueueChart(d);
}


var queueDoc = null;
function drawQueueChart(d) {
  queueDoc = d;
  var root = $('queue-chart');
  clearSVG(root);
  var W = chartSize(root, 300, 760), narrow = W < 520;
  var H = narrow ? 250 : 290, L = narrow ? 66 : 72, R = 54, T = 16, B = 40;
  root.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
  var table = d.table || [];
  var finite = table.filter(function (r) { return isNum(r.response_multiple); });
  var maxM = finite.reduce(function (m, r) { return Math.max(m, r.response_multiple); }, 10);
  var yTop = Math.pow(10, Math.ceil(Math.log10(maxM)));
  var x0 = 0.5, x1 = 1.25;
  function X(u) { return L + (u - x0) / (x1 - x0) * (W - L - R); }
  function Y(m) { return T + (1 - Math.log10(Math.max(m, 1)) / Math.log10(yTop)) * (H - T - B); }

  svg('rect', { x: X(0.5), y: T, width: X(0.85) - X(0.5), height: H - T - B, 'class': 'band-fine' }, root);
  svg('rect', { x: X(0.85), y: T, width: X(1) - X(0.85), height: H - T - B, 'class': 'band-edge' }, root);
  svg('rect', { x: X(1), y: T, width: X(1.25) - X(1), height: H - T - B, 'class': 'band-bad' }, root);
  svg('text', { x: X(0.52), y: T + 14, 'class': 'band-label fine' }, root, 'fine');
  svg('text', { x: X(0.865), y: T + 14, 'class': 'band-label edge' }, root, 'edge');
  svg('text', { x: X(1.015), y: T + 14, 'class': 'band-label bad' }, root,
    d.queue_capacity ? 'full: drops' : 'unreachable');

  for (var e = 0; Math.pow(10, e) <= yTop; e++) {
    var yy = Y(Math.pow(10, e));
    svg('line', { x1: L, x2: W - R, y1: yy, y2: yy, 'class': 'grid' }, root);
    svg('text', { x: L - 6, y: yy + 4, 'text-anchor': 'end' }, root, NF0.format(Math.pow(10, e)) + '×');
  }
  (narrow ? [0.5, 0.75, 1, 1.25] : [0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2]).forEach(function (u) {
    svg('text', { x: X(u), y: H - B + 20, 'text-anchor': 'middle' }, root, Math.round(u * 100) + '%');
  });
  svg('text', { x: (L + W - R) / 2, y: H - 4, 'text-anchor': 'middle' }, root, 'utilisation (offered load ÷ capacity)');
  svg('text', { x: 12, y: T + (H - T - B) / 2, transform: 'rotate(-90 12 ' + (T + (H - T - B) / 2) + ')', 'text-anchor': 'middle' }, root, 'response ÷ work');
  svg('line', { x1: L, x2: L, y1: T, y2: H - B, 'class': 'axis' }, root);
  svg('line', { x1: L, x2: W - R, y1: H - B, y2: H - B, 'class': 'axis' }, root);

  /* the response-multiple series, broken where the model says "no limit" (∞, drawn over it) */
  var pts = [];
  table.forEach(function (r) {
    if (isNum(r.response_multiple)) pts.push(X(r.utilization).toFixed(1) + ',' + Y(r.response_multiple).toFixed(1));
  });
  if (pts.length) svg('polyline', { points: pts.join(' '), 'class': 'series series-q' }, root);
  table.forEach(function (r) {
    if (!isNum(r.response_multiple)) return;
    var c = svg('circle', { cx: X(r.utilization), cy: Y(r.response_multiple), r: 3.5, 'class': 'dot-q' }, root);
    svg('title', null, c, fmtPct(r.utilization, 1) + ' busy: ' + fmtNum(r.response_multiple) + '× the work time' +
      (r.drop_probability > 0 ? ', ' + fmtPct(r.drop_probability) + ' turned away' : ''));
  });

  /* drops on a right-hand axis when the queue is bounded */
  var drops = table.filter(function (r) { return isNum(r.drop_probability); });
  var maxDrop = drops.reduce(function (m, r) { return Math.max(m, r.drop_probability); }, 0);
  if (maxDrop > 0) {
    var top = [0.05, 0.1, 0.25, 0.5, 1].filter(function (t) { return t >= maxDrop; })[0] || 1;
    var YD = function (p) { return T + (1 - p / top) * (H - T - B); };
    svg('polyline', {
      points: drops.map(function (r) { return X(r.utilization).toFixed(1) + ',' + YD(r.drop_probability).toFixed(1); }).join(' '),
      'class': 'series series-drop'
    }, root);
    svg('line', { x1: W - R, x2: W - R, y1: T, y2: H - B, 'class': 'axis' }, root);
    [0, top / 2, top].forEach(function (p) {
      svg('text', { x: W - R + 4, y: YD(p) + 4 }, root, fmtPct(p, 0));
    });
    svg('text', { x: W - R + 4, y: T - 4 }, root, 'dropped');
  }

  var xm = X(Math.min(Math.max(d.utilization, x0), x1));
  svg('line', { x1: xm, x2: xm, y1: T, y2: H - B, 'class': 'marker' }, root);
  svg('text', { x: xm + (xm > W - R - 60 ? -4 : 4), y: H - B - 6, 'text-anchor': xm > W - R - 60 ? 'end' : 'start', 'class': 'marker-label' }, root,
    'you: ' + fmtPct(d.utilization, 0));

  /* ∞ where the response time first has no limit: drawn last, so it lies over everything, and
   * just right of that utilisation, where the curve (which climbs towards it) never reaches */
  var endless = table.filter(function (r) { return !isNum(r.response_multiple); })[0];
  if (endless) {
    var inf = svg('text', { x: X(endless.utilization) + 6, y: T + 42, 'class': 'inf',
      'data-utilization': String(endless.utilization) }, root, '∞');
    svg('title', null, inf, 'from ' + fmtPct(endless.utilization, 0) + ' busy on, the response time has no limit');
  }

  $('queue-chart-desc').textContent = 'Mean response as a multiple of the work time: ' + table.map(function (r) {
    return fmtPct(r.utilization, 1) + ' busy ' + (isNum(r.response_multiple) ? fmtNum(r.response_multiple) + '×' : 'no limit') +
      (r.drop_probability > 0 ? ' (' + fmtPct(r.drop_probability) + ' dropped)' : '');
  }).join('; ') + '.';
}

/* ------------------------------------------------------------------ section 1: resources */

export function renderResources(plan) {
  var v = plan.app.vertical;
  var load = plan.load_rps;
  var name = v.feasible ? v.instance : v.largest_instance;
  var info = findInstance(plan.catalog.name, name);
  $('resource-caption').textContent = v.feasible
    ? 'The single box the vertical plan picks for ' + fmtRps(load) + ': ' + name +
      (info ? ' (' + info.vcpu + ' vCPU, ' + fmtInt(info.mem_gib) + ' GiB)' : '') + '.'
    : 'No box can carry ' + fmtRps(load) + '. This is the largest one, ' + name +
      (info ? ' (' + info.vcpu + ' vCPU)' : '') + ', pushed past its ceiling.';
  var given = v.resources && typeof v.resources === 'object' ? v.resources : null;
  ['cpu', 'memory', 'network'].forEach(function (r) {
    var row = document.querySelector('.bar-row[data-resource="' + r + '"]');
    var u = given ? given[r] : (r === v.binding ? v.utilization : null);
    var fill = row.querySelector('.bar-fill');
    var val = row.querySelector('.bar-value');
    row.setAttribute('data-binding', r === v.binding ? 'true' : 'false');
    if (isNum(u)) {
      fill.style.width = Math.min(u, 1) * 100 + '%';
      row.setAttribute('data-level', u >= 1 ? 'over' : (u > 0.85 ? 'edge' : 'fine'));
      val.textContent = fmtPct(u, u < 0.1 ? 1 : 0) + (u >= 1 ? ' · over' : '');
      val.setAttribute('data-value', String(u));
      row.querySelector('.bar').classList.remove('bar-none');
    } else {
      fill.style.width = '0';
      row.removeAttribute('data-level');
      val.textContent = 'not reported';
      val.setAttribute('data-value', 'null');
      row.querySelector('.bar').classList.add('bar-none');
    }
  });
  $('resource-note').textContent = 'The planner checks CPU, memory and network and names the one that runs out first: here ' +
    resName(v.binding) + (given ? '.' : ', at ' + fmtPct(v.utilization, 0) + ' busy. The other two fractions are not part of the API’s answer, so they are not drawn.') +
    ' Disk I/O is not modelled yet.';
}

function syncQueueControls() {
  var u = Number(S.util);
  $('queue-util').value = S.util;
  $('queue-util').setAttribute('aria-valuetext', Math.round(u * 100) + ' percent busy');
  $('queue-util-out').textContent = Math.round(u * 100) + NBSP + '%';
  $('queue-bounded').checked = S.bounded === '1';
  $('queue-k').textContent = QUEUE_K;
  Array.prototype.forEach.call(document.querySelectorAll('[data-util]'), function (b) {
    b.setAttribute('aria-pressed', Number(b.getAttribute('data-util')) === u ? 'true' : 'false');
  });
}

/* The queue chart again at the page's new width (after a resize). */
export function redrawQueue() {
  if (queueDoc) drawQueueChart(queueDoc);
}

/* Sets the utilisation controls from the view state and wires them. */
export function setup() {
  syncQueueControls();
  $('queue-util').addEventListener('input', function (e) {
    S.util = String(Number(e.target.value));
    syncQueueControls(); writeURL();
    later('queue', 30, loadQueue);
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-util]'), function (b) {
    b.addEventListener('click', function () {
      S.util = b.getAttribute('data-util');
      syncQueueControls(); writeURL(); loadQueue();
    });
  });
  $('queue-bounded').addEventListener('change', function (e) {
    S.bounded = e.target.checked ? '1' : '0';
    syncQueueControls(); writeURL(); loadQueue();
  });
}
