// @ts-check
/**
 * The page's test interface: `window.nnplayTest`, for the browser tests (tests/e2e), the
 * browser benchmark (bench/browser.py) and the README's screenshots (docs/make_screenshots.py).
 * It is the only part of the page they may use besides the DOM; the store's shape and the
 * modules' fields are not part of it and can change. docs/testing.md says how to use it.
 *
 * Observing (each returns a copy, plain JSON unless it says otherwise):
 *   ready()          true once the session is set up as the link asks and the page has drawn a
 *                    frame that reflects every command applied so far, with that frame's
 *                    network and data: the page is settled (until the next command)
 *   config()         the session's config as the page holds it (the server's, after `set`)
 *   session()        "paused", "running" or "diverged", as the page shows it
 *   selected()       the selected point's index, or null
 *   hello()          the server's hello: session, resumed, limits, … (null before it came)
 *   network()        the `network` message's header (sizes, version, plane, input_names, …)
 *                    with input_labels; null before it came
 *   dataHeader()     the `data` message's header (count, extent, dataset, version, …), or null
 *   dataArrays()     the points: {X, y, train}, each {shape, data: number[]}, or null
 *   frameHeader()    the newest drawn frame's header (step, epoch, state, metrics, point, …), or
 *                    null before the first
 *   frameArray(name) one array of the newest drawn frame as {shape, data: number[]}, or null
 *   frame()          the newest drawn frame as decoded, NOT a copy: {header, arrays}, each array
 *                    {shape, data} with data a typed-array view on the message; read only. For
 *                    predicates that run every animation frame (no copying) and for checks of
 *                    the decoding itself.
 *   chartPoints()    the loss chart's points ({step, epoch, train_loss, …}), oldest first
 *   chartBatch()     the chart's mini-batch losses, [[step, loss], …]
 *   stats()          the page's counters: received, drawn, rafs (animation frames), drawMs,
 *                    maxDrawMs, bytes, errors (refused commands)
 *
 * Acting (where the page has no control for it, or a test needs the reply):
 *   act(command)     send a protocol command as the page does (an error reply is shown as a
 *                    toast and counted); resolves with the reply
 *   select(index)    select a point as clicking it does (null: none); resolves with the reply
 *   dropSocket()     drop the websocket as a network failure would; the page reconnects and
 *                    resumes the session
 *
 * A teacher's page teaching a class (docs/classroom.md):
 *   classView()      the class view as shown: {open, sort, cards, locked, spotlight}; cards in
 *                    the order shown, each {id, name, mode ("own", "follow" or "away"), step,
 *                    score, diff, drawn (its thumbnail is painted), note (a push's result on
 *                    it, or "")}; spotlight: null, or {student, name, frame: the header of the
 *                    spotlighted run's newest frame drawn in the view, or null}. null on a
 *                    student's page
 *
 * Compared runs (compare-view.js):
 *   compare()        the compare view as shown: {open, pins (how many), metric, target,
 *                    legend (its texts, in order), plotsDrawn, comparison (the server's
 *                    answer drawn, POST /api/runs/compare, or null)}; null on a student's page
 */

/**
 * @param {{store: import("./store.js").Store, commands: import("./commands.js").Commands,
 *          socket: import("./socket.js").Connection, chart: import("./charts.js").Chart,
 *          classView: import("./class-view.js").ClassView | null,
 *          compareView: import("./compare-view.js").CompareView | null}} page
 */
export function testInterface({ store, commands, socket, chart, classView, compareView }) {
  /** @template T @param {T} value @returns {T} */
  const copy = (value) => (value == null ? value : structuredClone(value));
  /** @param {import("./socket.js").NDArray | undefined} a */
  const plain = (a) => (a ? { shape: [...a.shape], data: Array.from(a.data) } : null);
  return Object.freeze({
    ready: () => {
      const h = store.frame?.header;
      return store.ready && h != null && store.net !== null && store.data !== null
        && h.network_version === store.net.version && h.data_version === store.data.header.version
        && h.command_seq >= store.commandSeq;
    },
    config: () => copy(store.config),
    session: () => store.session,
    selected: () => store.selected,
    /** the session's pace as the server last confirmed it (steps/s or "max") */
    speed: () => store.speed,
    hello: () => copy(store.hello),
    network: () => {
      if (!store.net) return null;
      const { features, ...header } = store.net;
      return copy(header);
    },
    dataHeader: () => copy(store.data?.header ?? null),
    dataArrays: () => {
      const a = store.data?.arrays;
      return a ? { X: plain(a.X), y: plain(a.y), train: plain(a.train) } : null;
    },
    frameHeader: () => copy(store.frame?.header ?? null),
    /** @param {string} name */
    frameArray: (name) => plain(store.frame?.arrays[name]),
    frame: () => (store.frame ? { header: store.frame.header, arrays: store.frame.arrays } : null),
    chartPoints: () => copy(chart.points),
    chartBatch: () => copy(chart.batch),
    stats: () => ({ ...store.stats }),
    /** @param {Record<string, any>} command */
    act: (command) => commands.act(command),
    /** @param {number | null} index */
    select: (index) => commands.selectSample(index),
    dropSocket: () => socket.drop(),
    classView: () => classView?.snapshot() ?? null,
    compare: () => compareView?.snapshot() ?? null,
  });
}
