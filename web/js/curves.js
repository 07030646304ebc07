/* Section 3, the cost curves: both strategies' monthly cost over the whole range of loads. */
import {
  $, api, chartSize, clearSVG, el, fmtInt, fmtLoadShort, fmtRps, fmtUSD, isNum, svg
} from './api.js';
import { S, docs, workloadPairs } from './view.js';

var curveDoc = null;

var CATALOG_NOTES = {
  teaching: 'Teaching catalog: a price ladder built for this lesson in the style of on-premise big iron. ' +
    'Every step up costs more per core than the one below, so the single box gets expensive long before it runs out, ' +
    'and the top machines cost six figures a month. The prices are constructed, not quoted from any vendor.',
  cloud: 'Cloud catalog: real on-demand list prices of AWS in us-east-1. Inside an instance family the price ' +
    'per vCPU is flat, so a box twice the size costs about twice as much and vertical is barely punished on price. ' +
    'The wall is still there: above the largest instance there is nothing to buy, and each added core buys a little ' +
    'less throughput on a very big box.',
  gcp: 'Google Cloud catalog: on-demand list prices of us-central1. GCE prices its standard types by the vCPU and ' +
    'the GiB, so each series is linear by construction; the largest boxes end the vertical path.',
  azure: 'Azure catalog: pay-as-you-go list prices of East US. The general-purpose series are linear per vCPU; the ' +
    'largest M-series box with a public price ends the vertical path.'
};

export function loadCurve() {
  var pairs = [['from', '1k'], ['to', '1m'], ['points', '60']].concat(workloadPairs());
  return api('curve', 'curve', pairs).then(function (d) {
    if (!d) return null;
    curveDoc = d;
    renderCurve();
    renderCurveTable();
    $('catalog-note').textContent = CATALOG_NOTES[d.catalog.name] || '';
    $('catalog-source').textContent = 'Source, as the catalog states it: ' + d.catalog.source;
    return d;
  });
}

function renderCurveTable() {
  var tb = $('curve-table').querySelector('tbody');
  tb.textContent = '';
  curveDoc.points.forEach(function (p) {
    var tr = el('tr');
    tr.appendChild(el('td', null, fmtRps(p.load_rps)));
    tr.appendChild(el('td', null, isNum(p.vertical_usd) ? fmtUSD(p.vertical_usd) + ' (' + p.vertical_instance + ')' : 'no machine'));
    tr.appendChild(el('td', null, fmtUSD(p.horizontal_usd) + ' (' + fmtInt(p.horizontal_servers) + ' × ' + p.horizontal_instance + ')'));
    tb.appendChild(tr);
  });
}

