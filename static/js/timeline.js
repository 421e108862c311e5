// @ts-check
/**
 * The run's timeline, under the loss chart (app/timeline.py, docs/protocol.md): a scrubber
 * over the run's steps with a tick at every checkpoint the server keeps. Dragging it (or its
 * arrow keys, or [ and ] anywhere on the page) shows the run as it was at that step: the
 * server sends frames of the checkpoint (`view_step`), so the network, the output plot and
 * the metrics are that step's, while the run itself goes on as it was, training if it was.
 * The chart marks the step; "Back to live" (or the scrubber's right end) returns.
 *
 * "Branch from here" goes on from the viewed checkpoint as a new run, and the run as it was
 * is kept as a saved run (Share → Recent runs). While a step is viewed, the settings changed
 * on the page are not sent to the live run: they are the branch's (live settings only; one
 * that would build a new network is refused, and the control goes back).
 *
 * Dragging sends at most one `view_step` at a time, and no closer than SEND_GAP_MS apart: the
 * newest position wins, the ones in between are never sent.
 *
 * Its text is the `experiments:timeline.*` catalogue's, written again when the language changes.
 */

import { h, setText } from "./dom.js";
import * as format from "./format.js";
import { onLanguage, t } from "./i18n.js";
import { choiceLabel, fieldLabel } from "./names.js";

const SEND_GAP_MS = 60;
const PAGE_STEP = 5;  // PageUp / PageDown: this many checkpoints

/**
 * @typedef {{bar: HTMLElement, range: HTMLInputElement, ticks: HTMLElement,
 *            status: HTMLElement, live: HTMLButtonElement, branch: HTMLButtonElement}} Elements
 * @typedef {{act: (command: Record<string, any>, origin?: Element | null) => Promise<any>}} Sender
 */

export class TimelineBar {
  /**
   * @param {Elements} els
   * @param {import("./store.js").Store} store
   * @param {{commands: Sender, chart: import("./charts.js").Chart,
   *          toasts: import("./toasts.js").Toasts, remember: (token: string) => void,
   *          locked: () => string | null}} page
   */
  constructor(els, store, page) {
    this.els = els;
    this.store = store;
    this.page = page;
    /** @type {number[]} the steps of the checkpoints kept */
    this.steps = [];
    this.live = 0;  // the live run's step
    /** @type {number | null} the step the frames show, when it is not the live run's */
    this.viewing = null;
    /** @type {number | "live" | null} where the person wants to be, not yet sent */
    this.wanted = null;
    this.sending = false;
    this.sentAt = 0;
    this.dragging = false;
    /** @type {Record<string, any>} settings changed while viewing: the branch's */
    this.changes = {};
    this.ticksKey = "";

    const r = els.range;
    r.addEventListener("input", () => this.want(this.fromRange(Number(r.value))));
    r.addEventListener("pointerdown", () => { this.dragging = true; });
    r.addEventListener("pointerup", () => { this.dragging = false; this.render(); });
    r.addEventListener("keydown", (e) => this.key(e));
    els.live.addEventListener("click", () => this.want("live"));
    els.branch.addEventListener("click", () => this.branch());
    store.on("hello", (hello) => {
      this.steps = hello.timeline ?? [];
      this.live = hello.step ?? 0;
      this.viewing = null;  // a new connection starts live
      this.page.chart.setMarker(null);
      this.forget();
      this.render();
    });
    store.on("timeline", (t) => {
      this.steps = t.steps;
      this.live = Math.max(this.live, t.step);
      this.render();
    });
    store.on("frame", (frame) => this.framed(frame.header));
    const track = /** @type {HTMLElement} */ (r.parentElement);
    onLanguage(() => this.render());
    page.chart.onMargins = (left, right) => {  // the steps lined up with the chart's axis
      track.style.setProperty("--plot-left", `${left}px`);
      track.style.setProperty("--plot-right", `${right}px`);
    };
  }

  /** A frame was drawn: the view it shows, and the live run's step. @param {any} h */
  framed(h) {
    const viewing = h.view ? h.view.step : null;
    this.live = h.view ? h.view.live_step : h.step;
    if (viewing !== this.viewing) {
      this.viewing = viewing;
      this.page.chart.setMarker(viewing);
      if (viewing === null) this.forget();
    }
    this.render();
  }

