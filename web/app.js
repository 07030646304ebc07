/*
 * scalelab interactive module. Every figure shown comes from the same-origin JSON API
 * (/api/compare, /api/curve, /api/plan, /api/queue, /api/simulate, /api/catalogs, /api/quiz);
 * this script only fetches, formats, lays out and draws. No framework, no external URLs.
 */
'use strict';

(function () {
  /* ------------------------------------------------------------------ view state */

  var PRESETS = [
    { key: '1k', value: 1e3 }, { key: '10k', value: 1e4 }, { key: '100k', value: 1e5 },
    { key: '500k', value: 5e5 }, { key: '1m', value: 1e6 }
  ];
  var STATES = ['memory', 'sticky', 'store', 'token'];
  var SPARES = ['auto', 'n+1', 'n+2', '2n'];
  var TARGETS = ['0.5', '0.6', '0.7', '0.8', '0.9'];
  var SIM_SERVERS = ['2', '3', '4', '6', '8', '12', '16'];
  var SECTIONS = ['ceiling', 'futures', 'curves', 'state', 'capacity', 'quiz-section', 'next'];
  var QUEUE_K = '20';               /* places of the bounded queue in section 1 */
  var SIM_RPS_PER_SERVER = 700;     /* input of the demo: about 70 % of a 1 ms server */
  var SIM_REQUESTS = 100000;        /* well under the server-side cap */

  var DEFAULTS = {
    load: '10k', catalog: 'teaching', spares: 'auto', 'target-utilization': '0.7',
    'read-fraction': '0.9', util: '0.8', bounded: '0', state: 'memory', servers: '4', kill: '0'
  };
  var S = Object.assign({}, DEFAULTS);
  S.section = '';

  function parseLoad(text) {
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

  function readURL() {
    var q = new URLSearchParams(location.search);
    var v = q.get('load');
    if (v && isFinite(parseLoad(v))) S.load = v.toLowerCase();
    v = q.get('catalog');
    if (['teaching', 'cloud', 'gcp', 'azure'].indexOf(v) >= 0) S.catalog = v;
    v = q.get('spares');
    if (v && SPARES.indexOf(v.toLowerCase()) >= 0) S.spares = v.toLowerCase();
    v = q.get('target-utilization');
    if (v && TARGETS.indexOf(String(Number(v))) >= 0) S['target-utilization'] = String(Number(v));
    v = q.get('read-fraction');
    if (v && inRange(v, 0.5, 0.99)) S['read-fraction'] = String(Number(v));
    v = q.get('util');
    if (v && inRange(v, 0.5, 1.25)) S.util = String(Number(v));
    v = q.get('bounded');
    if (v === '1' || v === '0') S.bounded = v;
    v = q.get('state');
    if (v && STATES.indexOf(v) >= 0) S.state = v;
    v = q.get('servers');
    if (v && SIM_SERVERS.indexOf(v) >= 0) S.servers = v;
    v = q.get('kill');
    if (v === '1' || v === '0') S.kill = v;
    var h = location.hash.replace(/^#/, '');
    if (SECTIONS.indexOf(h) >= 0) S.section = h;
  }

  function writeURL() {
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

  /* ------------------------------------------------------------------ formatting */

  var NBSP = '\u00a0';
  function nf(max, min) {
    return new Intl.NumberFormat('en-US', { maximumFractionDigits: max, minimumFractionDigits: min || 0 });
  }
  var NF0 = nf(0), NF1 = nf(1), NF2 = nf(2);

  function isNum(x) { return typeof x === 'number' && isFinite(x); }
  function fmtInt(n) { return isNum(n) ? NF0.format(n) : '—'; }
  function fmtNum(n) {
    if (!isNum(n)) return '—';
    if (Math.abs(n) >= 100) return NF0.format(n);
    if (Math.abs(n) >= 10) return NF1.format(n);
    return NF2.format(n);
  }
  function fmtUSD(n) {
    if (!isNum(n)) return '—';
    if (Math.abs(n) >= 100 || n === Math.round(n)) return '$' + NF0.format(n);
    return '$' + nf(2, 2).format(n);
  }
  function fmtPct(f, digits) {
    if (!isNum(f)) return '—';
    var p = f * 100, d = digits;
    if (d === undefined) d = p === 0 ? 0 : (Math.abs(p) < 1 ? 2 : (Math.abs(p) < 10 ? 1 : (Math.abs(p) >= 100 ? 0 : 1)));
    return nf(d).format(p) + NBSP + '%';
  }
  /* Availability: enough decimals to tell 99.5 % from 99.98 %. */
  function fmtAvail(a) {
    if (!isNum(a)) return '—';
    if (a >= 0.999999) return nf(5).format(a * 100) + NBSP + '%';
    if (a >= 0.99) return nf(3).format(a * 100) + NBSP + '%';
    return nf(1).format(a * 100) + NBSP + '%';
  }
  /* The unavailable share of a 730-hour month, written as a duration. */
  function fmtDowntime(a) {
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
  function fmtLoadShort(n) {
    if (!isNum(n)) return '—';
    if (n >= 1e6) return nf(2).format(n / 1e6) + 'M';
    if (n >= 1e3) return nf(n >= 1e5 ? 0 : 1).format(n / 1e3) + 'K';
    return NF0.format(n);
  }
  function fmtRps(n) { return fmtInt(n) + NBSP + 'req/s'; }
  function fmtSeconds(s) {
    if (!isNum(s)) return '—';
    if (s === 0) return '0' + NBSP + 's';
    if (s < 1e-3) return nf(1).format(s * 1e6) + NBSP + 'µs';
    if (s < 1) return nf(s < 0.01 ? 2 : (s < 0.1 ? 1 : 0)).format(s * 1e3) + NBSP + 'ms';
    if (s < 100) return nf(2).format(s) + NBSP + 's';
    return NF0.format(s) + NBSP + 's';
  }
  function fmtRatio(r) {
    if (!isNum(r)) return '—';
    return (r >= 10 ? NF1.format(r) : NF2.format(r)) + '×';
  }
  var RESOURCE = { cpu: 'CPU', memory: 'memory', network: 'network', disk: 'disk' };
  function resName(r) { return RESOURCE[r] || String(r || '—'); }
  function plural(n, one, many) { return n === 1 ? one : many; }

  /* ------------------------------------------------------------------ DOM helpers */

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  var SVGNS = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, parent, text) {
    var e = document.createElementNS(SVGNS, tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function clearSVG(node) {
    /* keep <title> and <desc>, drop the drawing */
    Array.prototype.slice.call(node.childNodes).forEach(function (c) {
      if (c.nodeName !== 'title' && c.nodeName !== 'desc') node.removeChild(c);
    });
  }
  /* Show a figure: text for people, the raw API number in data-value for tests. */
  function show(id, text, value, sub) {
    var e = $(id);
    if (!e) return;
    e.textContent = text;
    if (value !== undefined) e.setAttribute('data-value', value === null ? 'null' : String(value));
    var dd = e.parentNode;
    var old = dd.querySelector('.sub');
    if (old) dd.removeChild(old);
    if (sub) dd.appendChild(el('span', { 'class': 'sub' }, sub));
  }

  /* ------------------------------------------------------------------ API access */

  var controllers = {};
  var errors = {};

  function toQuery(pairs) {
    return pairs.map(function (p) {
      return encodeURIComponent(p[0]) + '=' + encodeURIComponent(p[1]);
    }).join('&');
  }

  /*
   * GET /api/<path>?<pairs>. A newer call with the same key aborts the older one, so only the
   * latest answer is ever rendered. Resolves to the document, or to null when superseded.
   */
  function api(key, path, pairs) {
    if (controllers[key]) controllers[key].abort();
    var ctl = new AbortController();
    controllers[key] = ctl;
    var url = '/api/' + path + (pairs && pairs.length ? '?' + toQuery(pairs) : '');
    return fetch(url, { signal: ctl.signal, headers: { Accept: 'application/json' }, cache: 'no-store' })
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
        setError(key, (err && err.message) || 'request failed');
        return null;
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

  /* Workload and catalog inputs shared by compare, curve and plan. */
  function workloadPairs() {
    var p = [['catalog', S.catalog]];
    if (S.spares !== DEFAULTS.spares) p.push(['spares', S.spares]);
    if (S['target-utilization'] !== DEFAULTS['target-utilization']) {
      p.push(['target-utilization', S['target-utilization']]);
    }
    return p;
  }

  /* ------------------------------------------------------------------ documents held */

  var catalogsDoc = null, compareDoc = null, planDoc = null, curveDoc = null, fixDocs = null;

  /* The instance list of a catalog in /api/catalogs ("items", or "instances" when it is a list). */
  function catalogItems(catalogName) {
    if (!catalogsDoc || !Array.isArray(catalogsDoc.catalogs)) return [];
    var c = catalogsDoc.catalogs.filter(function (x) { return x.name === catalogName; })[0];
    if (!c) return [];
    if (Array.isArray(c.items)) return c.items;
    return Array.isArray(c.instances) ? c.instances : [];
  }
  function findInstance(catalogName, name) {
    if (!name) return null;
    return catalogItems(catalogName).filter(function (i) { return i.name === name; })[0] || null;
  }
  function largestVcpu(catalogName) {
    var items = catalogItems(catalogName);
    if (!items.length) return null;
    return items.reduce(function (m, i) { return Math.max(m, i.vcpu); }, 0);
  }

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

  function loadQueue() {
    var pairs = [['servers', '1'], ['service-ms', '1'], ['utilization', S.util]];
    if (S.bounded === '1') pairs.push(['queue', QUEUE_K]);
    return api('queue', 'queue', pairs).then(function (d) { if (d) renderQueue(d); return d; });
  }

  function renderQueue(d) {
    var u = d.utilization, bounded = d.queue_capacity !== null && d.queue_capacity !== undefined;
    var band = utilBand(u, bounded, d.stable);
    var b = $('queue-band');
    b.setAttribute('data-band', band);
    b.textContent = fmtPct(u, 0) + ' busy · ' + BAND_TEXT[band];

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

  /* Draw at the element's own width so text keeps its size on a phone. */
  function chartSize(root, min, max) {
    var w = Math.round(root.getBoundingClientRect().width) || max;
    return Math.max(min, Math.min(max, w));
  }

  var queueDoc = null;
  function drawQueueChart(d) {
    queueDoc = d;
    var root = $('queue-chart');
    clearSVG(root);
    var W = chartSize(root, 300, 760), narrow = W < 520;
    var H = narrow ? 240 : 280, L = narrow ? 52 : 62, R = 54, T = 16, B = 36;
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
      svg('text', { x: X(u), y: H - B + 16, 'text-anchor': 'middle' }, root, Math.round(u * 100) + '%');
    });
    svg('text', { x: (L + W - R) / 2, y: H - 4, 'text-anchor': 'middle' }, root, 'utilisation (offered load ÷ capacity)');
    svg('text', { x: 12, y: T + (H - T - B) / 2, transform: 'rotate(-90 12 ' + (T + (H - T - B) / 2) + ')', 'text-anchor': 'middle' }, root, 'response ÷ work');
    svg('line', { x1: L, x2: L, y1: T, y2: H - B, 'class': 'axis' }, root);
    svg('line', { x1: L, x2: W - R, y1: H - B, y2: H - B, 'class': 'axis' }, root);

    /* the response-multiple series, broken where the model says "no limit" */
    var pts = [];
    table.forEach(function (r) {
      if (isNum(r.response_multiple)) {
        pts.push(X(r.utilization).toFixed(1) + ',' + Y(r.response_multiple).toFixed(1));
      } else {
        svg('text', { x: X(r.utilization), y: T + 32, 'text-anchor': 'middle', 'class': 'inf' }, root, '∞');
      }
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

    $('queue-chart-desc').textContent = 'Mean response as a multiple of the work time: ' + table.map(function (r) {
      return fmtPct(r.utilization, 1) + ' busy ' + (isNum(r.response_multiple) ? fmtNum(r.response_multiple) + '×' : 'no limit') +
        (r.drop_probability > 0 ? ' (' + fmtPct(r.drop_probability) + ' dropped)' : '');
    }).join('; ') + '.';
  }

  /* ------------------------------------------------------------------ section 1: resources */

  function renderResources(plan) {
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

  /* ------------------------------------------------------------------ section 2: two futures */

  function loadValue() { return parseLoad(S.load); }

  function loadCompare() {
    var pairs = [['load', S.load]].concat(workloadPairs());
    setBusy(['vertical-panel', 'horizontal-panel'], true);
    return api('compare', 'compare', pairs).then(function (d) {
      if (!d) return null;
      compareDoc = d;
      setBusy(['vertical-panel', 'horizontal-panel'], false);
      renderFutures(d);
      renderCurve();
      return d;
    });
  }

  function setBusy(ids, on) {
    ids.forEach(function (id) { var e = $(id); if (e) e.setAttribute('aria-busy', on ? 'true' : 'false'); });
  }

  function verdictTexts(row) {
    var v = row.vertical, h = row.horizontal, r = row.cost_ratio;
    var out = { v: '', h: '', vKind: 'neutral', hKind: 'neutral' };
    switch (row.verdict) {
    case 'vertical_impossible':
      out.v = 'No single machine can serve ' + fmtRps(row.load_rps) + '. The largest, ' + v.largest_instance +
        ', serves at most ' + fmtRps(v.max_rps) + '.';
      out.vKind = 'impossible';
      out.h = 'The only way: ' + fmtInt(h.servers) + ' machines carry it.';
      out.hKind = 'cheaper';
      break;
    case 'vertical_cheaper':
      out.v = 'Cheaper here: the one box costs ' + fmtPct(r, 0) + ' of the fleet’s bill.';
      out.vKind = 'cheaper';
      out.h = 'Costs more at this load, but keeps serving when one box fails.';
      break;
    case 'horizontal_cheaper':
      out.v = 'Dearer here: ' + fmtRatio(r) + ' the fleet’s monthly bill.';
      out.h = 'Cheaper here, and it keeps serving when one box fails.';
      out.hKind = 'cheaper';
      break;
    case 'about_even':
      out.v = 'About even on cost (' + fmtRatio(r) + ' the fleet). Simpler to run.';
      out.h = 'About even on cost. Survives a failed box.';
      break;
    default:
      out.v = 'Neither plan can serve ' + fmtRps(row.load_rps) + ' with this catalog.';
      out.h = out.v;
      out.vKind = 'impossible';
      out.hKind = 'impossible';
    }
    if (!h.feasible && row.verdict !== 'neither') {
      out.h = 'No fleet of one instance type in this catalog serves this load.';
      out.hKind = 'impossible';
    }
    return out;
  }

  function verdictSentence(d, row) {
    var v = row.vertical, h = row.horizontal, L = fmtRps(row.load_rps);
    var fleet = fmtInt(h.servers) + ' × ' + h.instance;
    switch (row.verdict) {
    case 'vertical_impossible':
      return 'At ' + L + ' only one path is left. No machine in the ' + d.catalog.name + ' catalog can take it: the biggest, ' +
        v.largest_instance + ', tops out at ' + fmtRps(v.max_rps) + '. The fleet does it with ' + fleet +
        ' behind a load balancer for ' + fmtUSD(h.monthly_usd) + ' a month.';
    case 'vertical_cheaper':
      return 'At ' + L + ' both paths work and one ' + v.instance + ' is the cheaper: ' + fmtUSD(v.monthly_usd) +
        ' a month against ' + fmtUSD(h.monthly_usd) + ' for ' + fleet + ' and a balancer. What the fleet buys with the difference is redundancy: ' +
        'the lone box is down about ' + fmtDowntime(v.availability) + ' a month, the fleet short of capacity about ' +
        fmtDowntime(h.availability) + '.';
    case 'about_even':
      return 'At ' + L + ' the two bills are close: ' + fmtUSD(v.monthly_usd) + ' for one ' + v.instance + ', ' +
        fmtUSD(h.monthly_usd) + ' for ' + fleet + ' with a balancer. Here the choice is about simplicity against redundancy, not money.';
    case 'horizontal_cheaper':
      return 'At ' + L + ' the fleet wins on price: ' + fleet + ' cost ' + fmtUSD(h.monthly_usd) + ' a month, the single ' +
        v.instance + ' costs ' + fmtUSD(v.monthly_usd) + ', ' + fmtRatio(row.cost_ratio) +
        ' as much. The catch: every request must be servable by any of the ' + fmtInt(h.servers) + ' machines (section 4).';
    default:
      return 'At ' + L + ' neither plan fits this catalog.';
    }
  }

  function renderFutures(d) {
    var row = d.rows && d.rows[0];
    if (!row) return;
    var v = row.vertical, h = row.horizontal;
    var vt = verdictTexts(row);

    /* vertical */
    $('vertical-panel').setAttribute('data-feasible', v.feasible ? 'true' : 'false');
    var vinfo = findInstance(d.catalog.name, v.feasible ? v.instance : v.largest_instance);
    show('vertical-servers', v.feasible ? fmtInt(v.servers) : 'none', v.servers,
      v.feasible ? 'no spare: one point of failure' : null);
    show('vertical-instance', v.feasible ? v.instance : 'none', undefined,
      v.feasible ? (vinfo ? vinfo.vcpu + ' vCPU, ' + fmtInt(vinfo.mem_gib) + ' GiB' : null)
        : 'largest is ' + v.largest_instance);
    $('vertical-instance').setAttribute('data-value', v.feasible ? v.instance : 'null');
    show('vertical-cost', v.feasible ? fmtUSD(v.monthly_usd) : '—', v.monthly_usd,
      v.feasible ? 'per month' : 'no machine to buy');
    per1k('vertical-per1k', v);
    show('vertical-util', fmtPct(v.utilization, 0), v.utilization,
      v.feasible ? 'of its ' + resName(v.binding) : 'the largest box would need this much ' + resName(v.binding));
    show('vertical-binding', resName(v.binding), undefined, v.feasible ? 'runs out first' : null);
    $('vertical-binding').setAttribute('data-value', v.binding);
    var target = d.workload.availability_target;
    if (v.feasible) {
      show('vertical-availability', fmtAvail(v.availability), v.availability,
        'down about ' + fmtDowntime(v.availability) + ' a month; ' +
        (v.meets_target ? 'meets' : 'below') + ' the ' + fmtAvail(target) + ' target' +
        (v.meets_target ? '' : (v.standby ? '' : ' (one box alone cannot)')));
      show('vertical-p99', fmtSeconds(v.p99_response_s), v.p99_response_s,
        'p50 ' + fmtSeconds(v.p50_response_s) + ' · ' + v.instance + ' at its load');
      show('vertical-total', fmtUSD(v.total_monthly_usd), v.total_monthly_usd,
        'box ' + fmtUSD(v.bill.servers_usd) + ' + database ' + fmtUSD(v.bill.database_usd));
    } else {
      show('vertical-availability', '—', null, 'nothing to run');
      show('vertical-p99', '—', null, null);
      show('vertical-total', '—', null, null);
    }
    var vv = $('vertical-verdict');
    vv.textContent = vt.v;
    vv.setAttribute('data-verdict', vt.vKind);
    drawVertical(d, row, vinfo);

    /* horizontal */
    var hinfo = findInstance(d.catalog.name, h.instance);
    show('horizontal-servers', fmtInt(h.servers), h.servers,
      h.feasible ? fmtInt(h.needed) + ' needed + ' + fmtInt(h.spares) + ' ' + plural(h.spares, 'spare', 'spares') : null);
    show('horizontal-instance', h.instance || 'none', undefined,
      h.feasible ? (hinfo ? hinfo.vcpu + ' vCPU each, ' : '') + fmtNum(h.usable_rps_per_server) + ' req/s usable each' : null);
    $('horizontal-instance').setAttribute('data-value', h.instance || 'null');
    var parts = 'machines ' + fmtUSD(h.servers_usd) + ' + balancer ' + fmtUSD(h.lb_usd) +
      (h.store ? ' + store ' + fmtUSD(h.store.monthly_usd) : '');
    show('horizontal-cost', h.feasible ? fmtUSD(h.monthly_usd) : '—', h.monthly_usd, h.feasible ? parts + ' per month' : null);
    per1k('horizontal-per1k', h);
    show('horizontal-util', fmtPct(h.utilization, 0), h.utilization, 'each, with all ' + fmtInt(h.servers) + ' up');
    show('horizontal-binding', resName(h.binding), undefined, 'runs out first');
    $('horizontal-binding').setAttribute('data-value', h.binding);
    show('horizontal-availability', fmtAvail(h.availability), h.availability,
      'short of capacity about ' + fmtDowntime(h.availability) + ' a month with ' + fmtInt(h.spares) + ' ' +
      plural(h.spares, 'spare', 'spares') + '; ' + (h.meets_target ? 'meets' : 'below') + ' the ' +
      fmtAvail(target) + ' target');
    if (h.feasible) {
      show('horizontal-p99', fmtSeconds(h.p99_response_s), h.p99_response_s,
        'p50 ' + fmtSeconds(h.p50_response_s) + ' · each ' + h.instance + ' at its share');
      show('horizontal-total', fmtUSD(h.total_monthly_usd), h.total_monthly_usd,
        'machines ' + fmtUSD(h.bill.servers_usd) + ' + balancer ' + fmtUSD(h.bill.lb_usd) +
        (h.bill.store_usd ? ' + store ' + fmtUSD(h.bill.store_usd) : '') + ' + database ' +
        fmtUSD(h.bill.database_usd));
    } else {
      show('horizontal-p99', '—', null, null);
      show('horizontal-total', '—', null, null);
    }
    var hv = $('horizontal-verdict');
    hv.textContent = vt.h;
    hv.setAttribute('data-verdict', vt.hKind);
    drawHorizontal(h);

    $('verdict-sentence').textContent = verdictSentence(d, row);
    /* hooks for tests and benchmarks: which load and catalog the panels show now */
    ['vertical-panel', 'horizontal-panel'].forEach(function (id) {
      $(id).setAttribute('data-load-rps', String(row.load_rps));
      $(id).setAttribute('data-catalog', d.catalog.name);
    });
  }

  function per1k(id, plan) {
    if (!('usd_per_1k_rps' in plan)) {
      show(id, 'n/a', null, 'not in this API version');
    } else if (isNum(plan.usd_per_1k_rps)) {
      show(id, fmtUSD(plan.usd_per_1k_rps), plan.usd_per_1k_rps, 'a month for each 1,000 req/s');
    } else {
      show(id, '—', null);
    }
  }

  function hatchDefs(root) {
    var defs = svg('defs', null, root);
    var p = svg('pattern', { id: 'hatch', width: 10, height: 10, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' }, defs);
    svg('line', { x1: 0, y1: 0, x2: 0, y2: 10, 'class': 'hatch-line' }, p);
  }

  /* The single box, side proportional to the square root of its vCPUs (area ∝ vCPU). */
  function drawVertical(d, row, info) {
    var root = $('vertical-drawing');
    clearSVG(root);
    hatchDefs(root);
    var v = row.vertical;
    var maxV = largestVcpu(d.catalog.name);
    var big = 180, floor = 212, cx = 150;
    svg('rect', { x: cx - big / 2, y: floor - big, width: big, height: big, 'class': 'frame' }, root);
    svg('text', { x: cx, y: floor - big - 7, 'text-anchor': 'middle', 'class': 'label-muted' }, root,
      'dashed: the largest machine' + (maxV ? ' (' + maxV + ' vCPU)' : ''));
    if (v.feasible) {
      var side = info && maxV ? Math.max(6, big * Math.sqrt(info.vcpu / maxV)) : big / 3;
      svg('rect', { x: cx - side / 2, y: floor - side, width: side, height: side, rx: 3, 'class': 'box' }, root);
      svg('text', { x: cx, y: floor + 20, 'text-anchor': 'middle' }, root,
        v.instance + (info ? ' · ' + info.vcpu + ' vCPU' : ''));
      root.setAttribute('aria-label', 'One ' + v.instance + (info ? ' with ' + info.vcpu + ' vCPU' : '') +
        ', drawn to scale against the largest machine of the catalog');
    } else {
      svg('rect', { x: cx - big / 2, y: floor - big, width: big, height: big, 'class': 'box-bad' }, root);
      var my = floor - big / 2;
      svg('circle', { cx: cx, cy: my, r: 46, 'class': 'cross-bg' }, root);
      svg('path', { d: 'M' + (cx - 28) + ' ' + (my - 28) + ' L' + (cx + 28) + ' ' + (my + 28) +
        ' M' + (cx + 28) + ' ' + (my - 28) + ' L' + (cx - 28) + ' ' + (my + 28), 'class': 'cross' }, root);
      svg('text', { x: cx, y: floor + 20, 'text-anchor': 'middle', 'class': 'label-bad' }, root,
        'even the largest machine is too small');
      root.setAttribute('aria-label', 'Impossible: no single machine serves ' + fmtRps(row.load_rps));
    }
  }

  /* The fleet: one square per server (or per k servers above 400), spares in their own colour. */
  function drawHorizontal(h) {
    var root = $('horizontal-drawing');
    clearSVG(root);
    var W = 300, H = 240, top = 30, pad = 4;
    var n = h.servers || 0, spares = h.spares || 0;
    var k = n > 400 ? Math.ceil(n / 400) : 1;
    var cells = Math.ceil(n / k), spareCells = Math.ceil(spares / k);
    $('cell-note').textContent = k > 1 ? '· each square = ' + k + ' servers' : '· each square = 1 server';
    if (!n) return;
    svg('rect', { x: W / 2 - 70, y: 2, width: 140, height: 18, rx: 4, 'class': 'lb' }, root);
    svg('text', { x: W / 2, y: 15, 'text-anchor': 'middle', 'class': 'on-dark' }, root, 'load balancer');
    var aw = W - 2 * pad, ah = H - top - pad;
    var cols = Math.max(1, Math.ceil(Math.sqrt(cells * aw / ah)));
    var rows = Math.ceil(cells / cols);
    var size = Math.min(aw / cols, ah / rows, 48);
    var gap = Math.max(1, size * 0.18);
    var x0 = pad + (aw - cols * size) / 2;
    var y0 = top + Math.max(0, (ah - rows * size) / 2 - 10);
    for (var i = 0; i < cells; i++) {
      var c = i % cols, r = Math.floor(i / cols);
      svg('rect', {
        x: (x0 + c * size).toFixed(2), y: (y0 + r * size).toFixed(2),
        width: (size - gap).toFixed(2), height: (size - gap).toFixed(2), rx: Math.min(3, size / 6).toFixed(2),
        'class': i >= cells - spareCells ? 'cell cell-spare' : 'cell'
      }, root);
    }
    root.setAttribute('aria-label', fmtInt(n) + ' servers of type ' + h.instance + ', of which ' + fmtInt(spares) +
      ' ' + plural(spares, 'is a spare', 'are spares') + (k > 1 ? '; each square stands for ' + k + ' servers' : ''));
  }

  /* ------------------------------------------------------------------ section 3: curves */

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

  function loadCurve() {
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

  function renderCurve() {
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
    var row = compareDoc && compareDoc.catalog.name === curveDoc.catalog.name ? compareDoc.rows[0] : null;
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

  /* ------------------------------------------------------------------ section 4: state */

  function simPairs() {
    var servers = Number(S.servers);
    var load = servers * SIM_RPS_PER_SERVER;
    var pairs = [['servers', S.servers], ['load', String(load)], ['service-ms', '1'],
      ['requests', String(SIM_REQUESTS)], ['state', S.state], ['lb', S.state === 'sticky' ? 'sticky' : 'rr'], ['seed', '1'],
      ['lock-fraction', '0.2'], ['lock-keys', '100']];
    if (S.kill === '1') {
      var run = SIM_REQUESTS / load;
      pairs.push(['fail', '1@' + (Math.round(run * 3) / 10) + 's-' + (Math.round(run * 6) / 10) + 's']);
    }
    return pairs;
  }

  function runSim() {
    var box = $('sim-results');
    box.setAttribute('aria-busy', 'true');
    $('sim-run').disabled = true;
    return api('sim', 'simulate', simPairs()).then(function (d) {
      $('sim-run').disabled = false;
      if (!d) return null;
      box.setAttribute('aria-busy', 'false');
      renderSim(d);
      return d;
    });
  }

  function renderSim(d) {
    var st = d.state, inp = d.inputs;
    var failSpec = simPairs().filter(function (p) { return p[0] === 'fail'; })[0];
    $('sim-setup').textContent = fmtInt(inp.servers) + ' servers, ' + fmtRps(inp.load_rps) + ' arriving, ' +
      fmtSeconds(inp.service_s) + ' of work each, ' + fmtInt(inp.requests) + ' requests from ' + fmtInt(inp.sessions) +
      ' users (' + fmtPct(inp.lock_fraction, 0) + ' of requests lock one of ' + fmtInt(inp.lock_keys) +
      ' seats), balancer: ' + (inp.lb === 'sticky' ? 'sticky' : 'round robin') + ', seed ' + d.seed +
      (d.inputs.failures ? '; server 1 crashes at ' + failSpec[1].replace(/^1@/, '').replace('-', ' and comes back empty at ') : '') + '.';
    show('sim-lost', fmtInt(st.sessions_lost), st.sessions_lost,
      st.sessions_destroyed ? fmtInt(st.sessions_destroyed) + ' died with the crashed server' : null);
    show('sim-lost-fraction', fmtPct(st.lost_fraction), st.lost_fraction,
      st.session_requests ? 'of ' + fmtInt(st.session_requests) + ' returning requests' : 'sessions are not kept on the servers');
    show('sim-counter', fmtPct(st.counter_error), st.counter_error,
      st.counter_error > 0 ? 'each server counts only what it saw' : 'one counter, in the right place');
    show('sim-double', fmtInt(st.lock_violations), st.lock_violations,
      'of ' + fmtInt(st.locks_taken) + ' locks taken' + (st.lock_conflicts ? ', ' + fmtInt(st.lock_conflicts) + ' correctly refused' : ''));
    show('sim-failed', fmtInt(d.failed), d.failed, d.inputs.failures ? 'in flight when it died' : 'no crash in this run');

    var s;
    switch (st.mode) {
    case 'memory':
      s = 'With state in each server’s own memory, ' + fmtPct(st.lost_fraction, 0) + ' of returning requests reached a server that had never seen their session, ' +
        'and each server’s counter missed ' + fmtPct(st.counter_error, 0) + ' of the traffic.';
      break;
    case 'sticky':
      s = st.sessions_lost
        ? 'Sticky routing kept users on their server until it crashed: ' + fmtInt(st.sessions_lost) + ' sessions were lost with it, and the counters are still split (' + fmtPct(st.counter_error, 0) + ' off).'
        : 'Sticky routing finds every session again (0 lost), but the counters are still split across servers (' + fmtPct(st.counter_error, 0) + ' off), and a crash would take its users’ sessions along. Try “Kill a server mid-run”.';
      break;
    case 'store':
      s = 'With a shared store nothing depends on which server answers: ' + fmtInt(st.sessions_lost) + ' sessions lost, counter ' + fmtPct(st.counter_error, 0) +
        ' off. The price is a round trip per operation: the store ran ' + fmtPct(st.store_utilization, 0) + ' busy and added ' + fmtSeconds(st.store_mean_delay_s) + ' per request.';
      break;
    case 'token':
      s = 'The session travels with each request in a signed token, so any server can read it: ' + fmtInt(st.sessions_lost) +
        ' sessions lost. But a token belongs to one user: the shared counter and the seat locks still live in each server, so ' +
        fmtPct(st.counter_error, 0) + ' of the count is missing and ' + fmtInt(st.lock_violations) +
        ' seats were booked twice. Shared state needs a shared store.';
      break;
    default:
      s = '';
    }
    $('sim-summary').textContent = s;

    var list = $('sim-servers-bars');
    list.textContent = '';
    var maxShare = d.servers.reduce(function (m, x) { return Math.max(m, x.share); }, 0) || 1;
    d.servers.forEach(function (x) {
      var down = d.inputs.failures && x.id === 1;
      var li = el('li', { 'data-failed': down ? 'true' : 'false' });
      li.appendChild(el('span', null, 'server ' + x.id + (down ? ' ✗' : '')));
      var bar = el('span', { 'class': 'bar' });
      var fill = el('span', { 'class': 'bar-fill' });
      fill.style.width = (x.share / maxShare * 100) + '%';
      bar.appendChild(fill);
      li.appendChild(bar);
      li.appendChild(el('span', { 'class': 'bar-value' }, fmtPct(x.share, 1) + ' of requests · ' + fmtPct(x.utilization, 0) + ' busy'));
      list.appendChild(li);
    });
  }

  var FIX_LABEL = { memory: 'app memory', sticky: 'memory + sticky routing', store: 'shared store', token: 'signed token' };

  function loadFixes() {
    $('fix-load').textContent = fmtRps(loadValue());
    var base = [['load', S.load]].concat(workloadPairs());
    return Promise.all(STATES.map(function (st) {
      return api('fix-' + st, 'plan', base.concat([['state', st]]));
    })).then(function (docs) {
      if (docs.some(function (x) { return !x; })) return null;
      fixDocs = docs;
      renderFixes();
      return docs;
    });
  }

  function renderFixes() {
    if (!fixDocs) return;
    var tb = $('fix-table').querySelector('tbody');
    tb.textContent = '';
    $('fix-load').textContent = fmtRps(fixDocs[0].load_rps);
    fixDocs.forEach(function (doc, i) {
      var h = doc.app.horizontal;
      var tr = el('tr', { 'data-state': STATES[i], 'data-current': STATES[i] === S.state ? 'true' : 'false' });
      tr.appendChild(el('td', null, FIX_LABEL[STATES[i]]));
      var cost = el('td', { 'data-value': String(h.monthly_usd) }, fmtUSD(h.monthly_usd));
      tr.appendChild(cost);
      tr.appendChild(el('td', h.store ? { 'data-value': String(h.store.monthly_usd) } : null,
        h.store ? fmtUSD(h.store.monthly_usd) + ' (' + fmtInt(h.store.nodes) + ' × ' + h.store.instance + ')' : 'none'));
      tr.appendChild(el('td', null, fmtPct(h.lost_request_fraction, 0)));
      tr.appendChild(el('td', null, fmtPct(h.lost_on_failure, 1)));
      tr.appendChild(el('td', null, nf(2, 2).format(h.imbalance)));
      tb.appendChild(tr);
    });
  }

  /* ------------------------------------------------------------------ section 5: capacity */

  function loadPlan() {
    var pairs = [['load', S.load]].concat(workloadPairs());
    if (S['read-fraction'] !== DEFAULTS['read-fraction']) pairs.push(['read-fraction', S['read-fraction']]);
    return api('plan', 'plan', pairs).then(function (d) {
      if (!d) return null;
      planDoc = d;
      renderResources(d);
      renderCapacity(d);
      return d;
    });
  }

  function renderCapacity(d) {
    var h = d.app.horizontal, w = d.workload;
    if (h.feasible) {
      $('formula-numbers').textContent = '  = ⌈ ' + fmtInt(d.load_rps) +
        (isNum(h.imbalance) && h.imbalance !== 1 ? ' × ' + nf(3).format(h.imbalance) + ' (imbalance)' : '') +
        ' ÷ ' + (isNum(h.full_rps_per_server) && h.binding !== 'memory'
          ? '(' + fmtNum(h.full_rps_per_server) + ' × ' + fmtPct(w.target_utilization, 0) + ')'
          : fmtNum(h.usable_rps_per_server)) + ' ⌉ + ' + fmtInt(h.spares);
      $('formula-result').textContent = '  = ' + fmtInt(h.needed) + ' + ' + fmtInt(h.spares) + ' = ' + fmtInt(h.servers) + ' × ' + h.instance;
      $('formula-numbers').setAttribute('data-value', String(h.usable_rps_per_server));
      $('formula-result').setAttribute('data-value', String(h.servers));
      $('formula-note').textContent = fmtNum(h.usable_rps_per_server) + ' req/s is what one ' + h.instance +
        ' may carry with its ' + resName(h.binding) + ' planned at ' + fmtPct(w.target_utilization, 0) +
        ' busy: the target keeps every box away from the knee of section 1. The spares (' +
        (w.spares === 'auto' ? 'the fewest that reach the ' + fmtAvail(w.availability_target) + ' target'
          : String(w.spares).toUpperCase()) + ') are on top, for the boxes that are down.';
    } else {
      $('formula-numbers').textContent = '  no fleet of one instance type serves this load';
      $('formula-result').textContent = '';
    }
    $('redundancy-note').textContent = 'With ' + fmtInt(h.servers) + ' boxes each up ' + fmtAvail(w.box_availability) +
      ' of the time, about ' + fmtNum(d.expected_down) + ' are down at any moment on average. ' +
      (d.spares_to_match_one_box === 1 ? 'One spare' : fmtInt(d.spares_to_match_one_box) + ' spares') +
      ' would make the fleet as available as a single box; with ' + fmtInt(h.spares) + ' it carries the full load ' +
      fmtAvail(h.availability) + ' of the month.';

    var db = d.app.database;
    show('db-reads', fmtInt(db.reads_qps) + '/s', db.reads_qps);
    show('db-writes', fmtInt(db.writes_qps) + '/s', db.writes_qps);
    show('db-box', fmtInt(db.box_qps) + ' queries/s', db.box_qps, db.instance + ' at the target utilisation');
    show('db-replicas', fmtInt(db.replicas_per_shard), db.replicas_per_shard,
      fmtInt(db.boxes) + ' ' + plural(db.boxes, 'database box', 'database boxes') + ' in all');
    show('db-shards', fmtInt(db.shards), db.shards, db.sharded ? 'writes had to be split' : 'one primary takes every write');
    show('db-write-limit', fmtInt(db.max_primary_writes_qps) + ' writes/s', db.max_primary_writes_qps, 'the same with any number of replicas');
    show('db-cost', fmtUSD(db.monthly_usd), db.monthly_usd, 'per month, ' + fmtPct(db.utilization, 0) + ' busy');
    $('db-note').textContent = db.sharded
      ? 'Writes (' + fmtInt(db.writes_qps) + '/s) are more than the biggest primary takes (' + fmtInt(db.max_primary_writes_qps) +
        '/s). Replicas cannot help, because every write is applied on every copy: the data has to be split into ' +
        fmtInt(db.shards) + ' shards, each with its own primary.'
      : 'Each replica adds read capacity. Every write still goes to the one primary and is applied again on each replica, ' +
        'so the write ceiling stays at ' + fmtInt(db.max_primary_writes_qps) + '/s however many replicas you add. ' +
        'Move the read share and watch the replica count change while that ceiling stays put.';
    drawDatabase(db);
  }

  function drawDatabase(db) {
    var root = $('db-drawing');
    clearSVG(root);
    var W = 320, H = 120;
    var shown = Math.min(db.replicas_per_shard, 40);
    svg('rect', { x: 6, y: 40, width: 52, height: 40, rx: 4, 'class': 'db-primary' }, root);
    svg('text', { x: 32, y: 64, 'text-anchor': 'middle', 'class': 'on-dark' }, root, 'primary');
    svg('text', { x: 6, y: 98, 'class': 'label-muted' }, root, 'all writes');
    if (db.shards > 1) svg('text', { x: 6, y: 114, 'class': 'label-bad' }, root, '× ' + fmtInt(db.shards) + ' shards');
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

  /* ------------------------------------------------------------------ section 6: quiz */

  var quiz = null;

  /* ------------------------------------------------------------------ section 5: calibration */

  /* The textarea's "n,throughput" lines as the API's points parameter (input, not a figure). */
  function fitPoints() {
    return $('fit-data').value.split(/\r?\n/).map(function (l) { return l.trim(); })
      .filter(function (l) { return l && l[0] !== '#' && !/^[a-z]/i.test(l); })
      .map(function (l) { return l.split(/[,;\s]+/).slice(0, 2).join(':'); }).join(',');
  }

  function runFit() {
    var pts = fitPoints();
    var maxN = pts.split(',').reduce(function (m, p) { return Math.max(m, Number(p.split(':')[0]) || 0); }, 1);
    var predict = [1];
    for (var i = 1; i <= 40; i++) predict.push(Math.max(1, Math.round(maxN * 1.2 * i / 40)));
    return api('fit', 'fit', [['points', pts], ['predict', predict.filter(function (v, k, a) {
      return a.indexOf(v) === k; }).join(',')]]).then(function (d) {
      if (!d) return null;
      show('fit-sigma', nf(4).format(d.sigma), d.sigma, isNum(d.sigma_se) ? '± ' + nf(2).format(d.sigma_se) : null);
      show('fit-kappa', d.kappa.toExponential(2), d.kappa, isNum(d.kappa_se) ? '± ' + d.kappa_se.toExponential(1) : null);
      show('fit-lambda', fmtNum(d.lambda) + ' /s', d.lambda, 'throughput of one unit');
      show('fit-r2', nf(4).format(d.r2), d.r2, null);
      show('fit-nstar', isNum(d.n_star) ? 'n = ' + fmtNum(d.n_star) : 'none', d.n_star,
        isNum(d.n_star) ? 'more units beyond this lower throughput' : 'no coherency cost measured');
      show('fit-xmax', isNum(d.x_max) ? fmtNum(d.x_max) + ' /s' : '—', d.x_max, null);
      $('fit-warnings').textContent = d.warnings.length ? 'Note: ' + d.warnings.join('; ') + '.' : '';
      drawFit(d);
      return api('fitcmp', 'compare', [['load', S.load], ['usl', d.sigma + ',' + d.kappa]]
        .concat(workloadPairs())).then(function (c) {
        if (!c) return;
        var r = c.rows[0], v = r.vertical, h = r.horizontal;
        var el = $('fit-compare');
        el.setAttribute('data-value', String(h.monthly_usd));
        el.textContent = 'Planned with your fit at ' + fmtRps(r.load_rps) + ': ' +
          (v.feasible ? 'one ' + v.instance + ' for ' + fmtUSD(v.monthly_usd) + ' a month'
            : 'no single machine (the largest serves ' + fmtRps(v.max_rps) + ')') +
          ', or ' + fmtInt(h.servers) + ' × ' + h.instance + ' for ' + fmtUSD(h.monthly_usd) +
          ' a month. Section 2 shows the same load with the catalog\u2019s coefficients.';
      });
    });
  }

  function drawFit(d) {
    var root = $('fit-chart');
    while (root.firstChild) root.removeChild(root.firstChild);
    var W = 320, H = 200, L = 36, B = 22, T = 8, R = 8;
    var maxN = 1, maxX = 1;
    d.points.forEach(function (p) { maxN = Math.max(maxN, p.n); maxX = Math.max(maxX, p.throughput); });
    d.predictions.forEach(function (p) { maxN = Math.max(maxN, p.n); maxX = Math.max(maxX, p.throughput); });
    maxX *= 1.1;
    function X(n) { return L + n / maxN * (W - L - R); }
    function Y(x) { return H - B - x / maxX * (H - T - B); }
    svg('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, 'class': 'axis' }, root);
    svg('line', { x1: L, y1: T, x2: L, y2: H - B, 'class': 'axis' }, root);
    svg('text', { x: W - R, y: H - 6, 'text-anchor': 'end' }, root, 'n = ' + fmtInt(maxN));
    svg('text', { x: L - 4, y: T + 10, 'text-anchor': 'end' }, root, fmtInt(maxX));
    svg('polyline', { points: d.predictions.map(function (p) {
      return X(p.n).toFixed(1) + ',' + Y(p.throughput).toFixed(1); }).join(' '), 'class': 'series series-h' }, root);
    d.points.forEach(function (p) {
      svg('circle', { cx: X(p.n), cy: Y(p.throughput), r: 3.5, 'class': 'dot-v' }, root);
    });
    if (isNum(d.n_star) && d.n_star <= maxN) {
      svg('line', { x1: X(d.n_star), y1: T, x2: X(d.n_star), y2: H - B, 'class': 'marker' }, root);
    }
  }

  function loadQuiz() {
    return api('quiz', 'quiz', []).then(function (d) {
      if (!d) { $('quiz').textContent = 'The questions could not be loaded.'; return null; }
      quiz = { doc: d, answers: {} };
      renderQuiz();
      return d;
    });
  }

  function renderQuiz() {
    var root = $('quiz');
    root.textContent = '';
    quiz.answers = {};
    quiz.doc.questions.forEach(function (q, qi) {
      var fs = el('fieldset', { 'data-question-id': q.id });
      var lg = el('legend');
      lg.appendChild(el('span', { 'class': 'q-num' }, (qi + 1) + '.'));
      lg.appendChild(document.createTextNode(q.question));
      fs.appendChild(lg);
      var choices = el('div', { 'class': 'choices' });
      q.choices.forEach(function (c, ci) {
        var b = el('button', { type: 'button', 'data-choice': String(ci) }, c);
        b.addEventListener('click', function () { answer(q, ci, fs); });
        choices.appendChild(b);
      });
      fs.appendChild(choices);
      var res = el('p', { 'class': 'result', 'data-result': '', 'aria-live': 'polite' });
      fs.appendChild(res);
      var ex = el('p', { 'data-explanation': '' }, q.explanation);
      ex.hidden = true;
      fs.appendChild(ex);
      var live = el('p', { 'class': 'live', 'data-model': '' });
      live.hidden = true;
      fs.appendChild(live);
      root.appendChild(fs);
    });
    updateScore();
  }

  function answer(q, ci, fs) {
    if (quiz.answers[q.id] !== undefined) return;
    var right = ci === q.answer;
    quiz.answers[q.id] = right;
    Array.prototype.forEach.call(fs.querySelectorAll('button[data-choice]'), function (b) {
      var i = Number(b.getAttribute('data-choice'));
      b.setAttribute('aria-disabled', 'true');
      if (i === q.answer) b.setAttribute('data-state', 'right');
      else if (i === ci) b.setAttribute('data-state', 'wrong');
      if (i === ci) b.setAttribute('aria-pressed', 'true');
    });
    fs.setAttribute('data-answered', right ? 'right' : 'wrong');
    var res = fs.querySelector('[data-result]');
    res.setAttribute('data-correct', right ? 'true' : 'false');
    res.textContent = right ? 'Right.' : 'Not quite. The answer is: ' + q.choices[q.answer];
    fs.querySelector('[data-explanation]').hidden = false;
    if (q.model && q.model.kind) quizModel(q, fs.querySelector('[data-model]'));
    updateScore();
  }

  function updateScore() {
    var total = quiz.doc.questions.length;
    var keys = Object.keys(quiz.answers);
    var right = keys.filter(function (k) { return quiz.answers[k]; }).length;
    var p = $('quiz-score');
    p.setAttribute('data-score', String(right));
    p.setAttribute('data-total', String(total));
    p.setAttribute('data-answered', String(keys.length));
    if (keys.length === total) p.textContent = 'Done: ' + right + ' of ' + total + ' right.';
    else p.textContent = keys.length + ' of ' + total + ' answered, ' + right + ' right so far.';
  }

  /* A question may name a model call; its live figures are shown under the explanation. */
  function quizModel(q, node) {
    var kinds = { compare: 1, curve: 1, plan: 1, queue: 1, simulate: 1 };
    var m = q.model;
    if (!kinds[m.kind]) return;
    var pairs = Object.keys(m).filter(function (k) { return k !== 'kind'; }).map(function (k) { return [k, String(m[k])]; });
    node.hidden = false;
    node.textContent = 'Asking the model…';
    api('quiz-' + q.id, m.kind, pairs).then(function (d) {
      if (!d) { node.textContent = 'The live figures could not be loaded.'; return; }
      node.textContent = 'Live model: ' + quizLine(m.kind, d);
    });
  }

  function quizLine(kind, d) {
    var row, v, h;
    switch (kind) {
    case 'queue':
      return 'one server ' + fmtPct(d.utilization, 0) + ' busy, ' + fmtSeconds(d.service_s) + ' of work per request: ' +
        (isNum(d.mean_response_s) ? 'mean response ' + fmtSeconds(d.mean_response_s) + ', slowest 1 % ' + fmtSeconds(d.p99_response_s)
          : 'the response time has no limit') +
        (d.drop_probability > 0 ? ', ' + fmtPct(d.drop_probability) + ' of requests turned away' : '') + '.';
    case 'compare':
      row = d.rows[0]; v = row.vertical; h = row.horizontal;
      return 'at ' + fmtRps(row.load_rps) + ' (' + d.catalog.name + ' catalog) ' +
        (v.feasible ? 'one ' + v.instance + ' costs ' + fmtUSD(v.monthly_usd) + ' a month'
          : 'no single machine serves it (the largest, ' + v.largest_instance + ', stops at ' + fmtRps(v.max_rps) + ')') +
        '; ' + fmtInt(h.servers) + ' × ' + h.instance + ' cost ' + fmtUSD(h.monthly_usd) + ' a month.';
    case 'plan':
      h = d.app.horizontal;
      return 'at ' + fmtRps(d.load_rps) + ': N = ⌈' + fmtInt(d.load_rps) + ' ÷ ' + fmtNum(h.usable_rps_per_server) + '⌉ + ' +
        h.spares + ' = ' + fmtInt(h.servers) + ' × ' + h.instance + ', ' + fmtUSD(h.monthly_usd) + ' a month with state in ' + h.state +
        (h.store ? ' (the store tier: ' + fmtInt(h.store.nodes) + ' × ' + h.store.instance + ', ' + fmtUSD(h.store.monthly_usd) + ')' : '') +
        '; database: ' + fmtInt(d.database.shards) + ' ' + plural(d.database.shards, 'primary', 'primaries') + ' + ' +
        fmtInt(d.database.replicas_per_shard) + ' read ' + plural(d.database.replicas_per_shard, 'replica', 'replicas') + ' each, write ceiling ' +
        fmtInt(d.database.max_primary_writes_qps) + '/s.';
    case 'simulate':
      return fmtInt(d.inputs.servers) + ' servers, state in ' + d.state.mode + ': ' + fmtInt(d.state.sessions_lost) + ' sessions lost (' +
        fmtPct(d.state.lost_fraction) + ' of returning requests), counters off by ' + fmtPct(d.state.counter_error, 0) +
        (d.failed ? ', ' + fmtInt(d.failed) + ' requests lost in the crash' : '') + '.';
    case 'curve':
      var pts = d.points, first = pts[0], last = pts[pts.length - 1];
      var lastV = pts.filter(function (p) { return isNum(p.vertical_usd); }).pop();
      return d.catalog.name + ' catalog, one machine: ' + fmtUSD(first.vertical_usd) + ' (' + first.vertical_instance + ') at ' +
        fmtRps(first.load_rps) + (lastV ? ' up to ' + fmtUSD(lastV.vertical_usd) + ' (' + lastV.vertical_instance + ') at ' + fmtRps(lastV.load_rps) : '') +
        (lastV !== last ? ', none beyond' : '') + '; many machines: ' + fmtUSD(first.horizontal_usd) + ' to ' + fmtUSD(last.horizontal_usd) + '.';
    default:
      return '';
    }
  }

  /* ------------------------------------------------------------------ wiring */

  var timers = {};
  function later(key, ms, fn) {
    clearTimeout(timers[key]);
    timers[key] = setTimeout(fn, ms);
  }

  function loadChanged(fromSlider) {
    syncLoadControls(fromSlider);
    writeURL();
    later('fast', 30, function () { loadCompare(); loadPlan(); });
    later('slow', 200, function () { loadFixes(); runFit(); });
  }
  function workloadChanged() {
    writeURL();
    later('fast', 0, function () { loadCompare(); loadPlan(); loadCurve(); });
    later('slow', 100, loadFixes);
  }

  function syncLoadControls(fromSlider) {
    var n = loadValue();
    var slider = $('load-slider');
    if (!fromSlider) slider.value = String(Math.min(6, Math.max(3, Math.log10(n))));
    var text = fmtRps(n);
    slider.setAttribute('aria-valuetext', text);
    $('load-out').textContent = text;
    Array.prototype.forEach.call(document.querySelectorAll('[data-load]'), function (b) {
      b.setAttribute('aria-pressed', b.getAttribute('data-load') === S.load ? 'true' : 'false');
    });
    $('fix-load').textContent = text;
  }

  /* Log slider position → a load rounded to three significant digits; presets keep their names. */
  function sliderLoad(pos) {
    var n = Math.pow(10, pos);
    var mag = Math.pow(10, Math.floor(Math.log10(n)) - 2);
    n = Math.round(n / mag) * mag;
    var preset = PRESETS.filter(function (p) { return Math.abs(p.value - n) < 1e-6 * p.value; })[0];
    return preset ? preset.key : String(Math.round(n));
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

  function syncRF() {
    var rf = Number(S['read-fraction']);
    $('read-fraction').value = S['read-fraction'];
    $('read-fraction-out').textContent = Math.round(rf * 100) + NBSP + '%';
    $('read-fraction').setAttribute('aria-valuetext', Math.round(rf * 100) + ' percent reads');
  }

  function wire() {
    $('fit-run').addEventListener('click', runFit);
    $('load-slider').addEventListener('input', function (e) {
      S.load = sliderLoad(Number(e.target.value));
      loadChanged(true);
    });
    Array.prototype.forEach.call(document.querySelectorAll('[data-load]'), function (b) {
      b.addEventListener('click', function () { S.load = b.getAttribute('data-load'); loadChanged(); });
    });

    $('catalog-select').addEventListener('change', function (e) { S.catalog = e.target.value; workloadChanged(); });
    $('spares-select').addEventListener('change', function (e) { S.spares = e.target.value; workloadChanged(); });
    $('target-select').addEventListener('change', function (e) { S['target-utilization'] = e.target.value; workloadChanged(); });

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

    $('read-fraction').addEventListener('input', function (e) {
      S['read-fraction'] = String(Number(e.target.value));
      syncRF(); writeURL();
      later('plan', 30, loadPlan);
    });

    $('sim-form').addEventListener('submit', function (e) { e.preventDefault(); runSim(); });
    $('sim-kill').addEventListener('click', function () {
      S.kill = S.kill === '1' ? '0' : '1';
      $('sim-kill').setAttribute('aria-pressed', S.kill === '1' ? 'true' : 'false');
      writeURL(); runSim();
    });
    $('state-select').addEventListener('change', function (e) {
      S.state = e.target.value; writeURL(); runSim(); renderFixes();
    });
    $('sim-servers').addEventListener('change', function (e) { S.servers = e.target.value; writeURL(); runSim(); });

    $('quiz-retry').addEventListener('click', function () {
      if (!quiz) return;
      renderQuiz();
      var first = document.querySelector('#quiz button[data-choice]');
      if (first) first.focus();
    });

    var lastWidth = window.innerWidth;
    window.addEventListener('resize', function () {
      if (window.innerWidth === lastWidth) return;
      lastWidth = window.innerWidth;
      later('resize', 150, function () {
        if (queueDoc) drawQueueChart(queueDoc);
        renderCurve();
      });
    });

    window.addEventListener('hashchange', function () {
      var h = location.hash.replace(/^#/, '');
      S.section = SECTIONS.indexOf(h) >= 0 ? h : '';
      writeURL();
    });
  }

  /* Keep the section being read in the URL, without moving the page. */
  var userMoved = false;
  function trackSections() {
    ['wheel', 'touchstart', 'keydown', 'mousedown'].forEach(function (ev) {
      window.addEventListener(ev, function () { userMoved = true; }, { passive: true, once: true });
    });
    if (!('IntersectionObserver' in window)) return;
    var io = new IntersectionObserver(function (entries) {
      if (!userMoved) return;
      entries.forEach(function (en) {
        if (en.isIntersecting && S.section !== en.target.id) { S.section = en.target.id; writeURL(); }
      });
    }, { rootMargin: '-45% 0px -50% 0px' });
    SECTIONS.forEach(function (id) { var e = $(id); if (e) io.observe(e); });
  }

  function init() {
    readURL();
    $('catalog-select').value = S.catalog;
    $('spares-select').value = S.spares;
    $('target-select').value = S['target-utilization'];
    $('state-select').value = S.state;
    $('sim-servers').value = S.servers;
    $('sim-kill').setAttribute('aria-pressed', S.kill === '1' ? 'true' : 'false');
    syncLoadControls();
    syncQueueControls();
    syncRF();
    writeURL();
    wire();

    var first = [
      api('catalogs', 'catalogs', []).then(function (d) {
        catalogsDoc = d;
        if (compareDoc) renderFutures(compareDoc);
        if (planDoc) renderResources(planDoc);
      }),
      loadCompare(), loadPlan(), loadCurve(), loadQueue(), loadQuiz(), runSim(), loadFixes(),
      runFit()
    ];
    Promise.all(first.map(function (p) {
      return p.catch(function () { return null; });
    })).then(function () {
      /* the page grew while the figures arrived: go back to the section named in the URL */
      if (S.section && !userMoved) {
        var target = $(S.section);
        if (target) target.scrollIntoView({ block: 'start' });
      }
      document.documentElement.setAttribute('data-ready', 'true');
    });
    trackSections();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
