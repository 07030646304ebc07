/* Section 4, stateless or stuck: the same simulated traffic once for each place state can live,
 * how fast each run was beside what it lost, and what each place for state costs in the planner. */
import { $, api, el, fmtInt, labelCells, fmtPct, fmtRps, fmtSeconds, fmtUSD, nf } from './api.js';
import { DEFAULTS, S, STATES, loadValue, workloadApi, writeURL } from './view.js';

var SIM_DURATION_S = 30;         /* about this many simulated seconds: the load times this many arrivals */
var SIM_SERVER_CHOICES = [2, 3, 4, 6, 8, 12, 16];
var SATURATED = 0.99;            /* a server this busy (API figure) had more work than time */
var CRASHES = {
  none: null,
  '10-20': { at: 10, back: 20, text: 'server 1 dies at 10 s and comes back empty at 20 s' },
  '10': { at: 10, back: null, text: 'server 1 dies at 10 s and stays down' }
};
var LABEL = { memory: 'each server’s memory', sticky: 'memory, users pinned (sticky)', store: 'a shared store', token: 'a signed token' };
var runs = null;   /* the four simulate documents, in STATES order */
var fixDocs = null;

/*
 * The run's arrival rate: the traffic chosen (its value is the rate at 1 ms of work) scaled to
 * Your service's CPU per request, so its servers are as busy as the choice says.
 */
function simLoad(choice) {
  return Math.max(1, Math.round(Number(choice) / Number(S['cpu-ms'])));
}

/* The traffic choices written in the service's own requests per second. */
function showLoadChoices() {
  $('sim-work').textContent = fmtSeconds(Number(S['cpu-ms']) / 1000);
  Array.prototype.forEach.call($('sim-load').options, function (o) {
    o.textContent = fmtInt(simLoad(o.value)) + ' req/s';
  });
}

/* One run's parameters: the service's CPU per request and (when it sets them) sessions. */
function simPairs(state) {
  var load = simLoad(S['sim-load']);
  var pairs = [['servers', S['sim-servers']], ['load', String(load)], ['service-ms', S['cpu-ms']],
    ['requests', String(load * SIM_DURATION_S)], ['state', state], ['lb', state === 'sticky' ? 'sticky' : 'rr'], ['seed', '1'],
    ['lock-fraction', '0.2'], ['lock-keys', '100']];
  if (S.sessions !== DEFAULTS.sessions) pairs.push(['sessions', S.sessions]);
  var crash = CRASHES[S['sim-crash']];
  /* "stays down": back long after the run has ended */
  if (crash) pairs.push(['fail', '1@' + crash.at + 's-' + (crash.back || SIM_DURATION_S * 100) + 's']);
  return pairs;
}

/* One run per place for state, same seed, servers, traffic and crash; then the table and the detail. */
export function runSim() {
  var box = $('sim-results');
  showLoadChoices();
  box.setAttribute('aria-busy', 'true');
  return Promise.all(STATES.map(function (st) {
    return api('sim-' + st, 'simulate', simPairs(st));
  })).then(function (docs) {
    if (docs.some(function (d) { return !d; })) return null;
    box.setAttribute('aria-busy', 'false');
    runs = docs;
    renderRuns();
    return docs;
  });
}

function busiest(d) {
  return d.servers.reduce(function (m, x) { return Math.max(m, x.utilization); }, 0);
}
function overloaded(d) { return busiest(d) >= SATURATED; }

function cell(tr, text, value, col, sub) {
  var td = el('td', { 'data-col': col }, text);
  if (value !== undefined) td.setAttribute('data-value', value === null ? 'null' : String(value));
  if (sub) td.appendChild(el('span', { 'class': 'sub' }, sub));
  tr.appendChild(td);
}

