/* The page's entry point: reads the view from the URL, hands each section its controls, asks for
 * every figure once, and owns the events that concern the whole page (resize, hash, scrolling). */
import { $, api, later } from './api.js';
import { S, SECTIONS, docs, holdPlans, loadPlan, readHash, readURL, writeURL } from './view.js';
import * as service from './service.js';
import * as ceiling from './ceiling.js';
import * as futures from './futures.js';
import * as picker from './picker.js';
import * as curves from './curves.js';
import * as stateless from './stateless.js';
import * as capacity from './capacity.js';
import * as fit from './fit.js';
import * as quiz from './quiz.js';
import * as classroom from './classroom.js';

/* Sections 1, 2, 3 and 5 from the load's one document, all in one task: they paint in one frame. */
function loadPanels() {
  return loadPlan().then(function (d) {
    if (!d) return null;
    curves.showLoad(); /* first: its labels are measured while the rest of the page is clean */
    futures.renderFutures(docs.compare);
    capacity.renderPlan(d);
    return d;
  });
}

/* Once the workload rests, the plans of every load the slider can set, so a drag needs no
 * round trip (view.holdPlans). */
function holdSliderPlans() {
  later('hold', 400, function () { holdPlans(picker.sliderLoads()); });
}

/* A new load: the panels follow at once, move by move; the fix table and the fitted plan, which
 * a reader at the slider does not see, once the load rests. A drag writes the URL as it ends. */
function loadChanged(fromSlider) {
  picker.syncLoadControls(fromSlider);
  stateless.showLoad();
  if (fromSlider) later('url', 150, writeURL); else writeURL();
  loadPanels();
  later('slow', 200, function () { stateless.loadFixes(); fit.planFit(); });
}

/* A new value of Your service: everything planned on the workload is asked again. */
function workloadChanged() {
  writeURL();
  later('fast', 0, function () { loadPanels(); curves.loadCurve(); ceiling.loadQueue(); });
  later('slow', 100, function () { stateless.loadFixes(); stateless.runSim(); fit.planFit(); });
  holdSliderPlans();
}

/* The charts drawn at the page's width, drawn again at its new width. */
function redrawCharts() {
  ceiling.redrawQueue();
  curves.renderCurve();
  fit.redrawFit();
}

/* The window's events: the charts drawn at the page's width follow a new width (not a new height,
 * as a phone's address bar makes), and a new #hash becomes the section kept in the URL. */
function watchWindow() {
  var lastWidth = window.innerWidth;
  window.addEventListener('resize', function () {
    if (window.innerWidth === lastWidth) return;
    lastWidth = window.innerWidth;
    later('resize', 150, redrawCharts);
  });
  window.addEventListener('hashchange', function () { readHash(false); writeURL(); });
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
  var read = readURL();
  service.setup(workloadChanged);
  capacity.setup(function () { loadPanels(); holdSliderPlans(); });
  stateless.setup();
  fit.setup();
  picker.setup(loadChanged);
  stateless.showLoad();
  ceiling.setup();
  quiz.setup();
  classroom.setup(redrawCharts);
  watchWindow();

  var first = [
    api('catalogs', 'catalogs', []).then(function (d) {
      docs.catalogs = d;
      if (docs.compare) futures.renderFutures(docs.compare);
      if (docs.plan) ceiling.renderResources(docs.plan);
      curves.renderCurve();
    }),
    quiz.loadQuiz(), stateless.runSim(),
    /* what is planned on the service waits for the API's word on the values the link carried */
    service.checkURL(read).then(function () {
      return Promise.all([loadPanels(), curves.loadCurve(), ceiling.loadQueue(),
        stateless.loadFixes(), fit.runFit()]);
    })
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
    holdSliderPlans();
  });
  trackSections();
}

/* A module script runs once the document is parsed, so the elements are all there. */
init();
