/* Section 5's calibration panel: a load test fitted to the Universal Scalability Law (/api/fit),
 * drawn with its axes, legend, linear ideal and peak, and the load of section 2 planned with the
 * fitted coefficients next to the catalog's (/api/compare with usl=σ,κ). */
import {
  $, NF0, api, chartSize, clearSVG, el, fmtInt, fmtNum, fmtRps, fmtUSD, isNum, labelCells, nf, placeText, show,
  svg
} from './api.js';
import { S, workloadApi } from './view.js';

var fitDoc = null;
var FIGURES = ['fit-sigma', 'fit-kappa', 'fit-lambda', 'fit-r2', 'fit-nstar', 'fit-xmax'];

/*
 * The textarea as the API's points (n:x,...), or the first line that is not two numbers. A first
 * line of words is taken as a header; '#' starts a comment. This is the input read, not a figure.
 */
function readPoints() {
  var lines = $('fit-data').value.split(/\r?\n/), pts = [];
  for (var i = 0; i < lines.length; i++) {
    var l = lines[i].replace(/#.*/, '').trim();
    if (!l || (!pts.length && /^[a-z_ ]+[,;\s]+[a-z_ ]+$/i.test(l))) continue;
    var f = l.split(/\s*[,;\s]\s*/);
    if (f.length !== 2 || !f.every(function (x) { return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(x); })) {
      return { error: 'Line ' + (i + 1) + ', “' + lines[i].trim() + '”: expected two numbers, n and throughput, such as 8,560.' };
    }
    pts.push(f.join(':'));
  }
  if (!pts.length) return { error: 'No measurements: one line per load-test step, n then throughput, such as 8,560.' };
  return { points: pts.join(',') };
}

/* An error beside the input; the figures, chart and plans of an older fit go with it. */
function showError(msg) {
  fitDoc = null;
  var box = $('fit-error');
  box.textContent = msg;
  box.hidden = false;
  $('fit-data').setAttribute('aria-invalid', 'true');
  $('fit-card').setAttribute('data-state', 'error');
  FIGURES.forEach(function (id) { show(id, '—', null); });
  $('fit-warnings').textContent = '';
  clearSVG($('fit-chart'));
  $('fit-chart-desc').textContent = 'No fit: the measurements could not be read.';
  $('fit-figure').hidden = true;
  $('fit-plan').hidden = true;
}

export function runFit() {
  var read = readPoints();
  if (read.error) { showError(read.error); return Promise.resolve(null); }
  /* the curve is asked for up to the chart's last n tick, a fifth or so past the last measurement */
  var maxN = read.points.split(',').reduce(function (m, p) { return Math.max(m, Number(p.split(':')[0]) || 0); }, 1);
  maxN = axisEnd(maxN * 1.2, X_TICKS);
  var predict = [1];
  for (var i = 1; i <= 48; i++) predict.push(Math.max(1, Math.round(maxN * i / 48)));
  predict = predict.filter(function (v, k, a) { return a.indexOf(v) === k; });
  $('fit-card').setAttribute('data-state', 'busy');
  return api('fit', 'fit', [['points', read.points], ['predict', predict.join(',')]], {
    onError: function (msg) { showError('The fit could not be made: ' + msg + '.'); }
  })
    .then(function (d) {
      if (!d) return null;
      fitDoc = d;
      $('fit-error').hidden = true;
      $('fit-data').removeAttribute('aria-invalid');
      $('fit-card').setAttribute('data-state', 'fitted');
      $('fit-figure').hidden = false;
      renderFit(d);
      return planFit();
    });
}

function renderFit(d) {
  show('fit-sigma', nf(4).format(d.sigma), d.sigma, isNum(d.sigma_se) ? '± ' + nf(2).format(d.sigma_se) : null);
  show('fit-kappa', d.kappa.toExponential(2), d.kappa, isNum(d.kappa_se) ? '± ' + d.kappa_se.toExponential(1) : null);
  show('fit-lambda', fmtNum(d.lambda) + ' /s', d.lambda, 'throughput of one unit');
  show('fit-r2', nf(4).format(d.r2), d.r2, 'share of the variation the fit explains');
  show('fit-nstar', isNum(d.n_star) ? 'n = ' + fmtNum(d.n_star) : 'none', d.n_star,
    isNum(d.n_star) ? 'beyond it, more units give less' : 'no coherency cost measured');
  show('fit-xmax', isNum(d.x_max) ? fmtNum(d.x_max) + ' /s' : '—', d.x_max, isNum(d.x_max) ? 'the most it will ever do' : null);
  $('fit-warnings').textContent = d.warnings.length ? 'Note: ' + d.warnings.join('; ') + '.' : '';
  drawFit(d);
}

/* A round step for about `want` ticks up to max, and the first tick at or past max. */
var X_TICKS = 6, Y_TICKS = 5;
function tickStep(max, want) {
  var raw = max / want, mag = Math.pow(10, Math.floor(Math.log10(raw)));
  return [1, 2, 2.5, 5, 10].map(function (k) { return k * mag; }).filter(function (s) { return s >= raw; })[0];
}
function axisEnd(max, want) {
  var step = tickStep(max, want);
  return Math.ceil(max / step - 1e-9) * step;
}

function drawFit(d) {
  var root = $('fit-chart');
  clearSVG(root);
  var W = chartSize(root, 300, 560), H = Math.round(W * 0.66), L = 62, R = 20, T = 14, B = 48;
  root.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
  var maxN = 1, maxX = 1;
  d.points.forEach(function (p) { maxN = Math.max(maxN, p.n); maxX = Math.max(maxX, p.throughput); });
  d.predictions.forEach(function (p) { maxN = Math.max(maxN, p.n); maxX = Math.max(maxX, p.throughput); });
  maxN = axisEnd(maxN, X_TICKS);
  maxX = axisEnd(maxX * 1.1, Y_TICKS);
  var xStep = tickStep(maxN, W < 400 ? X_TICKS - 2 : X_TICKS), yStep = tickStep(maxX, Y_TICKS);
  function X(n) { return L + n / maxN * (W - L - R); }
  function Y(x) { return H - B - x / maxX * (H - T - B); }
  var n, x;
  for (n = 0; n <= maxN + 1e-9; n += xStep) {
    svg('line', { x1: X(n), x2: X(n), y1: T, y2: H - B, 'class': 'grid' }, root);
    svg('text', { x: X(n), y: H - B + 16, 'text-anchor': 'middle' }, root, NF0.format(n));
  }
  for (x = 0; x <= maxX + 1e-9; x += yStep) {
    svg('line', { x1: L, x2: W - R, y1: Y(x), y2: Y(x), 'class': 'grid' }, root);
    svg('text', { x: L - 6, y: Y(x) + 4, 'text-anchor': 'end' }, root, NF0.format(x));
  }
  svg('line', { x1: L, x2: L, y1: T, y2: H - B, 'class': 'axis' }, root);
  svg('line', { x1: L, x2: W - R, y1: H - B, y2: H - B, 'class': 'axis' }, root);
  svg('text', { x: (L + W - R) / 2, y: H - 8, 'text-anchor': 'middle', 'class': 'axis-title', 'data-mark': 'x-title' }, root,
    'n: cores, threads or nodes');
  var yMid = T + (H - T - B) / 2;
  svg('text', { x: 14, y: yMid, transform: 'rotate(-90 14 ' + yMid + ')', 'text-anchor': 'middle', 'class': 'axis-title',
    'data-mark': 'y-title' }, root, 'throughput per second');

  /* the linear ideal: λ per unit, drawn as the straight line of slope λ until it leaves the chart */
  var nEnd = Math.min(maxN, maxX / d.lambda);
  svg('line', { x1: X(0), y1: Y(0), x2: X(nEnd), y2: Y(d.lambda * nEnd), 'class': 'ideal', 'data-mark': 'ideal' }, root);
  svg('polyline', { points: d.predictions.map(function (p) {
    return X(p.n).toFixed(1) + ',' + Y(p.throughput).toFixed(1); }).join(' '), 'class': 'series series-fit', 'data-mark': 'fit' }, root);
  d.points.forEach(function (p) {
    var c = svg('circle', { cx: X(p.n), cy: Y(p.throughput), r: 4, 'class': 'dot-v', 'data-mark': 'measured' }, root);
    svg('title', null, c, 'n = ' + fmtNum(p.n) + ': ' + fmtNum(p.throughput) + ' /s measured, ' + fmtNum(p.fitted) + ' /s fitted');
  });
  if (isNum(d.n_star) && d.n_star <= maxN) {
    var xs = X(d.n_star);
    svg('line', { x1: xs, y1: T, x2: xs, y2: H - B, 'class': 'nstar' }, root);
    var t = svg('text', { 'class': 'nstar-label', 'data-mark': 'n-star', 'data-value': String(d.n_star) }, root,
      'peak N* = ' + fmtNum(d.n_star));
    var right = { x: xs + 6, y: H - B - 10, anchor: 'start' }, left = { x: xs - 6, y: H - B - 10, anchor: 'end' };
    placeText(t, [right, left], { x0: L, x1: W - R, y0: T, y1: H - B }, []);
  }
  $('fit-chart-desc').textContent = 'Measured: ' + d.points.map(function (p) {
    return 'n ' + fmtNum(p.n) + ', ' + fmtNum(p.throughput) + ' /s';
  }).join('; ') + '. The fit peaks ' + (isNum(d.n_star) ? 'at n = ' + fmtNum(d.n_star) + ' with ' + fmtNum(d.x_max) + ' /s.' : 'nowhere in range.');
}

/* One side of a compare row, in words: the box or the fleet, and its monthly cost. */
function planCell(tr, side, plan) {
  var td = el('td', { 'data-col': side });
  if (side === 'vertical') {
    td.textContent = plan.feasible ? 'one ' + plan.instance : 'none at this load';
  } else {
    td.textContent = plan.feasible ? fmtInt(plan.servers) + ' × ' + plan.instance : 'none';
  }
  if (plan.feasible) {
    td.setAttribute('data-value', String(plan.monthly_usd));
    td.appendChild(el('span', { 'class': 'sub' }, fmtUSD(plan.monthly_usd) + ' a month'));
  }
  tr.appendChild(td);
}

/* Section 2's load planned with the catalog's coefficients and with the fit's, side by side. */
export function planFit() {
  if (!fitDoc) return Promise.resolve(null);
  var d = fitDoc, base = [['load', S.load]];
  return Promise.all([workloadApi('fitbase', 'compare', base),
    workloadApi('fitcmp', 'compare', base.concat([['usl', d.sigma + ',' + d.kappa]]))]).then(function (c) {
    if (!c[0] || !c[1] || fitDoc !== d) return null;
    var tb = $('fit-plan-table').querySelector('tbody');
    tb.textContent = '';
    [['The catalog’s σ and κ (section 2)', c[0]], ['Your fit: σ ' + nf(4).format(d.sigma) + ', κ ' + d.kappa.toExponential(2), c[1]]]
      .forEach(function (x, i) {
        var row = x[1].rows[0];
        var tr = el('tr', { 'data-plan': i ? 'fit' : 'catalog' });
        tr.appendChild(el('th', { scope: 'row' }, x[0]));
        planCell(tr, 'vertical', row.vertical);
        planCell(tr, 'horizontal', row.horizontal);
        var td = el('td', { 'data-col': 'max', 'data-value': String(row.vertical.max_rps) }, fmtRps(row.vertical.max_rps));
        tr.appendChild(td);
        tb.appendChild(tr);
      });
    labelCells($('fit-plan-table'));
    $('fit-plan-load').textContent = fmtRps(c[1].rows[0].load_rps);
    var vc = c[0].rows[0].vertical, vf = c[1].rows[0].vertical;
    $('fit-plan-note').textContent = 'With your coefficients the biggest single machine serves at most ' + fmtRps(vf.max_rps) +
      ' (the catalog’s: ' + fmtRps(vc.max_rps) + '). ' + (vf.feasible
      ? 'At this load one ' + vf.instance + ' would do, for ' + fmtUSD(vf.monthly_usd) + ' a month.'
      : 'This load is beyond it: with your measurements only the fleet serves it.');
    $('fit-plan').hidden = false;
    return c;
  });
}

/* The chart again at the page's new width (after a resize). */
export function redrawFit() {
  if (fitDoc) drawFit(fitDoc);
}

/* Wires the Fit button (and Ctrl+Enter in the measurements). */
export function setup() {
  $('fit-run').addEventListener('click', runFit);
  $('fit-data').addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); runFit(); }
  });
}
