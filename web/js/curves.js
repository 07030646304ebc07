/* Section 3, the cost curves: both strategies' monthly cost over the whole range of loads. */
import {
  $, chartSize, clearSVG, el, fmtInt, fmtLoadShort, fmtRps, fmtUSD, isNum, svg
} from './api.js';
import { docs, workloadApi, workloadKey } from './view.js';
import { drawBreakEven, drawLadder, drawLoad, drawWall, ladder, ladderSentence } from './marks.js';

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
  csv: 'Your own catalog, pasted in Your service. The page cannot read its rows back from the API, so the ' +
    'price-ladder mark is not drawn; the curves, the break-even and the wall are planned on it as on any other.',
  azure: 'Azure catalog: pay-as-you-go list prices of East US. The general-purpose series are linear per vCPU; the ' +
    'largest M-series box with a public price ends the vertical path.'
};

export function loadCurve() {
  return workloadApi('curve', 'curve', [['from', '1k'], ['to', '1m'], ['points', '60']]).then(function (d) {
    if (!d) return null;
    curveDoc = d;
    renderCurve();
    renderCurveTable();
    $('catalog-note').textContent = CATALOG_NOTES[d.catalog.name] || CATALOG_NOTES.csv;
    $('catalog-source').textContent = d.catalog.source ? 'Source, as the catalog states it: ' + d.catalog.source
      : 'The catalog states no source.';
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

/* The vertical plan at the wall (just below the most the largest box serves), asked once per
 * catalog and workload: where the one-machine line really ends, and on which box. */
var wallDoc = null, wallKey = '';
function loadWall(row) {
  var pairs = [['load', String(Math.floor(row.vertical.max_rps))]];
  var key = JSON.stringify(pairs) + workloadKey();
  if (key === wallKey) return;
  wallKey = key;
  wallDoc = null;
  workloadApi('wall', 'compare', pairs).then(function (d) {
    if (d && key === wallKey) { wallDoc = d; renderCurve(); }
  });
}

/* The compare row of the load the page shows, when it is planned on the curve's catalog. */
function currentRow() {
  var c = docs.compare;
  return c && curveDoc && c.catalog.name === curveDoc.catalog.name ? c.rows[0] : null;
}

/*
 * What the chart around the chosen load is drawn from: the wall (where the largest box stops,
 * asked of the API once per workload), the ladder's two boxes and the price range, which the
 * chosen load's two prices widen when they lie outside it.
 */
function frameFor(row) {
  var pts = curveDoc.points, lo = pts[0].load_rps, hi = pts[pts.length - 1].load_rps;
  if (row && isNum(row.vertical.max_rps)) loadWall(row);
  var wall = null;
  if (row && isNum(row.vertical.max_rps) && row.vertical.max_rps > lo && row.vertical.max_rps < hi) {
    var atWall = wallDoc && wallDoc.catalog.name === curveDoc.catalog.name ? wallDoc.rows[0].vertical : null;
    wall = { max_rps: row.vertical.max_rps, usd: atWall && atWall.feasible ? atWall.monthly_usd : null,
      instance: atWall && atWall.feasible ? atWall.instance : null };
  }
  var lad = ladder(curveDoc.catalog.name, wall && wall.instance);
  var vals = [];
  pts.forEach(function (p) {
    if (isNum(p.vertical_usd)) vals.push(p.vertical_usd);
    if (isNum(p.horizontal_usd)) vals.push(p.horizontal_usd);
  });
  if (row) vals.push(row.vertical.monthly_usd, row.horizontal.monthly_usd);
  if (wall) vals.push(wall.usd);
  if (lad) vals.push(lad.big.usd_per_month, lad.small.usd_per_month);
  vals = vals.filter(isNum);
  var y0 = Math.floor(Math.log10(Math.min.apply(null, vals)));
  var y1 = Math.ceil(Math.log10(Math.max.apply(null, vals)));
  if (y1 === y0) y1 += 1;
  return { curve: curveDoc, wallDoc: wallDoc, catalogs: docs.catalogs, lo: lo, hi: hi, wall: wall, lad: lad,
    y0: y0, y1: y1 };
}

/* Whether two frames draw the same chart apart from the chosen load. */
function sameFrame(a, b) {
  return a.curve === b.curve && a.wallDoc === b.wallDoc && a.catalogs === b.catalogs && a.y0 === b.y0 &&
    a.y1 === b.y1 && (a.wall && a.wall.max_rps) === (b.wall && b.wall.max_rps);
}

/* The chart as last drawn whole: its frame, its geometry, and the boxes of every label but the
 * chosen load's, among which a move of the load places its labels again. */
var drawn = null;

/*
 * The chosen load moved: when the rest of the chart stays as it is, only the load's mark is drawn
 * again (a move then costs a few nodes, not the chart and a layout of the page for its width);
 * otherwise the whole chart.
 */
export function showLoad() {
  if (!curveDoc || !curveDoc.points.length) return;
  var row = currentRow();
  if (!drawn || !row || !sameFrame(drawn.frame, frameFor(row))) { renderCurve(); return; }
  var c = drawn.c, old = c.root.querySelector('[data-mark="load"]');
  if (old) c.root.removeChild(old);
  c.placed = drawn.placed.slice();
  drawLoad(c, row, drawn.frame.lo, drawn.frame.hi);
  c.root.setAttribute('data-load-rps', String(row.load_rps));
}

export function renderCurve() {
  drawn = null;
  if (!curveDoc) return;
  var root = $('curve-chart');
  clearSVG(root);
  root.removeAttribute('data-load-rps');
  var W = chartSize(root, 300, 900), narrow = W < 520;
  var H = narrow ? 360 : 460, L = narrow ? 72 : 76, R = narrow ? 10 : 20, T = 58, B = 46;
  root.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
  var pts = curveDoc.points;
  if (!pts.length) return;
  var row = currentRow(), f = frameFor(row);
  var lo = f.lo, hi = f.hi, wall = f.wall, lad = f.lad, y0 = f.y0, y1 = f.y1;
  var xs0 = Math.log10(lo), xs1 = Math.log10(hi);
  var c = {
    root: root, W: W, H: H, L: L, R: R, T: T, B: B, narrow: narrow, placed: [],
    bounds: { x0: L + 2, x1: W - 2, y0: 0, y1: H - B },
    X: function (n) { return L + (Math.log10(n) - xs0) / (xs1 - xs0) * (W - L - R); },
    Y: function (u) { return T + (1 - (Math.log10(u) - y0) / (y1 - y0)) * (H - T - B); }
  };
  drawAxes(c, xs0, xs1, y0, y1);
  drawBreakEven(c, pts);
  if (wall) drawWall(c, wall);

  /* the one-machine line runs to the wall when the API has planned the box there; it ends in a
   * cross, or in the ladder's ring when that box is the biggest */
  var vpts = [], hpts = [], lastV = null;
  pts.forEach(function (p) {
    if (isNum(p.vertical_usd)) { vpts.push([p.load_rps, p.vertical_usd]); lastV = p; }
    if (isNum(p.horizontal_usd)) hpts.push([p.load_rps, p.horizontal_usd]);
  });
  if (wall && isNum(wall.usd)) vpts.push([wall.max_rps, wall.usd]);
  function line(list, cls) {
    if (!list.length) return;
    svg('polyline', { points: list.map(function (q) {
      return c.X(q[0]).toFixed(1) + ',' + c.Y(q[1]).toFixed(1); }).join(' '), 'class': 'series ' + cls }, root);
  }
  line(hpts, 'series-h');
  line(vpts, 'series-v');
  var end = vpts[vpts.length - 1];
  var ringAtEnd = lad && wall && wall.instance === lad.big.name && isNum(wall.usd);
  if (end && lastV !== pts[pts.length - 1] && !ringAtEnd) {
    var ex = c.X(end[0]), ey = c.Y(end[1]);
    svg('path', { d: 'M' + (ex - 6) + ' ' + (ey - 6) + 'l12 12M' + (ex + 6) + ' ' + (ey - 6) + 'l-12 12',
      'class': 'series series-v' }, root);
  }
  if (lad) drawLadder(c, lad, pts, wall);
  drawn = { frame: f, c: c, placed: c.placed.slice() };
  if (row) {
    drawLoad(c, row, lo, hi);
    root.setAttribute('data-load-rps', String(row.load_rps));
  }
  var note = $('ladder-note');
  note.textContent = lad ? ladderSentence(lad) : '';
  note.setAttribute('data-value', lad ? lad.big.name + ',' + lad.small.name : '');

  var first = pts[0], last = pts[pts.length - 1];
  $('curve-desc').textContent = 'Catalog ' + curveDoc.catalog.name + '. One machine: ' + fmtUSD(first.vertical_usd) + ' at ' +
    fmtRps(first.load_rps) + (lastV ? ', ' + fmtUSD(lastV.vertical_usd) + ' at ' + fmtRps(lastV.load_rps) : '') +
    (wall ? ', and no machine beyond ' + fmtRps(wall.max_rps) : '') + '. Many machines: ' + fmtUSD(first.horizontal_usd) + ' at ' +
    fmtRps(first.load_rps) + ' up to ' + fmtUSD(last.horizontal_usd) + ' at ' + fmtRps(last.load_rps) + '.';
}

/* Gridlines at each power of ten, their labels and the axis titles. */
function drawAxes(c, xs0, xs1, y0, y1) {
  var root = c.root, L = c.L, R = c.R, W = c.W, H = c.H, T = c.T, B = c.B;
  for (var e = y0; e <= y1; e++) {
    var yy = c.Y(Math.pow(10, e));
    svg('line', { x1: L, x2: W - R, y1: yy, y2: yy, 'class': 'grid' }, root);
    svg('text', { x: L - 8, y: yy + 4, 'text-anchor': 'end' }, root, '$' + fmtLoadShort(Math.pow(10, e)));
  }
  for (var x = Math.ceil(xs0); x <= Math.floor(xs1); x++) {
    var xx = c.X(Math.pow(10, x));
    svg('line', { x1: xx, x2: xx, y1: T, y2: H - B, 'class': 'grid' }, root);
    svg('text', { x: xx, y: H - B + 18, 'text-anchor': 'middle' }, root, fmtLoadShort(Math.pow(10, x)));
  }
  svg('text', { x: (L + W - R) / 2, y: H - 6, 'text-anchor': 'middle' }, root, 'load, requests per second (log scale)');
  var my = T + (H - T - B) / 2;
  svg('text', { x: 14, y: my, transform: 'rotate(-90 14 ' + my + ')', 'text-anchor': 'middle' }, root,
    'monthly cost, USD (log scale)');
  svg('line', { x1: L, x2: L, y1: T, y2: H - B, 'class': 'axis' }, root);
  svg('line', { x1: L, x2: W - R, y1: H - B, y2: H - B, 'class': 'axis' }, root);
}
