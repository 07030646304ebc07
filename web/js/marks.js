/* Section 3's teaching marks on the cost chart: where the fleet becomes cheaper for good, the wall
 * where no machine is left, how steeply the biggest box is priced, and the chosen load. Each mark
 * carries the API's figure it stands for in data-value. */
import { fitText, fmtInt, fmtLoadShort, fmtRps, fmtUSD, isNum, placeText, svg } from './api.js';
import { catalogItems } from './view.js';

/* The first sampled load from which the fleet is cheaper at every later sample (or the only
 * plan), and the sample before it; null when the single box is still as cheap at the end. */
export function breakEven(pts) {
  var i = pts.length;
  while (i > 0) {
    var p = pts[i - 1];
    var fleetCheaper = isNum(p.horizontal_usd) && (!isNum(p.vertical_usd) || p.vertical_usd > p.horizontal_usd);
    if (!fleetCheaper) break;
    i--;
  }
  return i < pts.length ? { at: pts[i], before: i > 0 ? pts[i - 1] : null } : null;
}

/* The biggest box and the catalog row with at most a sixteenth of its vCPUs, the nearest such
 * (the cheapest where sizes tie): the two ends of the price ladder, from the catalog's rows. */
export function ladder(catalogName, bigName) {
  var items = catalogItems(catalogName).filter(function (i) { return !i.fleet_only; });
  if (!items.length) return null;
  function cheapest(list) {
    return list.reduce(function (m, i) { return !m || i.usd_per_month < m.usd_per_month ? i : m; }, null);
  }
  var big = items.filter(function (i) { return i.name === bigName; })[0];
  if (!big) {
    var top = Math.max.apply(null, items.map(function (i) { return i.vcpu; }));
    big = cheapest(items.filter(function (i) { return i.vcpu === top; }));
  }
  var below = items.filter(function (i) { return i.vcpu <= big.vcpu / 16; });
  if (!below.length) return null;
  var size = Math.max.apply(null, below.map(function (i) { return i.vcpu; }));
  return { big: big, small: cheapest(below.filter(function (i) { return i.vcpu === size; })) };
}

function ratio(a, b) { return fmtInt(a / b) + '×'; }

/* A vertical line across the plot with its label on one of the two rows above it. */
function rule(c, x, cls, labelRow, text, attrs) {
  var g = svg('g', Object.assign({ 'class': 'mark' }, attrs), c.root);
  svg('line', { x1: x, x2: x, y1: c.T, y2: c.H - c.B, 'class': cls }, g);
  var right = x > (c.L + c.W - c.R) / 2;
  var t = fitText(svg('text', {
    x: right ? x - 6 : x + 6, y: labelRow, 'text-anchor': right ? 'end' : 'start', 'class': cls + '-label'
  }, g, text), 2, c.W - 2);
  c.placed.push(t.getBBox());
  return g;
}

export function drawBreakEven(c, pts) {
  var be = breakEven(pts);
  if (!be) return;
  var first = be.at === pts[0];
  rule(c, c.X(be.at.load_rps), 'even', c.T - 24,
    first ? 'the fleet is cheaper at every load shown'
      : 'break-even ≈ ' + fmtLoadShort(be.at.load_rps) + ' req/s' + (c.narrow ? '' : ': from here the fleet is cheaper'),
    { 'data-mark': 'break-even', 'data-value': String(be.at.load_rps),
      'data-before': be.before ? String(be.before.load_rps) : 'null' });
}

export function drawWall(c, wall) {
  var x = c.X(wall.max_rps);
  rule(c, x, 'wall', c.T - 6, 'wall at ' + fmtLoadShort(wall.max_rps) + ' req/s' + (c.narrow ? '' : ': no machine beyond'),
    { 'data-mark': 'wall', 'data-value': String(wall.max_rps), 'data-instance': wall.instance || '' });
}

/* Where the vertical line buys a box: the first sample on it, or the wall for the biggest box. */
function onLine(pts, wall, name) {
  if (wall && wall.instance === name && isNum(wall.usd)) return [wall.max_rps, wall.usd];
  var p = pts.filter(function (q) { return q.vertical_instance === name; })[0];
  return p ? [p.load_rps, p.vertical_usd] : null;
}

