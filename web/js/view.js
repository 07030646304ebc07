/* The view state, kept in the page's URL (/?load=1m&catalog=cloud#quiz), and the documents shared. */

/* ------------------------------------------------------------------ view state */

export var STATES = ['memory', 'sticky', 'store', 'token'];
var SPARES = ['auto', 'n+1', 'n+2', '2n'];
var TARGETS = ['0.5', '0.6', '0.7', '0.8', '0.9'];
var SIM_SERVERS = ['2', '3', '4', '6', '8', '12', '16'];
var SIM_LOADS = ['1400', '2800', '5600', '11200'];
var SIM_CRASHES = ['none', '10-20', '10'];
var ZONES = ['1', '2', '3'];
export var SECTIONS = ['ceiling', 'futures', 'curves', 'state', 'capacity', 'quiz-section', 'next'];

export var DEFAULTS = {
  load: '10k', catalog: 'teaching', spares: 'auto', 'target-utilization': '0.7', zones: '1',
  'read-fraction': '0.9', util: '0.8', bounded: '0',
  'sim-state': 'memory', 'sim-servers': '4', 'sim-load': '2800', 'sim-crash': 'none'
};
export var S = Object.assign({}, DEFAULTS);
S.section = '';

export function parseLoad(text) {
  var m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([kKmMgG]?)\s*$/.exec(String(text));
  if (!m) return NaN;
  var mult = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2].toLowerCase()];
  var n = parseFloat(m[1]) * mult;
  return n > 0 && n <= 1e12 ? n : NaN;
}

function inRange(text, lo, hi) {
  var n = Number(text);
  return text !== '' && isFinite(n) && n >= lo && n <= hi;
}

export function readURL() {
  var q = new URLSearchParams(location.search);
  var v = q.get('load');
  if (v && isFinite(parseLoad(v))) S.load = v.toLowerCase();
  v = q.get('catalog');
  if (['teaching', 'cloud', 'gcp', 'azure'].indexOf(v) >= 0) S.catalog = v;
  v = q.get('spares');
  if (v && SPARES.indexOf(v.toLowerCase()) >= 0) S.spares = v.toLowerCase();
  v = q.get('target-utilization');
  if (v && TARGETS.indexOf(String(Number(v))) >= 0) S['target-utilization'] = String(Number(v));
  v = q.get('zones');
  if (v && ZONES.indexOf(v) >= 0) S.zones = v;
  v = q.get('read-fraction');
  if (v && inRange(v, 0.5, 0.99)) S['read-fraction'] = String(Number(v));
  v = q.get('util');
  if (v && inRange(v, 0.5, 1.25)) S.util = String(Number(v));
  v = q.get('bounded');
  if (v === '1' || v === '0') S.bounded = v;
  v = q.get('sim-state');
  if (v && STATES.indexOf(v) >= 0) S['sim-state'] = v;
  v = q.get('sim-servers');
  if (v && SIM_SERVERS.indexOf(v) >= 0) S['sim-servers'] = v;
  v = q.get('sim-load');
  if (v && SIM_LOADS.indexOf(v) >= 0) S['sim-load'] = v;
  v = q.get('sim-crash');
  if (v && SIM_CRASHES.indexOf(v) >= 0) S['sim-crash'] = v;
  readHash();
}

/* The section the URL's #hash names, or none when it names something else. */
export function readHash() {
  var h = location.hash.replace(/^#/, '');
  S.section = SECTIONS.indexOf(h) >= 0 ? h : '';
}

export function writeURL() {
  var q = new URLSearchParams();
  q.set('load', S.load);
  q.set('catalog', S.catalog);
  Object.keys(DEFAULTS).forEach(function (k) {
    if (k !== 'load' && k !== 'catalog' && S[k] !== DEFAULTS[k]) q.set(k, S[k]);
  });
  var url = location.pathname + '?' + q.toString() + (S.section ? '#' + S.section : '');
  if (url !== location.pathname + location.search + location.hash) {
    history.replaceState(null, '', url);
  }
}

export function loadValue() { return parseLoad(S.load); }

/* Workload and catalog inputs shared by compare, curve and plan. */
export function workloadPairs() {
  var p = [['catalog', S.catalog]];
  if (S.spares !== DEFAULTS.spares) p.push(['spares', S.spares]);
  if (S['target-utilization'] !== DEFAULTS['target-utilization']) {
    p.push(['target-utilization', S['target-utilization']]);
  }
  if (S.zones !== DEFAULTS.zones) p.push(['zones', S.zones]);
  return p;
}

/* ------------------------------------------------------------------ documents held */

/* The documents more than one section draws from: /api/catalogs, /api/compare, /api/plan. */
export var docs = { catalogs: null, compare: null, plan: null };

/* The instance list of a catalog in /api/catalogs ("items", or "instances" when it is a list). */
export function catalogItems(catalogName) {
  if (!docs.catalogs || !Array.isArray(docs.catalogs.catalogs)) return [];
  var c = docs.catalogs.catalogs.filter(function (x) { return x.name === catalogName; })[0];
  if (!c) return [];
  if (Array.isArray(c.items)) return c.items;
  return Array.isArray(c.instances) ? c.instances : [];
}
export function findInstance(catalogName, name) {
  if (!name) return null;
  return catalogItems(catalogName).filter(function (i) { return i.name === name; })[0] || null;
}