function renderRuns() {
  if (!runs) return;
  var inp = runs[0].inputs;
  var crash = CRASHES[S['sim-crash']];
  $('sim-setup').textContent = 'Each run: ' + fmtInt(inp.servers) + ' servers behind a balancer, ' + fmtRps(inp.load_rps) +
    ' arriving for ' + SIM_DURATION_S + ' simulated seconds, ' + fmtSeconds(inp.service_s) + ' of work per request, ' +
    fmtInt(inp.sessions) + ' users (' + (S.sessions !== DEFAULTS.sessions ? 'Your service’s sessions' : 'the simulator’s own count') + '); ' + fmtPct(inp.lock_fraction, 0) + ' of requests book one of ' + fmtInt(inp.lock_keys) +
    ' seats. ' + (crash ? 'Crash: ' + crash.text + '.' : 'No crash.') + ' Same seed for every run, so the four see the same requests.';

  var tb = $('sim-table').querySelector('tbody');
  tb.textContent = '';
  runs.forEach(function (d, i) {
    var st = d.state, r = d.response_s, state = STATES[i], over = overloaded(d);
    var tr = el('tr', { 'data-state': state, 'data-current': state === S['sim-state'] ? 'true' : 'false',
      'data-overloaded': over ? 'true' : 'false' });
    tr.appendChild(el('th', { scope: 'row' }, LABEL[state]));
    cell(tr, fmtSeconds(r.mean), r.mean, 'mean');
    cell(tr, fmtSeconds(r.p99), r.p99, 'p99');
    cell(tr, fmtInt(d.throughput_rps), d.throughput_rps, 'served', 'of ' + fmtInt(d.window.offered_rps) + ' req/s');
    cell(tr, fmtPct(busiest(d), 0) + (over ? ' ✗' : ''), busiest(d), 'busiest', over ? 'overloaded' : null);
    cell(tr, fmtPct(st.lost_fraction), st.lost_fraction, 'lost-fraction',
      st.session_requests ? fmtInt(st.sessions_lost) + ' sessions' : 'none kept on servers');
    cell(tr, fmtPct(st.counter_error), st.counter_error, 'counter');
    cell(tr, fmtInt(st.lock_violations), st.lock_violations, 'double');
    cell(tr, crash ? fmtInt(d.failed) : '—', crash ? d.failed : null, 'failed',
      crash ? 'in flight on server 1' : 'no crash');
    tb.appendChild(tr);
  });
  labelCells($('sim-table'));
  renderOverload();
  renderDetail();
}

/* The runs whose servers had more work than time: the reason, and the fix as one click. */
function renderOverload() {
  var box = $('sim-overload');
  var bad = runs.map(function (d, i) { return { d: d, state: STATES[i] }; }).filter(function (x) { return overloaded(x.d); });
  box.hidden = !bad.length;
  if (!bad.length) return;
  var servers = Number(S['sim-servers']);
  var more = SIM_SERVER_CHOICES.filter(function (n) { return n >= 2 * servers; })[0];
  var words = bad.map(function (x) {
    var d = x.d, why = x.state === 'store'
      ? ' Each request also waited ' + fmtSeconds(d.state.store_mean_delay_s) + ' for its round trips to the store (which was only ' +
        fmtPct(d.state.store_utilization, 0) + ' busy itself), and a server waiting on the store can serve nothing else: each request held its server for its work and for that wait.'
      : ' The work arriving is more than ' + fmtInt(d.inputs.servers) + ' servers can do.';
    return 'With state in ' + LABEL[x.state] + ' every server ran ' + fmtPct(busiest(d), 0) + ' busy: only ' + fmtInt(d.throughput_rps) +
      ' of ' + fmtInt(d.window.offered_rps) + ' req/s were served, the queue kept growing and the mean response reached ' +
      fmtSeconds(d.response_s.mean) + '.' + why;
  });
  $('sim-overload-text').textContent = 'Overloaded. ' + words.join(' ') +
    (CRASHES[S['sim-crash']] ? ' Its crash loses many requests because so many were queued on the server that died.' : '') +
    ' The fix: more servers for the same traffic' + (bad.some(function (x) { return x.state === 'store'; })
      ? ', or servers that serve other requests while they wait for the store.' : '.');
  var fix = $('sim-fix');
  fix.hidden = !more;
  if (more) {
    fix.textContent = 'Run again with ' + more + ' servers';
    fix.setAttribute('data-servers', String(more));
  }
}

