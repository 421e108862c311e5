// @ts-check
/**
 * The Speed control: a slider over teaching paces (3 to 3,000 steps a second) and a "max"
 * button one click away, which toggles back to the pace before. It always shows the
 * session's real pace, as the server last said it (the hello, a preset, a change), including a
 * pace the slider has no notch for.
 */

import { count } from "./format.js";
import { onLanguage, t } from "./i18n.js";

/** The slider's notches, steps per second. */
export const PACES = [3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000, 2000, 3000];

/** The notch nearest to a pace, on a log scale. @param {number} speed */
export function nearestNotch(speed) {
  let best = 0;
  for (let i = 1; i < PACES.length; i++) {
    if (Math.abs(Math.log(PACES[i] / speed)) < Math.abs(Math.log(PACES[best] / speed))) best = i;
  }
  return best;
}

/** A pace as the control shows it: "100 steps/s", "max". @param {number | "max"} speed */
export function paceText(speed) {
  return speed === "max" ? t("page:speed.max") : t("page:speed.pace", { count: speed, value: count(speed) });
}

export class SpeedControl {
  /**
   * @param {{range: HTMLInputElement, value: HTMLOutputElement, max: HTMLButtonElement}} els
   * @param {{onSpeed: (speed: number | "max", origin: Element) => void}} callbacks
   */
  constructor(els, callbacks) {
    this.els = els;
    this.cb = callbacks;
    /** the last pace that was not max, for the max button's way back */
    this.pace = 100;
    /** @type {number | "max"} */
    this.speed = 100;
    els.range.max = String(PACES.length - 1);
    els.range.addEventListener("input", () => {
      els.value.textContent = paceText(PACES[Number(els.range.value)]);
    });
    els.range.addEventListener("change", () => this.cb.onSpeed(PACES[Number(els.range.value)], els.range));
    els.max.addEventListener("click", () => this.toggleMax());
    els.value.textContent = paceText(this.speed);
    onLanguage(() => { els.value.textContent = paceText(this.speed); });
  }

  /** Max, or back to the pace before it. */
  toggleMax() {
    this.cb.onSpeed(this.speed === "max" ? this.pace : "max", this.els.max);
  }

  /** Show the session's real pace. @param {number | "max"} speed */
  show(speed) {
    this.speed = speed;
    const max = speed === "max";
    if (!max) {
      this.pace = speed;
      this.els.range.value = String(nearestNotch(speed));
    }
    this.els.value.textContent = paceText(speed);
    this.els.max.setAttribute("aria-pressed", String(max));
    this.els.range.classList.toggle("at-max", max);
  }
}
