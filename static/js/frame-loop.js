// @ts-check
/**
 * Drawing frames: one per animation frame, from a queue of at most two (so frames that arrive
 * together are both drawn, and a page that falls behind drops the oldest). Each frame goes to
 * the read-outs, the views of its network, and the chart (the chart point the server sends,
 * `header.point`, as it keeps it in its history). Every draw is timed into the store's stats,
 * so the page's cost is measurable.
 */

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
const DIAGNOSTICS_EVERY = 6; // drawn frames between redraws of the open diagnostics tab

export class FrameLoop {
  /** @param {import("./store.js").Store} store @param {FrameViews} views */
  constructor(store, views) {
    this.store = store;
    this.views = views;
    this.second = performance.now();
    this.drawnThisSecond = 0;
  }

  /** A frame arrived: queue it for the next animation frame. @param {Decoded} frame */
  receive(frame) {
    const { stats, pending } = this.store;
    stats.received += 1;
    stats.bytes += frame.bytes;
    pending.push(frame);
    if (pending.length > MAX_PENDING) pending.shift();
  }

  start() {
    const tick = () => {
      this.tick();
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  tick() {
    const stats = this.store.stats;
    stats.rafs += 1;
    const frame = this.store.pending.shift();
    if (frame) {
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
    v.chart.setCompare(h.compare ?? null);
    v.chart.add(h.point, h.losses);
    v.chart.flush();
  }
}
