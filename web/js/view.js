/* The view state, kept in the page's URL (/?load=1m&catalog=cloud#quiz), and the documents shared. */
import { api } from './api.js';

/* ------------------------------------------------------------------ view state */

export var STATES = ['memory', 'sticky', 'store', 'token'];
export var SECTIONS = ['service', 'ceiling', 'futures', 'curves', 'state', 'capacity', 'quiz-section', 'next'];

/*
 * The workload of "Your service", by the API's own parameter names and defaults: a value equal to
 * the default is not sent, so the documents are the same as when the page leaves them out. The API
 * checks these values (service.js asks it); catalog=csv sends the pasted CSV as the body instead.
 */
export var SERVICE = ['cpu-ms', 'response-bytes', 'sessions', 'state', 'target-utilization', 'spares',
  'availability-target', 'slo', 'zones', 'catalog'];

export var DEFAULTS = {
  load: '10k', catalog: 'teaching', 'cpu-ms': '1', 'response-bytes': '2048', sessions: '0', state: 'token',
  'target-utilization': '0.7', spares: 'auto', 'availability-target': '0.9995', slo: '', zones: '1',
  'read-fraction': '0.9', util: '0.8', bounded: '0',
  'sim-state': 'memory', 'sim-servers': '4', 'sim-load': '2800', 'sim-crash': 'none', classroom: '0'
};
/* sim-load is the state section's traffic at 1 ms of work; its run scales it to the service's CPU
 * per request (stateless.js). classroom=1 is classroom mode (classroom.js). */
export var S = Object.assign({}, DEFAULTS);
S.section = '';
S['catalog-csv'] = '';

export function parseLoad(text) {
  var m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([kKmMgG]?)\s*$/.exec(String(text));
  if (!m) return NaN;
  var mult = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2].toLowerCase()];
  var n = parseFloat(m[1]) * mult;
  return n > 0 && n <= 1e12 ? n : NaN;
}

function inRange(lo, hi) {
  return function (v) {
    var n = Number(v);
    return v !== '' && isFinite(n) && n >= lo && n <= hi ? String(n) : null;
  };
}
function oneOf(list) {
  return function (v) { return list.indexOf(v) >= 0 ? v : null; };
}

/* The page's own keys: each reads a URL value into the view's form, or null when it cannot. */
var PAGE_KEYS = {
  load: function (v) { return isFinite(parseLoad(v)) ? v.toLowerCase() : null; },
  'read-fraction': inRange(0.5, 0.99),
  util: inRange(0.5, 1.25),
  bounded: oneOf(['0', '1']),
  'sim-state': oneOf(STATES),
  'sim-servers': oneOf(['2', '3', '4', '6', '8', '12', '16']),
  'sim-load': oneOf(['1400', '2800', '5600', '11200']),
  'sim-crash': oneOf(['none', '10-20', '10']),
  classroom: oneOf(['0', '1'])
};
var EXPECTED = {
  load: 'a load such as 2500, 10k or 1.5m', 'read-fraction': 'a share from 0.5 to 0.99',
  util: 'a utilisation from 0.5 to 1.25', bounded: '0 or 1', 'sim-state': STATES.join(', '),
  'sim-servers': '2, 3, 4, 6, 8, 12 or 16', 'sim-load': '1400, 2800, 5600 or 11200', 'sim-crash': 'none, 10-20 or 10',
  classroom: '0 or 1'
};

/*
 * Reads the view from the URL. Returns what it could not use, each {key, value, why}, so the page
 * can say so; and the service values for the API to check ([name, value] pairs), which it has
 * taken into the view already.
 */
export function readURL() {
  var q = new URLSearchParams(location.search), problems = [], toCheck = [];
  q.forEach(function (v, k) {
    if (PAGE_KEYS[k]) {
      var got = PAGE_KEYS[k](v);
      if (got === null) problems.push({ key: k, value: v, why: 'expected ' + EXPECTED[k] });
      else S[k] = got;
    } else if (k === 'catalog' && v === 'csv' && !S['catalog-csv'] && !/catalog-csv=/.test(location.hash)) {
      problems.push({ key: k, value: v, why: 'the link carries no pasted catalog' });
    } else if (SERVICE.indexOf(k) >= 0) {
      S[k] = v;
      toCheck.push([k, v]);
    } else {
      problems.push({ key: k, value: v, why: 'the page has no such setting' });
    }
  });
  readHash(true);
  return { problems: problems, toCheck: toCheck };
}

/*
 * The section the URL's #hash names (or none), and with withCatalog the pasted catalog it carries
 * after it (#capacity&catalog-csv=...): the fragment never reaches the server, so a catalog of any
 * size fits.
 */
