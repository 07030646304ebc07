/* "Your service": the workload every planned figure of the page uses (CPU per request, response
 * size, sessions and where they live, target utilisation, spares and availability target, SLO,
 * catalog or a pasted CSV), held in the URL. The API checks every value, the page says what it
 * refused, beside the field or, for a link, at the top. */
import { $, NF0, api, el, fmtAvail, fmtPct } from './api.js';
import { DEFAULTS, S, SERVICE, writeURL } from './view.js';

var changed = function () {};

/* The API's answer on one value: null when it takes it, else its words. A plan at 1K is cheap. */
function check(name, value, body) {
  if (name !== 'catalog' && value === DEFAULTS[name]) return Promise.resolve(null);
  var err = null, pairs = [['load', '1k']];
  if (name !== 'catalog') pairs.push([name, value]);
  else if (value !== 'csv') pairs.push(['catalog', value]);
  return api('check-' + name, 'plan', pairs, { body: body, onError: function (m) { err = m; } })
    .then(function (d) { return d ? null : err || 'not checked'; });
}

function controls(name) {
  return Array.prototype.slice.call(document.querySelectorAll('[data-input="' + name + '"]'));
}

/* A select shows a value the link brought even when it is not one of its options. */
function setControl(c, value) {
  if (c.tagName === 'SELECT' && !Array.prototype.some.call(c.options, function (o) { return o.value === value; })) {
    c.appendChild(el('option', { value: value }, value));
  }
  c.value = value;
}

function fieldError(name, msg) {
  controls(name).forEach(function (c) {
    if (msg) c.setAttribute('aria-invalid', 'true'); else c.removeAttribute('aria-invalid');
  });
  var box = $('error-' + name);
  if (!box) return;
  box.textContent = msg || '';
  box.hidden = !msg;
}

/* A new value from a control: applied when the API takes it, else refused beside the field. */
function propose(name, value, body) {
  return check(name, value, body).then(function (err) {
    if (err) { fieldError(name, 'Not used: ' + err + '.'); return; }
    fieldError(name, null);
    S[name] = value;
    if (body !== undefined) S['catalog-csv'] = body;
    controls(name).forEach(function (c) { setControl(c, value); });
    showCsv();
    summarise();
    changed();
  });
}

function showCsv() {
  $('service-csv-box').hidden = S.catalog !== 'csv' && $('service-catalog').value !== 'csv';
}

/* The panel's closed line: the service in a sentence. */
function summarise() {
  var parts = [
    S['cpu-ms'] + ' ms of CPU per request',
    NF0.format(Number(S['response-bytes'])) + '-byte responses',
    'sessions in ' + ({ memory: 'memory', sticky: 'memory, sticky', store: 'a store', token: 'a token' }[S.state] || S.state),
    fmtPct(Number(S['target-utilization']), 0) + ' target',
    'spares ' + S.spares + (S.spares === 'auto' ? ' to ' + fmtAvail(Number(S['availability-target'])) : ''),
    S.slo ? 'SLO ' + S.slo : 'no SLO',
    S.catalog === 'csv' ? 'your catalog' : S.catalog + ' catalog'
  ];
  $('service-summary').textContent = parts.join(' · ');
}

/* What a link asked for that the page could not use, at the top where it was opened. */
function showProblems(problems) {
  var box = $('url-problems');
  box.hidden = !problems.length;
  if (!problems.length) return;
  box.textContent = '';
  box.appendChild(el('p', null, 'This link asks for ' + (problems.length === 1 ? 'a setting' : 'settings') +
    ' the page could not use; it shows the default instead:'));
  var ul = el('ul');
  problems.forEach(function (p) {
    var li = el('li', { 'data-key': p.key });
    li.appendChild(el('code', null, p.key + '=' + p.value));
    li.appendChild(document.createTextNode(': ' + p.why + (DEFAULTS[p.key] !== undefined
      ? '. Shown: ' + (DEFAULTS[p.key] === '' ? 'none' : DEFAULTS[p.key]) + '.' : '.')));
    ul.appendChild(li);
  });
  box.appendChild(ul);
}

/*
 * Asks the API about each service value the link carried (they are already in the view); a value
 * it refuses goes back to its default and joins the problems shown. Resolves when all are known.
 */
export function checkURL(read) {
  var problems = read.problems.slice();
  var body = S.catalog === 'csv' ? S['catalog-csv'] : undefined;
  return Promise.all(read.toCheck.map(function (p) {
    return check(p[0], p[1], p[0] === 'catalog' ? body : undefined).then(function (err) {
      if (!err) return;
      problems.push({ key: p[0], value: p[1], why: 'the API says: ' + err });
      S[p[0]] = DEFAULTS[p[0]];
      if (p[0] === 'catalog') S['catalog-csv'] = '';
    });
  })).then(function () {
    showProblems(problems);
    SERVICE.forEach(function (k) { controls(k).forEach(function (c) { setControl(c, S[k]); }); });
    $('service-csv').value = S['catalog-csv'];
    showCsv();
    summarise();
    if (read.toCheck.length || problems.length) $('service').open = true;
    writeURL();
    return problems;
  });
}

/* Wires every control bound to a service value (data-input, here and in sections 3 and 5); a value
 * the API takes calls onChange(). */
export function setup(onChange) {
  changed = onChange;
  SERVICE.forEach(function (k) {
    controls(k).forEach(function (c) {
      setControl(c, S[k]);
      c.addEventListener('change', function () {
        var v = c.value.trim();
        if (k === 'catalog' && v === 'csv') {
          showCsv();
          $('service-csv').focus();
          if (!S['catalog-csv']) return;
          propose(k, v, S['catalog-csv']);
          return;
        }
        propose(k, v);
      });
    });
  });
  $('service-csv-apply').addEventListener('click', function () {
    var text = $('service-csv').value;
    if (!text.trim()) { fieldError('catalog', 'Paste a catalog first: a header line, then one machine a line.'); return; }
    propose('catalog', 'csv', text);
  });
  showCsv();
  summarise();
}
