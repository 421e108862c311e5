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
 */

import { h, setText } from "./dom.js";
import * as format from "./format.js";

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
      say(`While you view step ${format.count(this.viewing)}, settings go to a branch from it, ` +
        `and ${rebuild?.label ?? "this"} would build a new network: go back to live to change it`);
      this.store.set({ config: this.store.config });  // the control shows the run's again
      return true;
    }
    this.changes = { ...this.changes, ...changes };
    say(`${this.describeChanges()}: for the branch from step ${format.count(this.viewing)} ` +
      "(Branch from here)");
    this.render();
    return true;
  }

  describeChanges() {
    const fields = this.store.schema.fields;
    return Object.entries(this.changes).map(([k, v]) =>
      `${fields.find((f) => f.name === k)?.label ?? k} ${Array.isArray(v) ? v.join("-") : v}`)
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
    const what = Object.keys(reply.changed).length ? " with your settings" : "";
    this.page.toasts.show(`Branched from step ${format.count(reply.branched_from)}${what}. ` +
      "The run as it was is kept: Share → Recent runs", "info", 6000);
  }

  /** "Step S (viewing) of N", or "Live". @param {number | null} step */
  showStatus(step) {
    const els = this.els;
    if (step === null) {
      setText(els.status, "Live");
      els.status.title = `the live run, at step ${format.count(this.live)}`;
    } else {
      setText(els.status, `Step ${format.count(step)} (viewing)`);
      els.status.title = `viewing step ${format.count(step)} of ${format.count(this.live)}: ` +
        "the run goes on as it was";
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
    range.setAttribute("aria-valuetext", this.viewing === null ? `live, step ${hi}`
      : `step ${this.viewing} of ${hi} (viewing)`);
    bar.classList.toggle("viewing", this.viewing !== null);
    live.disabled = this.viewing === null || Boolean(locked);
    const saves = this.store.hello?.saves !== false;
    branch.disabled = this.viewing === null || Boolean(locked) || !saves;
    branch.title = !saves ? "This server saves no runs (--no-save), so a branch cannot keep the original"
      : Object.keys(this.changes).length ? `Go on from this step with: ${this.describeChanges()}`
        : "Go on from this step as a new run (change settings first to branch with them); " +
          "the run as it is is kept";
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