export function readHash(withCatalog) {
  var parts = location.hash.replace(/^#/, '').split('&');
  S.section = SECTIONS.indexOf(parts[0]) >= 0 ? parts[0] : '';
  if (!withCatalog) return;
  parts.forEach(function (p) {
    if (p.indexOf('catalog-csv=') === 0) S['catalog-csv'] = decodeURIComponent(p.slice(12));
  });
}

export function writeURL() {
  var q = new URLSearchParams();
  q.set('load', S.load);
  q.set('catalog', S.catalog);
  Object.keys(DEFAULTS).forEach(function (k) {
    if (k !== 'load' && k !== 'catalog' && S[k] !== DEFAULTS[k]) q.set(k, S[k]);
  });
  var frag = [];
  if (S.section) frag.push(S.section);
  if (S.catalog === 'csv' && S['catalog-csv']) frag.push('catalog-csv=' + encodeURIComponent(S['catalog-csv']));
  var url = location.pathname + '?' + q.toString() + (frag.length ? '#' + frag.join('&') : '');
  if (url !== location.pathname + location.search + location.hash) {
    history.replaceState(null, '', url);
  }
}

export function loadValue() { return parseLoad(S.load); }

/* The service's values that differ from the API's defaults, as query pairs (the catalog by name). */
export function workloadPairs() {
  var p = S.catalog === 'csv' ? [] : [['catalog', S.catalog]];
  SERVICE.forEach(function (k) {
    if (k !== 'catalog' && S[k] !== DEFAULTS[k]) p.push([k, S[k]]);
  });
  return p;
}

/*
 * A compare, curve or plan call with the service's workload: the pairs given win over the
 * service's (the fix table sets its own state), and a pasted catalog goes as the CSV body.
 */
export function workloadApi(key, path, pairs, opts) {
  var given = pairs.map(function (p) { return p[0]; });
  var all = pairs.concat(workloadPairs().filter(function (p) { return given.indexOf(p[0]) < 0; }));
  var o = Object.assign({}, opts);
  if (S.catalog === 'csv') o.body = S['catalog-csv'];
  return api(key, path, all, o);
}

/* A string that changes whenever the service's workload does (for caches of documents). */
export function workloadKey() {
  return JSON.stringify(workloadPairs()) + (S.catalog === 'csv' ? S['catalog-csv'] : '');
}

/* ------------------------------------------------------------------ documents held */

/* The documents more than one section draws from: /api/catalogs, /api/compare, /api/plan. */
export var docs = { catalogs: null, compare: null, plan: null };

/*
 * The plans the page holds for the current workload, by load as the view writes it: what a move
 * of the slider finds here is drawn in the move's own frame, with no round trip. Every one is an
 * answer of /api/plan, asked with the same query as a move would ask it.
 */
var held = { key: '', plans: {} };

function planPairs(load) {
  var pairs = [['load', load]];
  if (S['read-fraction'] !== DEFAULTS['read-fraction']) pairs.push(['read-fraction', S['read-fraction']]);
  return pairs;
}
function heldKey() { return workloadKey() + '&read-fraction=' + S['read-fraction']; }
/* Keeps a plan asked under `key`, when that is still the workload. */
function hold(key, load, d) {
  if (key !== heldKey()) return;
  if (held.key !== key) held = { key: key, plans: {} };
  held.plans[load] = d;
}

/*
 * The load's plan, the one document a move of the load needs: its app part is the compare row of
 * the same load and workload, so docs.compare is made from it, not asked for again. A held plan
 * is used at once; otherwise one call is in flight, the newest move waiting (api's opts.latest).
 * Resolves to the plan, or to null when it failed, the workload has changed since, or a later call
 * has been answered first (so an answer that took long never replaces the figures of a newer load).
 */
var asked = 0, shown = 0;
export function loadPlan() {
  var seq = ++asked, key = heldKey(), load = S.load;
  var got = held.key === key && held.plans[load]
    ? Promise.resolve(held.plans[load])
    : workloadApi('plan', 'plan', planPairs(load), { latest: true }).then(function (d) {
      if (d) hold(key, load, d);
      return d;
    });
  return got.then(function (d) {
    if (!d || seq < shown || key !== heldKey()) return null;
    shown = seq;
    docs.plan = d;
    docs.compare = { catalog: d.catalog, workload: d.workload, rows: [d.app] };
    return d;
  });
}

/*
 * Asks for the plans of these loads that the page does not hold yet, two at a time, nearest the
 * shown load first as the caller orders them, and stops when the workload changes. Silent: a
 * failure leaves that load to be asked when it is chosen. Resolves when done or stopped.
 */
var prefetching = 0;
export function holdPlans(loads) {
  var gen = ++prefetching, key = heldKey(), i = 0;
  function next(slot) {
    while (i < loads.length && held.key === key && held.plans[loads[i]]) i++;
    if (gen !== prefetching || heldKey() !== key || i >= loads.length) return Promise.resolve();
    var load = loads[i++];
    return workloadApi('hold-' + slot, 'plan', planPairs(load), { onError: function () {} }).then(function (d) {
      if (d) hold(key, load, d);
      return next(slot);
    });
  }
  if (held.key !== key) held = { key: key, plans: {} };
  document.documentElement.removeAttribute('data-plans-held');
  return Promise.all([next(0), next(1)]).then(function () {
    /* a hook for tests and benchmarks: how many plans a drag finds held */
    if (gen === prefetching && heldKey() === key) {
      document.documentElement.setAttribute('data-plans-held', String(Object.keys(held.plans).length));
    }
  });
}

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
