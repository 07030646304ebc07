/* Shared by every section: the JSON API calls, number formats, DOM and SVG helpers, timers. */

/*
 * Every figure the page shows comes from the same-origin JSON API (/api/compare, /api/curve,
 * /api/plan, /api/queue, /api/simulate, /api/fit, /api/catalogs, /api/quiz); the modules only
 * fetch, format, lay out and draw. No framework, no external URLs.
 */

/* ------------------------------------------------------------------ API access */

var controllers = {};
var errors = {};

function toQuery(pairs) {
  return pairs.map(function (p) {
    return encodeURIComponent(p[0]) + '=' + encodeURIComponent(p[1]);
  }).join('&');
}

/*
 * GET /api/<path>?<pairs>, or a POST of opts.body (a CSV catalog, sent as text/csv) where the
 * route takes one. A newer call with the same key aborts the older one, so only the latest answer
 * is ever rendered; with opts.latest it queues behind it instead (see latest below). Resolves to
 * the document, or to null when superseded or failed. A failure is reported in the page's banner,
 * or handed to opts.onError(message) by a section that shows its own errors beside its input.
 */
export function api(key, path, pairs, opts) {
  opts = opts || {};
  if (opts.latest) return latest(key, path, pairs, opts);
  if (controllers[key]) controllers[key].abort();
  var ctl = new AbortController();
  controllers[key] = ctl;
  var url = '/api/' + path + (pairs && pairs.length ? '?' + toQuery(pairs) : '');
  var init = { signal: ctl.signal, headers: { Accept: 'application/json' }, cache: 'no-store' };
  if (opts.body) {
    init.method = 'POST';
    init.body = opts.body;
    init.headers['Content-Type'] = 'text/csv';
  }
  function fail(msg) {
    if (opts.onError) opts.onError(msg); else setError(key, msg);
  }
  return fetch(url, init)
    .then(function (r) {
      return r.json().catch(function () { return null; }).then(function (body) {
        if (!r.ok) {
          var msg = body && body.error ? body.error : 'HTTP ' + r.status;
          throw new Error(msg);
        }
        return body;
      });
    })
    .then(function (body) {
      if (controllers[key] !== ctl) return null;
      delete controllers[key];
      setError(key, null);
      return body;
    }, function (err) {
      if (controllers[key] === ctl) delete controllers[key];
      if (err && err.name === 'AbortError') return null;
      fail((err && err.message) || 'request failed');
      return null;
    });
}

/*
 * For a control that moves faster than the answers come (the load slider): one call per key in
 * flight. A call made meanwhile waits, replacing the one waiting before it (which resolves to
 * null), and goes out as soon as the answer in flight is in. Aborting instead would starve a drag
 * whose moves come quicker than a round trip; queueing every move would fall behind it. Answers
 * arrive in the order asked, so each is newer than the one shown: none is stale when rendered.
 */
var flights = {};
function latest(key, path, pairs, opts) {
  var f = flights[key] || (flights[key] = { busy: false, next: null });
  var o = Object.assign({}, opts, { latest: false });
  return new Promise(function (resolve) {
    if (f.next) f.next.resolve(null);
    f.next = { path: path, pairs: pairs, opts: o, resolve: resolve };
    fly(f, key);
  });
}
function fly(f, key) {
  if (f.busy || !f.next) return;
  var call = f.next;
  f.next = null;
  f.busy = true;
  api(key, call.path, call.pairs, call.opts).then(function (d) {
    f.busy = false;
    fly(f, key); /* the next request goes out before this answer is rendered */
    call.resolve(d);
  });
}

function setError(key, msg) {
  if (msg) errors[key] = msg; else delete errors[key];
  var box = $('api-error');
  var keys = Object.keys(errors);
  if (!keys.length) { box.hidden = true; box.textContent = ''; return; }
  box.hidden = false;
  box.textContent = 'The server could not answer (' + keys[0].replace(/-.*/, '') + '): ' + errors[keys[0]];
}

/* ------------------------------------------------------------------ formatting */

export var NBSP = '\u00a0';
/* One formatter per precision, made once: building an Intl.NumberFormat costs more than using it. */
var formats = {};
export function nf(max, min) {
  var k = max + ',' + (min || 0);
  return formats[k] || (formats[k] = new Intl.NumberFormat('en-US',
    { maximumFractionDigits: max, minimumFractionDigits: min || 0 }));
}
export var NF0 = nf(0), NF1 = nf(1), NF2 = nf(2);