  /** The scrubber's value as a place: the checkpoint at or before it, or the live run. @param {number} value */
  fromRange(value) {
    if (value >= this.live) return "live";
    return this.at(value) ?? this.steps[0] ?? "live";
  }

  /** The checkpoint step at or before `step`, or null. @param {number} step */
  at(step) {
    let found = null;
    for (const s of this.steps) {
      if (s > step) break;
      found = s;
    }
    return found;
  }

  /** Arrow keys move checkpoint by checkpoint; Home: the first; End: live. @param {KeyboardEvent} e */
  key(e) {
    const moves = { ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1,
      PageDown: -PAGE_STEP, PageUp: PAGE_STEP };
    if (e.key === "Home") this.want(this.steps[0] ?? "live");
    else if (e.key === "End") this.want("live");
    else if (e.key in moves) this.move(moves[/** @type {keyof moves} */ (e.key)]);
    else return;
    e.preventDefault();
  }

  /** One checkpoint back ([), from the live run too. */
  back() { this.move(-1); }

  /** One checkpoint forward (]): past the newest, the live run. */
  forward() { this.move(1); }

  /** Move `n` checkpoints from where the page is (or is going). @param {number} n */
  move(n) {
    if (this.page.locked() || !this.steps.length) return;
    const here = this.wanted ?? this.viewing ?? "live";
    const step = here === "live" ? this.live : here;
    // the checkpoints before and after the step shown (the newest may be the live step)
    const before = this.steps.filter((s) => s < step);
    const after = this.steps.filter((s) => s > step && s < this.live);
    if (n < 0) {
      if (before.length) this.want(before[Math.max(0, before.length + n)]);
    } else {
      this.want(after.length >= n ? after[n - 1] : "live");
    }
  }

  /** Go to a checkpoint's step, or back to live: sent now, or when the last one is answered. @param {number | "live"} where */
  want(where) {
    this.wanted = where;
    this.showStatus(where === "live" ? null : where);
    this.send();
  }

  async send() {
    if (this.sending || this.wanted === null) return;
    const wait = this.sentAt + SEND_GAP_MS - performance.now();
    if (wait > 0) {
      this.sending = true;
      setTimeout(() => { this.sending = false; this.send(); }, wait);
      return;
    }
    const where = this.wanted;
    this.wanted = null;
    this.sending = true;
    this.sentAt = performance.now();
    const reply = await this.page.commands.act(where === "live" ? { type: "view_end" }
      : { type: "view_step", step: where });
    this.sending = false;
    if (reply.type === "error") this.render();  // the thumb back where the frames are
    this.send();
  }

  /**
   * A setting changed on the page: while a step is viewed it is the branch's (true), else
   * it goes to the live run as usual (false).
   * @param {Record<string, any>} changes @param {Element | null | undefined} origin
   */
  takes(changes, origin) {
    if (this.viewing === null) return false;
    const fields = this.store.schema.fields;
    const rebuild = Object.keys(changes).map((k) => fields.find((f) => f.name === k))
      .find((f) => !f || f.apply !== "live");
    const say = (/** @type {string} */ text) => (origin instanceof HTMLElement
      ? this.page.toasts.near(origin, text) : this.page.toasts.show(text, "info", 5000));
    if (rebuild) {
      say(t("experiments:timeline.rebuild", { step: format.count(this.viewing),
        field: fieldLabel(rebuild.name, rebuild.label) }));
      this.store.set({ config: this.store.config });  // the control shows the run's again
      return true;
    }
    this.changes = { ...this.changes, ...changes };
    say(t("experiments:timeline.for_branch", { changes: this.describeChanges(),
      step: format.count(this.viewing), button: this.els.branch.textContent?.trim() ?? "" }));
    this.render();
    return true;
  }

  describeChanges() {
    const fields = this.store.schema.fields;
    return Object.entries(this.changes).map(([k, v]) => t("experiments:timeline.change", {
      field: fieldLabel(k, fields.find((f) => f.name === k)?.label ?? k), value: shown(k, v) }))
      .join(", ");
  }

