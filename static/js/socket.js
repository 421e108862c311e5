// @ts-check
/**
 * The only module that speaks the wire protocol (docs/protocol.md).
 *
 * It opens the websocket, resumes the session after a drop (its token lives in
 * sessionStorage, so a reload resumes too), or, on a student's page, opens the student's place
 * in a class with the student token (sessionStorage too: a drop or a reload comes back to the
 * class, in the mode the student left), or, on a teacher's page that teaches a class, the
 * teacher's connection with the teacher token (the class once a second, the room's commands);
 * sends commands and matches their replies, and decodes binary messages into plain objects
 * whose arrays are typed-array views on the message, without copies. The views never see the
 * socket: they get what `on*` hands them. What it tells the page (a status's detail, why a
 * reply will not come) is in the page's language, and a status is told again when it changes.
 */

import * as format from "./format.js";
import { has, onLanguage, t } from "./i18n.js";

/** @type {Record<string, any>} */
const TYPED = {
  float32: Float32Array, float64: Float64Array, uint8: Uint8Array, uint16: Uint16Array,
  int32: Int32Array,
};

/**
 * @typedef {{data: ArrayLike<number>, shape: number[]}} NDArray
 * @typedef {{header: Record<string, any>, arrays: Record<string, NDArray>, bytes: number,
 *            unpacked: Promise<void> | null}} Decoded
 */

/**
 * Decode a binary message: uint32 LE header length H, H bytes of JSON, then the body: the
 * arrays one after the other in `header.arrays` order, each at a multiple of 8 from the body's
 * start. An entry is [name, dtype, shape] (raw: a typed-array view on the message, no copy) or
 * [name, dtype, shape, "planes", n] (n bytes of packed 8-bit pictures: `unpacked` resolves once
 * they are decoded; until then the array is absent).
 * @param {ArrayBuffer} buffer
 * @returns {Decoded}
 */
export function decodeMessage(buffer) {
  const view = new DataView(buffer);
  const n = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, n)));
  let offset = 4 + n;
  /** @type {Record<string, NDArray>} */
  const arrays = {};
  /** @type {Promise<void>[]} */
  const packed = [];
  for (const [name, dtype, shape, codec, packedBytes] of header.arrays) {
    const Typed = TYPED[dtype];
    if (!Typed) throw new Error(`unknown dtype ${dtype} for ${name}`);
    const count = shape.reduce((/** @type {number} */ a, /** @type {number} */ b) => a * b, 1);
    let size = count * Typed.BYTES_PER_ELEMENT;
    if (codec === undefined) {
      arrays[name] = { data: new Typed(buffer, offset, count), shape };
    } else if (codec === "planes" && dtype === "uint8") {
      size = packedBytes;
      packed.push(unpackPlanes(new Uint8Array(buffer, offset, size), shape).then((data) => {
        arrays[name] = { data, shape };
      }));
    } else {
      throw new Error(`unknown codec ${codec} for ${name}`);
    }
    offset += size + (-size & 7);
  }
  if (offset > buffer.byteLength) throw new Error("a binary message shorter than its arrays");
  delete header.arrays;
  return { header, arrays, bytes: buffer.byteLength,
    unpacked: packed.length ? Promise.all(packed).then(() => undefined) : null };
}

/**
 * Packed 8-bit pictures (app/frames.py encode_planes): inflate the raw deflate stream (the
 * browser's own DecompressionStream), then undo the prediction from the left, upper and
 * upper-left neighbours: a running sum down each column, then along each row, modulo 256.
 * @param {Uint8Array} bytes
 * @param {number[]} shape  the last two axes are each picture's rows and columns
 * @returns {Promise<Uint8Array>}
 */
