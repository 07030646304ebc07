/* Classroom mode: one section per screen in large type, for a projector. Left/Right (or
 * PageUp/PageDown, what presenter clickers send) step through the sections, Up/Down step the load
 * picker through its loads, Escape leaves. Held in the URL as ?classroom=1. */
import { $ } from './api.js';
import { S, SECTIONS, loadValue, parseLoad, writeURL } from './view.js';
import * as quiz from './quiz.js';

var relayout = function () {};

function on() { return S.classroom === '1'; }

/* The heading of a section, without its number badge, for the bar. */
function title(id) {
  var h = $(id).querySelector('h2, summary .service-title');
  if (!h) return id;
  var t = h.cloneNode(true), num = t.querySelector('.num');
  if (num) num.remove();
  return t.textContent.trim();
}

/* The section on screen: the first whose bottom is below the top fifth of the window. */
function sectionOnScreen() {
  var line = window.innerHeight / 5;
  return SECTIONS.filter(function (id) { return $(id).getBoundingClientRect().bottom > line; })[0] || SECTIONS[0];
}

/* Shows section id alone (classroom on) and says where the class is. */
function show(id) {
  var at = SECTIONS.indexOf(id);
  SECTIONS.forEach(function (s) { $(s).toggleAttribute('data-screen', s === id); });
  if ($(id).tagName === 'DETAILS') $(id).open = true;
  $('class-where').textContent = (at + 1) + ' of ' + SECTIONS.length + ' · ' + title(id);
  $('class-prev').disabled = at === 0;
  $('class-next').disabled = at === SECTIONS.length - 1;
  S.section = id;
  writeURL();
  window.scrollTo(0, 0);
  /* a chart drawn while its section was hidden could not measure its labels */
  relayout();
}

/* Turns classroom mode on or off, keeping the section being read: the one on screen when the
 * button is pressed, the one in the URL when a link opens in classroom mode. */
function set(want, fromLink) {
  var id = want && !(fromLink && SECTIONS.indexOf(S.section) >= 0) ? sectionOnScreen() : S.section;
  S.classroom = want ? '1' : '0';
  document.documentElement.toggleAttribute('data-classroom', want);
  $('class-bar').hidden = !want;
  $('class-toggle').setAttribute('aria-pressed', want ? 'true' : 'false');
  if (want) show(id);
  else {
    SECTIONS.forEach(function (s) { $(s).removeAttribute('data-screen'); });
    writeURL();
    relayout();
  }
  if (!want && id) $(id).scrollIntoView({ block: 'start' });
}

/* One step through the sections; inside the quiz a step is a question until its summary. */
function step(dir) {
  var at = SECTIONS.indexOf(S.section);
  if (S.section === 'quiz-section' && quiz.step(dir)) return;
  var to = Math.max(0, Math.min(SECTIONS.length - 1, at + dir));
  if (to !== at) show(SECTIONS[to]);
}

/* The next preset load above (dir 1) or below (dir -1) the page's load, chosen as a click would. */
function stepLoad(dir) {
  var buttons = Array.prototype.slice.call(document.querySelectorAll('#load-picker [data-load]'));
  var now = loadValue();
  var next = buttons.filter(function (b) {
    var v = parseLoad(b.getAttribute('data-load'));
    return dir > 0 ? v > now * (1 + 1e-9) : v < now * (1 - 1e-9);
  });
  var b = dir > 0 ? next[0] : next[next.length - 1];
  if (b) b.click();
}

/* Typing into a field keeps its keys: a text box, a list, a slider. */
function typing(t) {
  return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
}

var KEYS = {
  ArrowRight: function () { step(1); }, PageDown: function () { step(1); },
  ArrowLeft: function () { step(-1); }, PageUp: function () { step(-1); },
  ArrowUp: function () { stepLoad(1); }, ArrowDown: function () { stepLoad(-1); },
  Escape: function () { set(false); }
};

function onKey(e) {
  if (!on() || !KEYS[e.key] || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || typing(e.target)) return;
  e.preventDefault();
  KEYS[e.key]();
}

/* Wires the toggle, the bar and the keys; onLayout() redraws what is drawn at the page's width. */
export function setup(onLayout) {
  relayout = onLayout;
  $('class-toggle').addEventListener('click', function () { set(!on()); });
  $('class-leave').addEventListener('click', function () { set(false); });
  $('class-prev').addEventListener('click', function () { step(-1); });
  $('class-next').addEventListener('click', function () { step(1); });
  document.addEventListener('keydown', onKey);
  window.addEventListener('hashchange', function () { if (on() && S.section) show(S.section); });
  if (on()) set(true, true);
}
