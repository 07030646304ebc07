/* Section 2's two pictures, the box and the fleet, drawn to one scale: the same area is the same
 * number of vCPUs on both sides, so the reader can compare them by eye at every load. */
import { $, clearSVG, fmtInt, fmtRps, plural, svg } from './api.js';

/* Both drawings share this viewBox (index.html) and this compute area inside it. */
var W = 320, AREA = { x: 4, y: 50, w: 312, h: 186 };
var GAP = 0.2;        /* share of a fleet cell's pitch left empty between squares */
var MAX_PITCH = 64;   /* a fleet of two does not fill the panel with two giant squares */
var MAX_CELLS = 2000; /* up to this many servers each is its own square; beyond, groups */
var GROUPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

/* The grid of `cells` squares with the largest pitch that fits the area (at most MAX_PITCH). */
function gridFor(cells) {
  var best = { cols: 1, pitch: 0 };
  for (var cols = 1; cols <= cells; cols++) {
    var pitch = Math.min(AREA.w / cols, AREA.h / Math.ceil(cells / cols), MAX_PITCH);
    if (pitch >= best.pitch) best = { cols: cols, pitch: pitch };
    if (AREA.w / cols < best.pitch) break;
  }
  return best;
}

/* The servers per square: one, or the smallest round group that keeps the count drawable. */
function groupSize(servers) {
  return GROUPS.filter(function (k) { return servers / k <= MAX_CELLS; })[0] || Math.ceil(servers / MAX_CELLS);
}

/*
 * The shared scale, in viewBox units² per vCPU: the largest at which the fleet's grid fits the
 * area and the box (or boxes) fits it too. Each side then draws vCPUs × unit of area.
 */
export function layout(box, fleet) {
  var k = groupSize(fleet.servers);
  var cells = Math.ceil((fleet.servers - fleet.spares) / k) + Math.ceil(fleet.spares / k);
  var grid = gridFor(Math.max(1, cells));
  var side = grid.pitch * (1 - GAP);
  var unit = fleet.vcpu ? side * side / (k * fleet.vcpu) : Infinity;
  if (box.vcpu) {
    var n = Math.max(1, box.count), boxMax = Math.min(AREA.h, (AREA.w - (n - 1) * 12) / n);
    unit = Math.min(unit, boxMax * boxMax / box.vcpu);
  }
  if (!isFinite(unit)) unit = 1;
  return { unit: unit, group: k, cells: cells, cols: grid.cols };
}

/* Whether a drawing's inputs differ from those it was last drawn from (and notes them): most
 * steps of the slider leave the box, and often the fleet, as they were. */
function changed(root, inputs) {
  var key = JSON.stringify(inputs);
  if (root.__drawn === key) return false;
  root.__drawn = key;
  return true;
}

function counter(root, id, vcpu, text) {
  var t = svg('text', { x: 4, y: 16, 'class': 'vcpu-count', id: id, 'data-value': String(vcpu) }, root);
  svg('tspan', { 'class': 'vcpu-num' }, t, fmtInt(vcpu) + ' vCPU');
  svg('tspan', { 'class': 'label-muted', dx: 6 }, t, text);
}

/* The single box (or the box and its standby) at `unit`, or the largest box, crossed out. */
export function drawBox(scale, box, row) {
  var root = $('vertical-drawing');
  var v = row.vertical, n = Math.max(1, box.count);
  if (!changed(root, [scale.unit, box, v.feasible, v.instance, v.largest_instance, v.feasible || row.load_rps])) return;
  clearSVG(root);
  if (!box.vcpu) return;
  var side = Math.sqrt(scale.unit * box.vcpu);
  var total = n * side + (n - 1) * 12, x0 = (W - total) / 2;
  var y = AREA.y + (AREA.h - side) / 2;
  counter(root, 'vertical-vcpu', box.total,
    v.feasible ? (n > 1 ? 'in ' + n + ' boxes, one a standby' : 'in one box') : 'in the largest box: not enough');
  if (v.feasible) {
    for (var i = 0; i < n; i++) {
      svg('rect', {
        x: (x0 + i * (side + 12)).toFixed(2), y: y.toFixed(2), width: side.toFixed(2), height: side.toFixed(2),
        rx: Math.min(3, side / 6).toFixed(2), 'class': i ? 'box box-standby' : 'box', 'data-vcpu': String(box.vcpu)
      }, root);
    }
    svg('text', { x: W / 2, y: 256, 'text-anchor': 'middle' }, root,
      (n > 1 ? n + ' × ' : 'one ') + v.instance + ' · ' + fmtInt(box.vcpu) + ' vCPU');
    root.setAttribute('aria-label', 'One ' + v.instance + ' with ' + fmtInt(box.vcpu) +
      ' vCPU, drawn to the same scale as the fleet');
  } else {
    defs(root);
    svg('rect', { x: x0.toFixed(2), y: y.toFixed(2), width: side.toFixed(2), height: side.toFixed(2),
      'class': 'box-bad', 'data-vcpu': String(box.vcpu) }, root);
    var cx = W / 2, cy = y + side / 2, r = Math.min(46, side / 2.5), a = r * 0.6;
    svg('circle', { cx: cx, cy: cy, r: r, 'class': 'cross-bg' }, root);
    svg('path', { d: 'M' + (cx - a) + ' ' + (cy - a) + ' L' + (cx + a) + ' ' + (cy + a) +
      ' M' + (cx + a) + ' ' + (cy - a) + ' L' + (cx - a) + ' ' + (cy + a), 'class': 'cross' }, root);
    svg('text', { x: W / 2, y: 256, 'text-anchor': 'middle', 'class': 'label-bad' }, root,
      'even the largest, ' + v.largest_instance + ', is too small');
    root.setAttribute('aria-label', 'Impossible: no single machine serves ' + fmtRps(row.load_rps) +
      '; the largest, ' + v.largest_instance + ' with ' + fmtInt(box.vcpu) + ' vCPU, is drawn crossed out');
  }
}

