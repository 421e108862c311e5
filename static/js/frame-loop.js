// @ts-check
/**
 * Drawing frames: one per animation frame, from a queue of at most two (so frames that arrive
 * together are both drawn, and a page that falls behind drops the oldest). Each frame goes to
 * the read-outs, the views of its network, and the chart (the chart point the server sends,
 * `header.point`, as it keeps it in its history). Every draw is timed into the store's stats,
 * so the page's cost is measurable.
 *
 * A reader who asks for less motion (prefers-reduced-motion: reduce) sees the pictures change
 * at most CALM_PER_SECOND times a second while training runs, not at every frame: the newest
 * frame is drawn, the ones between are dropped as a page that falls behind drops them.
 *
 * A lean frame (header.lean) carries weights but no maps: the lean-frame worker (lean.js)
 * computes them first, and frames reach the queue in the order they came, each with the same
 * arrays and header fields whether it came full or lean; the views never know which.
 */

import { LeanPlane } from "./lean.js";

/**
 * @typedef {import("./socket.js").Decoded} Decoded
 * @typedef {object} FrameViews
 * @property {import("./readouts.js").Readouts} readouts
 * @property {import("./network-view.js").NetworkView} network
 * @property {import("./boundary.js").Boundary} boundary
 * @property {import("./tables.js").Tables} tables
 * @property {import("./inspector.js").Inspector} inspector
 * @property {import("./teach.js").Diagnostics} diagnostics
 * @property {import("./charts.js").Chart} chart
 */

const MAX_PENDING = 2;
const MAX_INBOX = 3; // frames waiting for the worker's maps; past it the oldest is dropped
const DIAGNOSTICS_EVERY = 6; // drawn frames between redraws of the open diagnostics tab
const CALM_PER_SECOND = 4; // frames drawn a second at most for prefers-reduced-motion

export class FrameLoop {
  /** @param {import("./store.js").Store} store @param {FrameViews} views */
  constructor(store, views) {
    this.store = store;
    this.views = views;
    this.second = performance.now();
    this.drawnThisSecond = 0;
    this.lean = new LeanPlane(store.schema);
    /** @type {{frame: Decoded, ready: boolean}[]} frames in arrival order, lean ones until their maps are in */
    this.inbox = [];
    this.calm = matchMedia("(prefers-reduced-motion: reduce)");
    this.lastDraw = -Infinity;
  }

  /** A frame arrived: queue it for the next animation frame. @param {Decoded} frame */
  receive(frame) {
    const { stats } = this.store;
    stats.received += 1;
    stats.bytes += frame.bytes;
    const entry = { frame, ready: true };
    const net = this.store.net;
    if (frame.header.lean && net?.plane && frame.header.network_version === net.version) {
      entry.ready = false;
      this.lean.fill(frame, net).catch((e) => console.error(e)).finally(() => {
        entry.ready = true;
        this.flush();
      });
    }
    this.inbox.push(entry);
    if (this.inbox.length > MAX_INBOX) this.inbox.shift();
    this.flush();
  }

  /** Queue the frames whose maps are in, in the order they came. */
  flush() {
    const pending = this.store.pending;
    while (this.inbox.length && this.inbox[0].ready) {
      pending.push(/** @type {{frame: Decoded}} */ (this.inbox.shift()).frame);
      if (pending.length > MAX_PENDING) pending.shift();
    }
  }

  start() {
    const tick = (/** @type {number} */ now) => {
      this.tick(now);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  /** @param {number} [at]  the animation frame's time (requestAnimationFrame's) */
  tick(at = performance.now()) {
    const stats = this.store.stats;
    stats.rafs += 1;
    const waiting = this.calm.matches && at - this.lastDraw < 1000 / CALM_PER_SECOND;
    const frame = waiting ? null : this.store.pending.shift();
    if (frame) {
      this.lastDraw = at;
      const t0 = performance.now();
      this.draw(frame);
      const ms = performance.now() - t0;
      stats.drawMs += ms;
      stats.maxDrawMs = Math.max(stats.maxDrawMs, ms);
      stats.drawn += 1;
      this.drawnThisSecond += 1;
    }
    const now = performance.now();
    if (now - this.second >= 1000) {
      this.views.readouts.fps(this.drawnThisSecond);
      this.drawnThisSecond = 0;
      this.second = now;
    }
  }

  /** @param {Decoded} frame */
  draw(frame) {
    const store = this.store;
    const v = this.views;
    const h = frame.header;
    store.set({ frame });
    if (h.state !== store.session) store.set({ session: h.state });
    v.readouts.frame(h);
    const net = store.net;
    if (net && h.network_version === net.version) {
      v.network.update(frame);
      if (net.plane) v.boundary.update(frame);
      v.tables.update(frame, net.plane);
      v.inspector.update(frame);
      v.diagnostics.add(frame);
      if (store.openTab === "diagnostics" && store.stats.drawn % DIAGNOSTICS_EVERY === 0) {
        v.diagnostics.draw();
      }
    }
    // a view of the past (timeline.js): the chart has its point, and keeps its runs
    if (!h.view) v.chart.setCompare(h.compare ?? null);
    v.chart.add(h.view ? null : h.point, h.losses);
    v.chart.flush();
  }
}