export async function unpackPlanes(bytes, shape) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  const data = new Uint8Array(await new Response(stream).arrayBuffer());
  const w = shape[shape.length - 1], h = shape[shape.length - 2];
  if (data.length !== shape.reduce((a, b) => a * b, 1)) {
    throw new Error(`packed pictures of ${data.length} bytes for the shape ${shape}`);
  }
  for (let plane = 0; plane < data.length; plane += w * h) {
    for (let i = plane + w; i < plane + w * h; i++) data[i] += data[i - w];  // down each column
    for (let row = plane; row < plane + w * h; row += w) {
      for (let i = row + 1; i < row + w; i++) data[i] += data[i - 1];  // along each row
    }
  }
  return data;
}
export const TOKEN_KEY = "nnplay.resume";
export const STUDENT_KEY = "nnplay.student";  // the student token POST /api/rooms/join gave
const BACKOFF = [250, 500, 1000, 2000, 4000];

/**
 * @typedef {object} Handlers
 * @property {(hello: any) => void} [onHello]
 * @property {(frame: Decoded) => void} [onFrame]
 * @property {(network: Decoded) => void} [onNetwork]
 * @property {(data: Decoded) => void} [onData]
 * @property {(board: Decoded) => void} [onClass]  the teacher's connection: the class message
 * @property {(message: any) => void} [onEvent]   stepped, diverged, errors without a caller
 * @property {(status: string, detail?: string) => void} [onStatus]
 */

const REPLACED = 4001;  // the server's close code for a session resumed by a newer connection
const ROOM_CLOSED = 4002;  // the teacher closed the class: coming back cannot help
const REMOVED = 4003;  // the teacher removed this student from the class

/**
 * Why the server refused a connection (the close's reason, an error code), as a status says
 * it: the code's words, or the code as is when it is none of those the page knows.
 * @param {string} reason
 */
function refusedWhy(reason) {
  const key = `messages:connection.refused.${reason}`;
  return reason && has(key) ? t(key) : reason;
}

/**
 * @typedef {"session" | "student" | "teacher"} Role
 *   session: the page's own session (resume=); student: a student's place in a class
 *   (student=, never a resume token: the server opens the student's own session); teacher: the
 *   room's teacher's connection (teacher=), beside the page's session's own
 */

export class Connection {
  /**
   * @param {string} url  ws://host/ws
   * @param {Handlers} handlers
   * @param {{role?: Role, token?: () => string | null}} [options]  token: the teacher token
   *   (the teacher's connection has no token of its own in sessionStorage)
   */
  constructor(url, handlers, { role = "session", token } = {}) {
    this.url = url;
    this.handlers = handlers;
    this.role = role;
    this.student = role === "student";
    this.token = token ?? (() => sessionStorage.getItem(this.student ? STUDENT_KEY : TOKEN_KEY));
    /** @type {WebSocket | null} */
    this.ws = null;
    this.nextId = 1;
    /** @type {Map<string, {resolve: Function}>} */
    this.pending = new Map();
    this.attempt = 0;
    /** @type {(string | ArrayBuffer)[]} messages received, not yet handled (the first one is
     *  being handled) */
    this.inbox = [];
    /** @type {[string, (() => string) | undefined] | null} the status last told, its detail
     *  written anew in each language */
    this.told = null;
    onLanguage(() => {
      if (this.told) this.status(...this.told);
    });
  }

  connect() {
    const key = { session: "resume", student: "student", teacher: "teacher" }[this.role];
    const token = this.token();
    // a student not in a class yet has no session of their own either; a teacher's connection
    // without its token has no class to open
    if (this.role !== "session" && !token) return;
    const ws = new WebSocket(token ? `${this.url}?${key}=${encodeURIComponent(token)}` : this.url);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    this.status(this.attempt ? "reconnecting" : "connecting");
    ws.onmessage = (event) => this.receive(event.data);
    ws.onclose = (event) => this.closed(event);
  }

  /** @param {string} state @param {() => string} [detail]  the detail, in the page's language */
  status(state, detail) {
    this.told = [state, detail];
    this.handlers.onStatus?.(state, detail?.());
  }

  /**
   * Messages are handled in the order they came. Most are handled at once; one with packed
   * pictures waits for them, and so does everything that came after it.
   * @param {string | ArrayBuffer} data
   */
  receive(data) {
    this.inbox.push(data);
    if (this.inbox.length === 1) this.drain();
  }

