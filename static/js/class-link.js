// @ts-check
/**
 * The teacher's connection to the class (docs/classroom.md, "The teacher's view of the class"):
 * while this page teaches a class it holds `/ws?teacher=TEACHER_TOKEN` open beside its
 * session's own socket (socket.js's Connection, which reconnects after a drop as the session's
 * does and decodes the binary `class` message). What comes goes to the store: the newest class
 * message (`board`), the locked controls (`classLocks`) and the spotlight; a spotlighted run's
 * data, network and frames go to the view that draws it. The room's commands go out from here,
 * and a refusal is shown as the server's sentence, in the page's language (toasts.js's
 * `errorText`). The connection's state (`classLink`) is a word the view translates:
 * "connecting", "reconnecting", "connected", "closed", "refused" or "replaced".
 */

import { keptClass } from "./classroom.js";
import { t } from "./i18n.js";
import { Connection } from "./socket.js";
import { errorText } from "./toasts.js";

const SPOTLIGHT_FPS = 20;  // the spotlighted run's frames on this page: enough for a projector

/**
 * @typedef {object} SpotlightViewer  where a spotlighted run is drawn (class-view.js)
 * @property {(run: any) => void} run  its `spotlight_run`: start over with this run
 * @property {(data: import("./socket.js").Decoded) => void} data
 * @property {(network: import("./socket.js").Decoded) => void} network
 * @property {(frame: import("./socket.js").Decoded) => void} frame
 */

export class ClassLink {
  /**
   * @param {import("./store.js").Store} store
   * @param {import("./toasts.js").Toasts} toasts  where refusals are shown (the class view's)
   * @param {SpotlightViewer} viewer
   */
  constructor(store, toasts, viewer) {
    this.store = store;
    this.toasts = toasts;
    this.viewer = viewer;
    /** @type {Connection | null} */
    this.socket = null;
    /** the teacher token the socket is for ("" without a class) */
    this.token = "";
    store.on("classroom", (c) => this.follow(c));
  }

  /** Open the teacher's connection for this class, or close it (no class). @param {any} c */
  follow(c) {
    const token = c ? keptClass()?.token ?? "" : "";
    if (token === this.token) return;
    this.socket?.stop();
    this.socket = null;
    this.token = token;
    this.store.set({ board: null, classLocks: [], spotlight: null, classLink: "" });
    if (!token) return;
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
    const socket = new Connection(url, {
      onHello: (hello) => this.hello(hello),
      onClass: (board) => this.store.set({ board }),
      onData: (data) => this.viewer.data(data),
      onNetwork: (network) => this.viewer.network(network),
      onFrame: (frame) => this.viewer.frame(frame),
      onEvent: (message) => this.event(message),
      // why it was refused came as an error first, shown as a toast
      onStatus: (status) => this.store.set({ classLink: status }),
    }, { role: "teacher", token: () => token });
    this.socket = socket;
    socket.connect();
  }

  /** @param {any} hello  the teacher's connection's hello: the room, its locks and spotlight */
  hello(hello) {
    this.store.set({ classLocks: hello.room.locked ?? [], spotlight: hello.room.spotlight });
    // the spotlighted run's frames: full ones (this page draws no maps of another run), and
    // not as many as the teacher's own
    this.socket?.send({ type: "frames", mode: "full" });
    this.socket?.send({ type: "fps", fps: SPOTLIGHT_FPS });
  }

  /** @param {any} m  an event of the room, or an error reply nobody waits for */
  event(m) {
    if (m.type === "locks") this.store.set({ classLocks: m.controls });
    else if (m.type === "spotlight") {
      this.store.set({ spotlight: m.student ? { student: m.student, name: m.name } : null });
    } else if (m.type === "spotlight_run") this.viewer.run(m);
    else if (m.type === "room_closed") this.store.set({ classLink: "closed" });
    else if (m.type === "error") this.toasts.show(errorText(m));
  }

  /**
   * Send one of the room's commands; a refusal is shown (the server's sentence). Resolves with
   * the reply.
   * @param {Record<string, any>} command
   */
  async send(command) {
    const reply = this.socket ? await this.socket.send(command)
      : { type: "error", code: "disconnected", message: t("classroom:link.no_class") };
    if (reply.type === "error") this.toasts.show(errorText(reply));
    return reply;
  }
}