export function renderCurve() {
  if (!curveDoc) return;
  var root = $('curve-chart');
  clearSVG(root);
  var W = chartSize(root, 300, 900), narrow = W < 520;
  var H = narrow ? 330 : 430, L = narrow ? 58 : 70, R = narrow ? 10 : 20, T = 34, B = 46;
  root.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
  var pts = curveDoc.points;
  if (!pts.length) return;
  var xs0 = Math.log10(pts[0].load_rps), xs1 = Math.log10(pts[pts.length - 1].load_rps);
  var vals = [];
  pts.forEach(function (p) {
    if (isNum(p.vertical_usd)) vals.push(p.vertical_usd);
    if (isNum(p.horizontal_usd)) vals.push(p.horizontal_usd);
  });
  var row = docs.compare && docs.compare.catalog.name === curveDoc.catalog.name ? docs.compare.rows[0] : null;
  if (row) {
    if (isNum(row.vertical.monthly_usd)) vals.push(row.vertical.monthly_usd);
    if (isNum(row.horizontal.monthly_usd)) vals.push(row.horizontal.monthly_usd);
  }
  var y0 = Math.floor(Math.log10(Math.min.apply(null, vals)));
  var y1 = Math.ceil(Math.log10(Math.max.apply(null, vals)));
  if (y1 === y0) y1 += 1;
  function X(n) { return L + (Math.log10(n) - xs0) / (xs1 - xs0) * (W - L - R); }
  function Y(u) { return T + (1 - (Math.log10(u) - y0) / (y1 - y0)) * (H - T - B); }

  for (var e = y0; e <= y1; e++) {
    var yy = Y(Math.pow(10, e));
    svg('line', { x1: L, x2: W - R, y1: yy, y2: yy, 'class': 'grid' }, root);
    svg('text', { x: L - 8, y: yy + 4, 'text-anchor': 'end' }, root, '$' + fmtLoadShort(Math.pow(10, e)));
  }
  for (var x = Math.ceil(xs0); x <= Math.floor(xs1); x++) {
    var xx = X(Math.pow(10, x));
    svg('line', { x1: xx, x2: xx, y1: T, y2: H - B, 'class': 'grid' }, root);
    svg('text', { x: xx, y: H - B + 18, 'text-anchor': 'middle' }, root, fmtLoadShort(Math.pow(10, x)));
  }
  svg('text', { x: (L + W - R) / 2, y: H - 6, 'text-anchor': 'middle' }, root, 'load, requests per second (log scale)');
  svg('text', { x: 14, y: T + (H - T - B) / 2, transform: 'rotate(-90 14 ' + (T + (H - T - B) / 2) + ')', 'text-anchor': 'middle' }, root, 'monthly cost, USD (log scale)');
  svg('line', { x1: L, x2: L, y1: T, y2: H - B, 'class': 'axis' }, root);
  svg('line', { x1: L, x2: W - R, y1: H - B, y2: H - B, 'class': 'axis' }, root);

  /* the wall: the most the largest machine serves */
  var wall = row ? row.vertical.max_rps : null;
  if (isNum(wall) && Math.log10(wall) > xs0 && Math.log10(wall) < xs1) {
    var xw = X(wall);
    svg('line', { x1: xw, x2: xw, y1: T, y2: H - B, 'class': 'wall' }, root);
    svg('text', { x: Math.min(xw + 40, W - R), y: T - 10, 'text-anchor': 'end', 'class': 'wall-label' }, root,
      'wall at ' + fmtLoadShort(wall) + ' req/s: no machine beyond');
  }

  var vpts = [], hpts = [], lastV = null;
  pts.forEach(function (p) {
    if (isNum(p.vertical_usd)) { vpts.push(X(p.load_rps).toFixed(1) + ',' + Y(p.vertical_usd).toFixed(1)); lastV = p; }
    if (isNum(p.horizontal_usd)) hpts.push(X(p.load_rps).toFixed(1) + ',' + Y(p.horizontal_usd).toFixed(1));
  });
  if (hpts.length) svg('polyline', { points: hpts.join(' '), 'class': 'series series-h' }, root);
  if (vpts.length) svg('polyline', { points: vpts.join(' '), 'class': 'series series-v' }, root);
  if (lastV && lastV !== pts[pts.length - 1]) {
    var ex = X(lastV.load_rps), ey = Y(lastV.vertical_usd);
    svg('line', { x1: ex - 6, y1: ey - 6, x2: ex + 6, y2: ey + 6, 'class': 'series series-v' }, root);
    svg('line', { x1: ex + 6, y1: ey - 6, x2: ex - 6, y2: ey + 6, 'class': 'series series-v' }, root);
  }

  /* the chosen load, with the exact figures of the compare document */
  if (row) {
    var lx = X(Math.min(Math.max(row.load_rps, pts[0].load_rps), pts[pts.length - 1].load_rps));
    svg('line', { x1: lx, x2: lx, y1: T, y2: H - B, 'class': 'marker' }, root);
    var anchor = lx > W - R - 120 ? 'end' : 'start', dx = anchor === 'end' ? -8 : 8;
    svg('text', { x: lx + dx, y: H - B - 8, 'text-anchor': anchor, 'class': 'marker-label' }, root, fmtLoadShort(row.load_rps) + ' req/s');
    /* the dearer figure is labelled above its dot, the cheaper one below */
    var vUsd = row.vertical.monthly_usd, hUsd = row.horizontal.monthly_usd;
    var vAbove = !isNum(hUsd) || (isNum(vUsd) && vUsd >= hUsd);
    if (isNum(vUsd)) {
      var vy = Y(vUsd);
      svg('circle', { cx: lx, cy: vy, r: 5, 'class': 'dot-v' }, root);
      svg('text', { x: lx + dx, y: vAbove ? vy - 8 : vy + 18, 'text-anchor': anchor, 'class': 'val-v' }, root, fmtUSD(vUsd));
    }
    if (isNum(hUsd)) {
      var hy = Y(hUsd);
      svg('circle', { cx: lx, cy: hy, r: 5, 'class': 'dot-h' }, root);
      svg('text', { x: lx + dx, y: vAbove ? hy + 18 : hy - 8, 'text-anchor': anchor, 'class': 'val-h' }, root, fmtUSD(hUsd));
    }
  }

  var first = pts[0], last = pts[pts.length - 1];
  $('curve-desc').textContent = 'Catalog ' + curveDoc.catalog.name + '. One machine: ' + fmtUSD(first.vertical_usd) + ' at ' +
    fmtRps(first.load_rps) + (lastV ? ', ' + fmtUSD(lastV.vertical_usd) + ' at ' + fmtRps(lastV.load_rps) : '') +
    (lastV !== last ? ', and no machine beyond that' : '') + '. Many machines: ' + fmtUSD(first.horizontal_usd) + ' at ' +
    fmtRps(first.load_rps) + ' up to ' + fmtUSD(last.horizontal_usd) + ' at ' + fmtRps(last.load_rps) + '.';
}

/* Sets the catalog picker (it applies to the whole page) and calls changed() on a new choice. */
export function setup(changed) {
  $('catalog-select').value = S.catalog;
  $('catalog-select').addEventListener('change', function (e) { S.catalog = e.target.value; changed(); });
}
