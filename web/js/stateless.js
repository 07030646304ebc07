/* Section 4, stateless or stuck: the simulated cluster and what each place for state costs. */
import { $, api, el, fmtInt, fmtPct, fmtRps, fmtSeconds, fmtUSD, nf, show } from './api.js';
import { S, STATES, loadValue, workloadPairs, writeURL } from './view.js';

var SIM_RPS_PER_SERVER = 700;     /* input of the demo: about 70 % of a 1 ms server */
var SIM_REQUESTS = 100000;        /* well under the server-side cap */
var fixDocs = null;

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

export function runSim() {
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

export function loadFixes() {
  showLoad();
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

export function renderFixes() {
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

/* The load the fix table is for, shown at once while its plans are fetched. */
export function showLoad() {
  $('fix-load').textContent = fmtRps(loadValue());
}

/* Sets the simulation's controls from the view state and wires them. */
export function setup() {
  $('state-select').value = S.state;
  $('sim-servers').value = S.servers;
  $('sim-kill').setAttribute('aria-pressed', S.kill === '1' ? 'true' : 'false');
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
}