  async drain() {
    while (this.inbox.length) {
      const data = this.inbox[0];
      try {
        if (typeof data === "string") this.handleText(data);
        else {
          const decoded = decodeMessage(data);
          if (decoded.unpacked) await decoded.unpacked;
          this.handleBinary(decoded);
        }
      } catch (error) {
        reportError(error);  // as an uncaught error would be; the next messages still come
      }
      this.inbox.shift();
    }
  }

  /** @param {Decoded} decoded */
  handleBinary(decoded) {
    const kind = decoded.header.type;
    if (kind === "frame") this.handlers.onFrame?.(decoded);
    else if (kind === "network") this.handlers.onNetwork?.(decoded);
    else if (kind === "data") this.handlers.onData?.(decoded);
    else if (kind === "class") this.handlers.onClass?.(decoded);
  }

  /** @param {string} data */
  handleText(data) {
    const message = JSON.parse(data);
    if (message.type === "hello") {
      // A hello mid-connection: the session came back from its last save on another worker
      // (docs/scaling.md). Replies still awaited will not come.
      this.endReplies(t("messages:connection.restored"));
      this.attempt = 0;
      if (this.role === "session") sessionStorage.setItem(TOKEN_KEY, message.resume_token);
      const detail = message.resumed ? "resumed" : "new";  // a word for the code, not shown
      this.status("connected", () => detail);
      this.handlers.onHello?.(message);
      return;
    }
    const waiter = message.id != null ? this.pending.get(String(message.id)) : undefined;
    if (waiter && ["applied", "error", "state", "explanation", "code"].includes(message.type)) {
      this.pending.delete(String(message.id));
      waiter.resolve(message);
      if (message.type === "error") this.handlers.onEvent?.(message);
      return;
    }
    this.handlers.onEvent?.(message);
  }

  /** @param {CloseEvent} event */
  closed(event) {
    this.endReplies(t("messages:connection.dropped"));
    if (event.code === REPLACED) {
      // Another tab or window resumed this session: it is theirs now. Reconnecting would take
      // it back and start a tug of war; the page says so and waits for a reload.
      this.status("replaced", () => t(`messages:connection.replaced.${this.role}`));
      return;
    }
    if (event.code === ROOM_CLOSED) {
      this.status("closed", () => t("messages:connection.class_closed"));
      return;
    }
    if (event.code === REMOVED) {
      this.status("closed", () => t("messages:connection.removed"));
      return;
    }
    if (this.role === "teacher" && event.code === 1008) {
      // the token opens no class any more (a newer one replaced it): the error said so
      const reason = event.reason;
      this.status("refused", () => refusedWhy(reason));
      return;
    }
    if (event.code === 1008 || event.code === 1013) {
      // refused (origin or session cap): the error message came before the close
      const reason = event.reason;
      this.status("refused", () => refusedWhy(reason));
    }
    const delay = BACKOFF[Math.min(this.attempt, BACKOFF.length - 1)];
    this.attempt += 1;
    this.status("reconnecting", () => t("messages:connection.retry_in", { ms: format.count(delay) }));
    setTimeout(() => this.connect(), delay);
  }

  /**
   * Send a command; resolves with its reply (applied, error or state).
   * @param {Record<string, any>} command
   * @returns {Promise<any>}
   */
  send(command) {
    const id = `p${this.nextId++}`;
    return new Promise((resolve) => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
        resolve({ type: "error", code: "disconnected", command: command.type,
          message: t("messages:connection.not_sent") });
        return;
      }
      this.pending.set(id, { resolve });
      this.ws.send(JSON.stringify({ ...command, id }));
    });
  }

  /** Close for good, without coming back (a student token the server does not know). */
  stop() {
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = null;
      ws.close(1000, "stopped");
    }
    this.endReplies(t("messages:connection.closed"));
  }

  /** Replies still awaited will not come: each waiter gets `disconnected`. @param {string} why */
  endReplies(why) {
    for (const waiter of this.pending.values()) {
      waiter.resolve({ type: "error", code: "disconnected", message: why });
    }
    this.pending.clear();
  }

  /** Drop the socket as a network failure would (for tests): the session resumes. */
  drop() {
    this.ws?.close(4000, "dropped");
  }
}