function defs(root) {
  var d = svg('defs', null, root);
  var p = svg('pattern', { id: 'hatch', width: 10, height: 10, patternUnits: 'userSpaceOnUse',
    patternTransform: 'rotate(45)' }, d);
  svg('line', { x1: 0, y1: 0, x2: 0, y2: 10, 'class': 'hatch-line' }, p);
}

/* One subpath per square; a last, partial group is drawn with its share of the area. */
function squares(list, x0, y0, pitch, side, cols, from) {
  return list.map(function (frac, i) {
    var j = from + i, s = side * Math.sqrt(frac);
    var x = x0 + (j % cols) * pitch, y = y0 + Math.floor(j / cols) * pitch;
    return 'M' + x.toFixed(2) + ' ' + y.toFixed(2) + 'h' + s.toFixed(2) + 'v' + s.toFixed(2) +
      'h' + (-s).toFixed(2) + 'z';
  }).join('');
}

/* The share of a full group each cell holds: [1, 1, …, rest/k]. */
function shares(count, k) {
  var out = [];
  for (var left = count; left > 0; left -= k) out.push(Math.min(k, left) / k);
  return out;
}

/* The fleet at `unit`: one square per server (or per group of scale.group), spares last. */
export function drawFleet(scale, fleet, h) {
  var root = $('horizontal-drawing');
  if (!changed(root, [scale, fleet, h.instance])) return;
  clearSVG(root);
  var n = fleet.servers, k = scale.group;
  $('cell-note').textContent = !n ? '' : k > 1
    ? 'each square = ' + fmtInt(k) + ' servers (' + fmtInt(k * fleet.vcpu) + ' vCPU)'
    : 'each square = one ' + h.instance + ' (' + fmtInt(fleet.vcpu) + ' vCPU)';
  if (!n) return;
  counter(root, 'horizontal-vcpu', fleet.total, 'in ' + fmtInt(n) + ' ' + plural(n, 'box', 'boxes'));
  svg('rect', { x: W / 2 - 70, y: 26, width: 140, height: 18, rx: 4, 'class': 'lb' }, root);
  svg('text', { x: W / 2, y: 39, 'text-anchor': 'middle', 'class': 'on-dark' }, root, 'load balancer');
  var side = Math.sqrt(scale.unit * k * fleet.vcpu), pitch = side / (1 - GAP);
  var cols = Math.min(scale.cols, scale.cells), rows = Math.ceil(scale.cells / cols);
  var x0 = AREA.x + (AREA.w - cols * pitch + pitch - side) / 2;
  var y0 = AREA.y + (AREA.h - rows * pitch + pitch - side) / 2;
  var active = shares(n - fleet.spares, k), spare = shares(fleet.spares, k);
  var attrs = { 'data-side': side.toFixed(2), 'data-group': String(k), 'data-vcpu': String(fleet.vcpu) };
  svg('path', Object.assign({ d: squares(active, x0, y0, pitch, side, cols, 0), 'class': 'cell',
    'data-servers': String(n - fleet.spares) }, attrs), root);
  if (spare.length) {
    svg('path', Object.assign({ d: squares(spare, x0, y0, pitch, side, cols, active.length),
      'class': 'cell cell-spare', 'data-servers': String(fleet.spares) }, attrs), root);
  }
  root.setAttribute('data-cells', String(active.length + spare.length));
  root.setAttribute('aria-label', fmtInt(n) + ' servers of type ' + h.instance + ', of which ' +
    fmtInt(fleet.spares) + ' ' + plural(fleet.spares, 'is a spare', 'are spares') +
    (k > 1 ? '; each square stands for ' + fmtInt(k) + ' servers' : '') + ', drawn to the same scale as the box');
}