/* The two ends of the price ladder as dots on the one-machine line, each with a dotted guide to
 * its price on the axis; the sentence comparing them goes under the chart (#ladder-note). */
export function drawLadder(c, lad, pts, wall) {
  var g = svg('g', {
    'class': 'mark', 'data-mark': 'ladder', 'data-big': lad.big.name, 'data-small': lad.small.name,
    'data-value': String(lad.big.usd_per_month), 'data-small-usd': String(lad.small.usd_per_month)
  }, c.root);
  [lad.small, lad.big].forEach(function (box) {
    var at = onLine(pts, wall, box.name);
    var y = c.Y(box.usd_per_month), x = at ? c.X(at[0]) : c.L + 24;
    svg('line', { x1: c.L, x2: x, y1: y, y2: y, 'class': 'ladder' }, g);
    if (at) svg('circle', { cx: x, cy: y, r: 4.5, 'class': 'ladder-dot' }, g);
    var t = svg('text', { 'class': 'ladder-label' }, g, box.name + ' ' + fmtUSD(box.usd_per_month));
    placeText(t, [{ x: x - 8, y: y - 7, anchor: 'end' }, { x: x - 8, y: y + 17, anchor: 'end' },
      { x: x + 8, y: y + 17 }, { x: x + 8, y: y - 7 }, { x: x - 8, y: y - 24, anchor: 'end' },
      { x: x - 8, y: y + 34, anchor: 'end' }], c.bounds, c.placed);
  });
}

/* The ladder in words, for the note under the chart. */
export function ladderSentence(lad) {
  var b = lad.big, s = lad.small;
  return 'The price ladder: the biggest box, ' + b.name + ' (' + fmtInt(b.vcpu) + ' vCPU, ' +
    fmtUSD(b.usd_per_month) + ' a month), has ' + ratio(b.vcpu, s.vcpu) + ' the vCPUs of ' + s.name + ' (' +
    fmtInt(s.vcpu) + ' vCPU, ' + fmtUSD(s.usd_per_month) + ') and costs ' +
    ratio(b.usd_per_month, s.usd_per_month) + ' as much. Both prices are the catalog’s own rows.';
}

/* The chosen load, with the exact figures of the compare document on both lines. */
export function drawLoad(c, row, clampLo, clampHi) {
  var lx = c.X(Math.min(Math.max(row.load_rps, clampLo), clampHi));
  var g = svg('g', { 'class': 'mark', 'data-mark': 'load', 'data-value': String(row.load_rps) }, c.root);
  svg('line', { x1: lx, x2: lx, y1: c.T, y2: c.H - c.B, 'class': 'marker' }, g);
  function beside(y) {
    return [{ x: lx + 8, y: y }, { x: lx - 8, y: y, anchor: 'end' }];
  }
  placeText(svg('text', { 'class': 'marker-label' }, g, fmtRps(row.load_rps)),
    beside(c.H - c.B - 8), c.bounds, c.placed);
  /* the dearer figure is labelled above its dot, the cheaper one below */
  var vUsd = row.vertical.monthly_usd, hUsd = row.horizontal.monthly_usd;
  var vAbove = !isNum(hUsd) || (isNum(vUsd) && vUsd >= hUsd);
  function value(usd, above, dot, cls) {
    var y = c.Y(usd);
    svg('circle', { cx: lx, cy: y, r: 5, 'class': dot }, g);
    var ys = above ? [y - 8, y - 24, y + 18, y + 34] : [y + 18, y + 34, y - 8, y - 24];
    placeText(svg('text', { 'class': cls }, g, fmtUSD(usd)), [].concat.apply([], ys.map(beside)), c.bounds, c.placed);
  }
  if (isNum(vUsd)) value(vUsd, vAbove, 'dot-v', 'val-v');
  if (isNum(hUsd)) value(hUsd, !vAbove, 'dot-h', 'val-h');
}
