/* Section 6, the quiz: questions from /api/quiz, answered in place, live figures from the model. */
import { $, api, el, fmtInt, fmtNum, fmtPct, fmtRps, fmtSeconds, fmtUSD, isNum, plural } from './api.js';

var quiz = null;   /* { doc, answers: {id: right}, at: the question shown, or its count for the summary } */

export function loadQuiz() {
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
  quiz.at = 0;
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
  goTo(0);
}

/* Shows question i alone (or, at i = the count, the summary), with where the class is. */
function goTo(i) {
  var qs = quiz.doc.questions, n = qs.length;
  quiz.at = Math.max(0, Math.min(n, i));
  Array.prototype.forEach.call($('quiz').querySelectorAll('fieldset'), function (fs, k) { fs.hidden = k !== quiz.at; });
  var done = quiz.at === n;
  $('quiz-summary').hidden = !done;
  if (done) renderSummary();
  $('quiz-where').textContent = done ? 'Summary' : 'Question ' + (quiz.at + 1) + ' of ' + n;
  $('quiz-bar').value = Object.keys(quiz.answers).length / n;
  $('quiz-prev').disabled = quiz.at === 0;
  $('quiz-next').hidden = done;
  $('quiz-next').textContent = quiz.at === n - 1 ? 'See how it went →' : 'Next question →';
}

function renderSummary() {
  var list = $('quiz-list'), qs = quiz.doc.questions;
  var right = qs.filter(function (q) { return quiz.answers[q.id]; }).length;
  var open = qs.filter(function (q) { return quiz.answers[q.id] === undefined; }).length;
  $('quiz-summary-h').textContent = 'How it went: ' + right + ' of ' + qs.length + ' right' +
    (open ? ', ' + open + ' not answered' : '');
  list.textContent = '';
  quiz.doc.questions.forEach(function (q, i) {
    var a = quiz.answers[q.id];
    var li = el('li', { 'data-result': a === undefined ? 'open' : (a ? 'right' : 'wrong') });
    var b = el('button', { type: 'button', 'class': 'link' }, q.question);
    b.addEventListener('click', function () { goTo(i); focusQuestion(); });
    li.appendChild(el('span', { 'class': 'mark' }, a === undefined ? '–' : (a ? '✓' : '✗')));
    li.appendChild(b);
    list.appendChild(li);
  });
}

function focusQuestion() {
  var first = document.querySelector('#quiz fieldset:not([hidden]) button[data-choice]');
  if (first) first.focus();
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
  $('quiz-bar').value = Object.keys(quiz.answers).length / quiz.doc.questions.length;
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
      '; database: ' + fmtInt(d.app.database.shards) + ' ' + plural(d.app.database.shards, 'primary', 'primaries') + ' + ' +
      fmtInt(d.app.database.replicas_per_shard) + ' read ' + plural(d.app.database.replicas_per_shard, 'replica', 'replicas') + ' each, write ceiling ' +
      fmtInt(d.app.database.max_primary_writes_qps) + '/s.';
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

/* One question on (dir 1) or back (dir -1), the summary being the last step; false at either
 * end, where classroom mode moves to the next section instead. */
export function step(dir) {
  if (!quiz) return false;
  var to = quiz.at + dir;
  if (to < 0 || to > quiz.doc.questions.length) return false;
  goTo(to);
  return true;
}

/* Wires "Previous", "Next" and "Start again". */
export function setup() {
  $('quiz-prev').addEventListener('click', function () { if (quiz) { goTo(quiz.at - 1); focusQuestion(); } });
  $('quiz-next').addEventListener('click', function () {
    if (!quiz) return;
    goTo(quiz.at + 1);
    if (quiz.at < quiz.doc.questions.length) focusQuestion(); else $('quiz-summary').focus();
  });
  $('quiz-retry').addEventListener('click', function () {
    if (!quiz) return;
    renderQuiz();
    focusQuestion();
  });
}
