// @ts-check
/**
 * The only module that speaks the wire protocol (docs/protocol.md).
 *
 * It opens the websocket, resumes the session after a drop (its token lives in
 * sessionStorage, so a reload resumes too), sends commands and matches their replies, and
 * decodes binary messages into plain objects whose arrays are typed-array views on the
 * message, without copies. The views never see the socket: they get what `on*` hands them.
 */

/** @type {Record<string, any>} */
const TYPED = {
  float32: Float32Array, float64: Float64Array, uint8: Uint8Array, uint16: Uint16Array,
  int32: Int32Array,
};

/**
 * @typedef {{data: ArrayLike<number>, shape: number[]}} NDArray
 * @typedef {{header: Record<string, any>, arrays: Record<string, NDArray>, bytes: number}} Decoded
 */

/**
 * Decode a binary message: uint32 LE header length H, H bytes of JSON, then the arrays, each
 * at header.arrays[i].offset from the body start (4 + H, a multiple of 8).
 * @param {ArrayBuffer} buffer
 * @returns {Decoded}
 */
export function decodeMessage(buffer) {
  const view = new DataView(buffer);
  const n = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, n)));
  const body = 4 + n;
  /** @type {Record<string, NDArray>} */
  const arrays = {};
  for (const entry of header.arrays) {
    const Typed = TYPED[entry.dtype];
    if (!Typed) throw new Error(`unknown dtype ${entry.dtype} for ${entry.name}`);
    const count = entry.shape.reduce((a, b) => a * b, 1);
    arrays[entry.name] = { data: new Typed(buffer, body + entry.offset, count), shape: entry.shape };
  }
  delete header.arrays;
  return { header, arrays, bytes: buffer.byteLength };
}

export const TOKEN_KEY = "nnplay.resume";
const BACKOFF = [250, 500, 1000, 2000, 4000];

/**
 * @typedef {object} Handlers
 * @property {(hello: any) => void} [onHello]
 * @property {(frame: Decoded) => void} [onFrame]
 * @property {(network: Decoded) => void} [onNetwork]
 * @property {(data: Decoded) => void} [onData]
 * @property {(message: any) => void} [onEvent]   stepped, diverged, errors without a caller
 * @property {(status: string, detail?: string) => void} [onStatus]
 */

const REPLACED = 4001;  // the server's close code for a session resumed by a newer connection

export class Connection {
  /**
   * @param {string} url  ws://host/ws
   * @param {Handlers} handlers
   */
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers;
    /** @type {WebSocket | null} */
    this.ws = null;
    this.nextId = 1;
    /** @type {Map<string, {resolve: Function}>} */
    this.pending = new Map();
    this.attempt = 0;
  }

  connect() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const ws = new WebSocket(token ? `${this.url}?resume=${encodeURIComponent(token)}` : this.url);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    this.status(this.attempt ? "reconnecting" : "connecting");
    ws.onmessage = (event) => this.receive(event.data);
    ws.onclose = (event) => this.closed(event);
  }

  /** @param {string} state @param {string} [detail] */
  status(state, detail) {
    this.handlers.onStatus?.(state, detail);
  }

  /** @param {string | ArrayBuffer} data */
  receive(data) {
    if (typeof data !== "string") {
      const decoded = decodeMessage(data);
      const kind = decoded.header.type;
      if (kind === "frame") this.handlers.onFrame?.(decoded);
      else if (kind === "network") this.handlers.onNetwork?.(decoded);
      else if (kind === "data") this.handlers.onData?.(decoded);
      return;
    }
    const message = JSON.parse(data);
    if (message.type === "hello") {
      // A hello mid-connection: the session came back from its last save on another worker
      // (docs/scaling.md). Replies still awaited will not come.
      for (const waiter of this.pending.values()) {
        waiter.resolve({ type: "error", code: "disconnected", message: "the session was " +
          "restored from its last save; this command may not have been applied" });
      }
      this.pending.clear();
      this.attempt = 0;
      sessionStorage.setItem(TOKEN_KEY, message.resume_token);
      this.status("connected", message.resumed ? "resumed" : "new");
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
    for (const waiter of this.pending.values()) {
      waiter.resolve({ type: "error", code: "disconnected", message: "the connection dropped" });
    }
    this.pending.clear();
    if (event.code === REPLACED) {
      // Another tab or window resumed this session: it is theirs now. Reconnecting would take
      // it back and start a tug of war; the page says so and waits for a reload.
      this.status("replaced", "this session is open in another tab or window: reload to take it back");
      return;
    }
    if (event.code === 1008 || event.code === 1013) {
      // refused (origin or session cap): the error message came before the close
      this.status("refused", event.reason);
    }
    const delay = BACKOFF[Math.min(this.attempt, BACKOFF.length - 1)];
    this.attempt += 1;
    this.status("reconnecting", `in ${delay} ms`);
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
          message: "not connected; the command was not sent" });
        return;
      }
      this.pending.set(id, { resolve });
      this.ws.send(JSON.stringify({ ...command, id }));
    });
  }

  /** Drop the socket as a network failure would (for tests): the session resumes. */
  drop() {
    this.ws?.close(4000, "dropped");
  }
}
