/* The load picker of section 2 (presets and a log slider), which sets the load of the whole page. */
import { $, fmtRps, setAttr, setText } from './api.js';
import { S, loadValue } from './view.js';

var PRESETS = [
  { key: '1k', value: 1e3 }, { key: '10k', value: 1e4 }, { key: '100k', value: 1e5 },
  { key: '500k', value: 5e5 }, { key: '1m', value: 1e6 }
];

export function syncLoadControls(fromSlider) {
  var n = loadValue();
  var slider = $('load-slider');
  if (!fromSlider) slider.value = String(Math.min(6, Math.max(3, Math.log10(n))));
  var text = fmtRps(n);
  setAttr(slider, 'aria-valuetext', text);
  setText($('load-out'), text);
  Array.prototype.forEach.call(document.querySelectorAll('[data-load]'), function (b) {
    setAttr(b, 'aria-pressed', b.getAttribute('data-load') === S.load ? 'true' : 'false');
  });
}

/* Log slider position → a load rounded to three significant digits; presets keep their names. */
function sliderLoad(pos) {
  var n = Math.pow(10, pos);
  var mag = Math.pow(10, Math.floor(Math.log10(n)) - 2);
  n = Math.round(n / mag) * mag;
  var preset = PRESETS.filter(function (p) { return Math.abs(p.value - n) < 1e-6 * p.value; })[0];
  return preset ? preset.key : String(Math.round(n));
}

/* Every load the slider can set (one per step), the nearest to the shown load first. */
export function sliderLoads() {
  var slider = $('load-slider');
  var lo = Number(slider.min), hi = Number(slider.max), step = Number(slider.step);
  var at = Math.min(hi, Math.max(lo, Math.log10(loadValue()))), out = [];
  for (var k = 0; lo + k * step <= hi + step / 2; k++) out.push(Number((lo + k * step).toFixed(6)));
  out.sort(function (a, b) { return Math.abs(a - at) - Math.abs(b - at); });
  return out.map(sliderLoad);
}

/* Sets the picker from the view state; a move of the slider or a preset calls changed(fromSlider). */
export function setup(changed) {
  syncLoadControls();
  $('load-slider').addEventListener('input', function (e) {
    S.load = sliderLoad(Number(e.target.value));
    changed(true);
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-load]'), function (b) {
    b.addEventListener('click', function () { S.load = b.getAttribute('data-load'); changed(); });
  });
}