export function isNum(x) { return typeof x === 'number' && isFinite(x); }
export function fmtInt(n) { return isNum(n) ? NF0.format(n) : '—'; }
export function fmtNum(n) {
  if (!isNum(n)) return '—';
  if (Math.abs(n) >= 100) return NF0.format(n);
  if (Math.abs(n) >= 10) return NF1.format(n);
  return NF2.format(n);
}
export function fmtUSD(n) {
  if (!isNum(n)) return '—';
  if (Math.abs(n) >= 100 || n === Math.round(n)) return '$' + NF0.format(n);
  return '$' + nf(2, 2).format(n);
}
export function fmtPct(f, digits) {
  if (!isNum(f)) return '—';
  var p = f * 100, d = digits;
  if (d === undefined) d = p === 0 ? 0 : (Math.abs(p) < 1 ? 2 : (Math.abs(p) < 10 ? 1 : (Math.abs(p) >= 100 ? 0 : 1)));
  return nf(d).format(p) + NBSP + '%';
}
/* Availability: enough decimals to tell 99.5 % from 99.98 %. */
export function fmtAvail(a) {
  if (!isNum(a)) return '—';
  if (a >= 0.999999) return nf(5).format(a * 100) + NBSP + '%';
  if (a >= 0.99) return nf(3).format(a * 100) + NBSP + '%';
  return nf(1).format(a * 100) + NBSP + '%';
}
/* Why a fleet has its spares: the rule the workload names (auto sizes them to its target). */
export function sparesRule(w) {
  return w.spares === 'auto' ? 'the fewest that reach the ' + fmtAvail(w.availability_target) + ' target'
    : 'the ' + String(w.spares).toUpperCase() + ' rule';
}
/* The unavailable share of a 730-hour month, written as a duration. */
export function fmtDowntime(a) {
  if (!isNum(a)) return '—';
  var min = (1 - a) * 730 * 60;
  if (min < 1 / 60) return 'under a second';
  if (min < 1) return Math.round(min * 60) + NBSP + 's';
  if (min < 60) return NF0.format(min) + NBSP + 'min';
  if (min < 48 * 60) {
    var h = Math.floor(min / 60), m = Math.round(min - h * 60);
    if (m === 60) { h += 1; m = 0; }
    return h + NBSP + 'h' + (m ? ' ' + m + NBSP + 'min' : '');
  }
  return NF1.format(min / 60 / 24) + NBSP + 'days';
}
export function fmtLoadShort(n) {
  if (!isNum(n)) return '—';
  if (n >= 1e6) return nf(2).format(n / 1e6) + 'M';
  if (n >= 1e3) return nf(n >= 1e5 ? 0 : 1).format(n / 1e3) + 'K';
  return NF0.format(n);
}
export function fmtRps(n) { return fmtInt(n) + NBSP + 'req/s'; }
export function fmtSeconds(s) {
  if (!isNum(s)) return '—';
  if (s === 0) return '0' + NBSP + 's';
  if (s < 1e-3) return nf(1).format(s * 1e6) + NBSP + 'µs';
  if (s < 1) return nf(s < 0.01 ? 2 : (s < 0.1 ? 1 : 0)).format(s * 1e3) + NBSP + 'ms';
  if (s < 100) return nf(2).format(s) + NBSP + 's';
  return NF0.format(s) + NBSP + 's';
}
export function fmtRatio(r) {
  if (!isNum(r)) return '—';
  return (r >= 10 ? NF1.format(r) : NF2.format(r)) + '×';
}
var RESOURCE = { cpu: 'CPU', memory: 'memory', network: 'network', disk: 'disk' };
export function resName(r) { return RESOURCE[r] || String(r || '—'); }
export function plural(n, one, many) { return n === 1 ? one : many; }

/* ------------------------------------------------------------------ DOM helpers */

export function $(id) { return document.getElementById(id); }
export function el(tag, attrs, text) {
  var e = document.createElement(tag);
  if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}
var SVGNS = 'http://www.w3.org/2000/svg';
export function svg(tag, attrs, parent, text) {
  var e = document.createElementNS(SVGNS, tag);
  if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
  if (text !== undefined && text !== null) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}