/* The chosen place for state: what the run says about it, and how the balancer spread the traffic. */
function renderDetail() {
  var i = STATES.indexOf(S['sim-state']), d = runs[i], st = d.state;
  Array.prototype.forEach.call($('sim-table').querySelectorAll('tbody tr'), function (tr) {
    tr.setAttribute('data-current', tr.getAttribute('data-state') === S['sim-state'] ? 'true' : 'false');
  });
  var speed = 'Mean response ' + fmtSeconds(d.response_s.mean) + ', slowest 1 % ' + fmtSeconds(d.response_s.p99) + '. ';
  var s;
  switch (st.mode) {
  case 'memory':
    s = fmtPct(st.lost_fraction, 0) + ' of returning requests reached a server that had never seen their session, ' +
      'and each server’s counter missed ' + fmtPct(st.counter_error, 0) + ' of the traffic.';
    break;
  case 'sticky':
    s = st.sessions_lost
      ? 'Sticky routing kept users on their server until it crashed: ' + fmtInt(st.sessions_lost) + ' sessions were lost with it, and the counters are still split (' + fmtPct(st.counter_error, 0) + ' off).'
      : 'Sticky routing finds every session again (0 lost), but the counters are still split across servers (' + fmtPct(st.counter_error, 0) + ' off), and a crash takes its users’ sessions along: choose a crash above.';
    break;
  case 'store':
    s = 'Nothing depends on which server answers: ' + fmtInt(st.sessions_lost) + ' sessions lost, counter ' + fmtPct(st.counter_error, 0) +
      ' off. The price is a round trip per operation: ' + fmtSeconds(st.store_mean_delay_s) + ' of every request went to waiting on the store, which ran ' +
      fmtPct(st.store_utilization, 0) + ' busy.';
    break;
  case 'token':
    s = 'Any server can read the session from the token: ' + fmtInt(st.sessions_lost) + ' sessions lost. But a token belongs to one user: the shared counter and the seat locks still live in each server, so ' +
      fmtPct(st.counter_error, 0) + ' of the count is missing and ' + fmtInt(st.lock_violations) + ' seats were booked twice. Shared state needs a shared store.';
    break;
  default:
    s = '';
  }
  $('sim-summary').textContent = 'State in ' + LABEL[st.mode] + '. ' + speed + s;

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

export function loadFixes() {
  showLoad();
  return Promise.all(STATES.map(function (st) {
    return workloadApi('fix-' + st, 'plan', [['load', S.load], ['state', st]]);
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
    var yours = STATES[i] === S.state;
    var tr = el('tr', { 'data-state': STATES[i], 'data-current': yours ? 'true' : 'false' });
    tr.appendChild(el('th', { scope: 'row' }, FIX_LABEL[STATES[i]] + (yours ? ' (yours)' : '')));
    var cost = el('td', { 'data-value': String(h.monthly_usd) }, fmtUSD(h.monthly_usd));
    tr.appendChild(cost);
    tr.appendChild(el('td', h.store ? { 'data-value': String(h.store.monthly_usd) } : null,
      h.store ? fmtUSD(h.store.monthly_usd) + ' (' + fmtInt(h.store.nodes) + ' × ' + h.store.instance + ')' : 'none'));
    tr.appendChild(el('td', null, fmtPct(h.lost_request_fraction, 0)));
    tr.appendChild(el('td', null, fmtPct(h.lost_on_failure, 1)));
    tr.appendChild(el('td', null, nf(2, 2).format(h.imbalance)));
    tb.appendChild(tr);
  });
  labelCells($('fix-table'));
}

/* The load the fix table is for, shown at once while its plans are fetched. */
export function showLoad() {
  $('fix-load').textContent = fmtRps(loadValue());
}

/* Sets the simulation's controls from the view state and wires them. */
export function setup() {
  var ids = { 'sim-state': 'state-select', 'sim-servers': 'sim-servers', 'sim-load': 'sim-load', 'sim-crash': 'sim-crash' };
  Object.keys(ids).forEach(function (k) {
    $(ids[k]).value = S[k];
    $(ids[k]).addEventListener('change', function (e) {
      S[k] = e.target.value;
      writeURL();
      if (k === 'sim-state') { if (runs) renderDetail(); } else runSim();
    });
  });
  $('sim-form').addEventListener('submit', function (e) { e.preventDefault(); });
  $('sim-fix').addEventListener('click', function () {
    S['sim-servers'] = $('sim-fix').getAttribute('data-servers');
    $('sim-servers').value = S['sim-servers'];
    writeURL(); runSim();
  });
}