  /** Leave the view's branch settings: the controls show the run's again. */
  forget() {
    if (Object.keys(this.changes).length) {
      this.changes = {};
      this.page.toasts.dismissNear();
      this.store.set({ config: this.store.config });
    }
  }

  async branch() {
    const step = this.viewing;
    if (step === null) return;
    const reply = await this.page.commands.act({ type: "branch", step, config: this.changes },
      this.els.branch);
    if (reply.type !== "applied") return;
    this.changes = {};
    this.page.toasts.dismissNear();  // "… for the branch from step S" is done
    this.page.chart.truncate(reply.branched_from);
    this.store.set({ config: { ...this.store.config, ...reply.changed } });
    if (reply.original?.token) this.page.remember(reply.original.token);
    const what = Object.keys(reply.changed).length ? "branched_with" : "branched";
    this.page.toasts.show(t(`experiments:timeline.${what}`,
      { step: format.count(reply.branched_from) }), "info", 6000);
  }

  /** "Step S (viewing) of N", or "Live". @param {number | null} step */
  showStatus(step) {
    const els = this.els;
    // the status is as wide as its longest text (timeline.css): nothing moves when a step is viewed
    els.status.dataset.reserve = t("experiments:timeline.viewing", { step: format.count(this.live) });
    if (step === null) {
      setText(els.status, t("experiments:timeline.live"));
      els.status.title = t("experiments:timeline.live_tip", { step: format.count(this.live) });
    } else {
      setText(els.status, t("experiments:timeline.viewing", { step: format.count(step) }));
      els.status.title = t("experiments:timeline.viewing_tip", { step: format.count(step),
        live: format.count(this.live) });
    }
  }

  render() {
    const { range, bar, live, branch } = this.els;
    const locked = this.page.locked();
    const lo = this.steps[0] ?? 0;
    const hi = Math.max(this.live, lo);
    range.min = String(lo);
    range.max = String(hi);
    range.disabled = Boolean(locked) || this.steps.length < 2 && hi === lo;
    if (!this.dragging && this.wanted === null) {
      range.value = String(this.viewing ?? hi);
      this.showStatus(this.viewing);
    }
    range.setAttribute("aria-valuetext", this.viewing === null
      ? t("experiments:timeline.value_live", { step: format.count(hi) })
      : t("experiments:timeline.value_viewing", { step: format.count(this.viewing),
        live: format.count(hi) }));
    bar.classList.toggle("viewing", this.viewing !== null);
    live.disabled = this.viewing === null || Boolean(locked);
    const saves = this.store.hello?.saves !== false;
    branch.disabled = this.viewing === null || Boolean(locked) || !saves;
    branch.title = !saves ? t("experiments:timeline.no_save")
      : Object.keys(this.changes).length
        ? t("experiments:timeline.branch_with", { changes: this.describeChanges() })
        : t("experiments:timeline.branch_tip");
    branch.classList.toggle("has-changes", Object.keys(this.changes).length > 0);
    this.drawTicks(lo, hi);
  }

  /** A tick under the scrubber at each checkpoint. @param {number} lo @param {number} hi */
  drawTicks(lo, hi) {
    const key = `${lo}:${hi}:${this.steps.join(",")}`;
    if (key === this.ticksKey) return;
    this.ticksKey = key;
    const ticks = this.els.ticks;
    ticks.dataset.steps = this.steps.join(",");
    ticks.replaceChildren(...this.steps.map((s) => {
      const tick = h("span", { className: "tick" });
      tick.style.left = `${hi > lo ? (100 * (s - lo)) / (hi - lo) : 0}%`;
      return tick;
    }));
  }
}

/** A setting's value as the page writes it: a choice by its name, a number the language's way. @param {string} name @param {any} v */
function shown(name, v) {
  if (Array.isArray(v)) return v.join("-");
  if (typeof v === "number") return format.rounded(v, 6);
  if (typeof v === "boolean") return t(v ? "experiments:value.on" : "experiments:value.off");
  return choiceLabel(name, v);
}