export function clearSVG(node) {
  /* keep <title> and <desc>, drop the drawing */
  Array.prototype.slice.call(node.childNodes).forEach(function (c) {
    if (c.nodeName !== 'title' && c.nodeName !== 'desc') node.removeChild(c);
  });
}
/* A node's text and attributes, written only when they differ: a figure that stays as it was
 * costs no layout when the load moves. */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}
export function setAttr(node, name, value) {
  if (node.getAttribute(name) !== value) node.setAttribute(name, value);
}

/* Show a figure: text for people, the raw API number in data-value for tests. */
export function show(id, text, value, sub) {
  var e = $(id);
  if (!e) return;
  setText(e, text);
  if (value !== undefined) setAttr(e, 'data-value', value === null ? 'null' : String(value));
  var dd = e.parentNode;
  var old = dd.querySelector('.sub');
  if (old && sub) setText(old, sub);
  else if (old) dd.removeChild(old);
  else if (sub) dd.appendChild(el('span', { 'class': 'sub' }, sub));
}

/* Labels each body cell of a table with its column's heading, for the stacked phone layout
 * (table.stack in style.css). */
export function labelCells(table) {
  var heads = Array.prototype.map.call(table.querySelectorAll('thead th'), function (th) { return th.textContent; });
  Array.prototype.forEach.call(table.querySelectorAll('tbody tr'), function (tr) {
    Array.prototype.forEach.call(tr.children, function (c, i) {
      if (c.tagName === 'TD') c.setAttribute('data-label', heads[i] || '');
    });
  });
}

/* Moves an SVG text sideways, as little as it takes, so that it lies between x = lo and x = hi. */
export function fitText(t, lo, hi) {
  var b = t.getBBox(), dx = 0;
  if (b.x + b.width > hi) dx = hi - (b.x + b.width);
  if (b.x + dx < lo) dx = lo - b.x;
  if (dx) t.setAttribute('x', (Number(t.getAttribute('x')) + dx).toFixed(1));
  return t;
}

/*
 * Puts an SVG text at the first of its candidate places ({x, y, anchor}) where it stays inside
 * bounds ({x0, x1, y0, y1}) and clear of every box in placed, or at the first place when none is;
 * then adds its box to placed, so the labels of one chart never cover each other. The text is
 * measured once, at the first place: at the others its box is the same one moved, so trying a
 * place costs no layout of the page.
 */
export function placeText(t, candidates, bounds, placed) {
  function at(c) {
    t.setAttribute('x', c.x.toFixed(1));
    t.setAttribute('y', c.y.toFixed(1));
    t.setAttribute('text-anchor', c.anchor || 'start');
  }
  function lead(c, w) { return c.anchor === 'end' ? w : (c.anchor === 'middle' ? w / 2 : 0); }
  at(candidates[0]);
  var b0 = t.getBBox(), c0 = candidates[0];
  var dx = b0.x - (Number(c0.x.toFixed(1)) - lead(c0, b0.width)), dy = b0.y - Number(c0.y.toFixed(1));
  function boxAt(c) {
    return { x: Number(c.x.toFixed(1)) - lead(c, b0.width) + dx, y: Number(c.y.toFixed(1)) + dy,
      width: b0.width, height: b0.height };
  }
  function clear(b) {
    return b.x >= bounds.x0 && b.x + b.width <= bounds.x1 && b.y >= bounds.y0 && b.y + b.height <= bounds.y1 &&
      placed.every(function (o) {
        return b.x + b.width + 2 <= o.x || o.x + o.width + 2 <= b.x || b.y + b.height <= o.y || o.y + o.height <= b.y;
      });
  }
  var pick = candidates.filter(function (c) { return clear(boxAt(c)); })[0] || c0;
  if (pick !== c0) at(pick);
  placed.push(boxAt(pick));
  return t;
}

/* Draw at the element's own width so text keeps its size on a phone. */
export function chartSize(root, min, max) {
  var w = Math.round(root.getBoundingClientRect().width) || max;
  return Math.max(min, Math.min(max, w));
}

/* ------------------------------------------------------------------ timers */

/* Runs fn after ms, replacing what is pending under the same key (a debounce). */
var timers = {};
export function later(key, ms, fn) {
  clearTimeout(timers[key]);
  timers[key] = setTimeout(fn, ms);
}
