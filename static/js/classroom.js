// @ts-check
/**
 * The teacher's class, in the drawer's Class tab (docs/classroom.md). "Start a class" opens a
 * room on this page's session (POST /api/rooms with its resume token); the panel then shows
 * the join code large enough to read from the back of a room, the join address and its QR
 * code, and how many students have joined; "Close the class" ends it. The teacher token is
 * kept in sessionStorage, so a reload keeps the class.
 *
 * With `nnplay --classroom` the server marks the page (`data-classroom`): the first page on
 * that machine starts a class at once and opens the tab; a later one opens the tab, with its
 * button.
 */

import { setText } from "./dom.js";
import { language, onLanguage, t } from "./i18n.js";
import { TOKEN_KEY } from "./socket.js";
import { errorText } from "./toasts.js";

const CLASS_KEY = "nnplay.class";  // {code, token}: the class this tab teaches
const ROSTER_MS = 2000;  // how often the panel asks how many students have joined

export class ClassPanel {
  /**
   * @param {{tab: HTMLElement, start: HTMLElement, open: HTMLButtonElement, reach: HTMLElement,
   *          error: HTMLElement, live: HTMLElement, qr: HTMLImageElement,
   *          qrMissing: HTMLElement, url: HTMLElement, code: HTMLElement, count: HTMLElement,
   *          close: HTMLButtonElement}} els
   * @param {import("./store.js").Store} store
   * @param {import("./drawer.js").Drawer} drawer
   */
  constructor(els, store, drawer) {
    this.els = els;
    this.store = store;
    this.drawer = drawer;
    const page = document.body.dataset;
    this.origin = page.joinOrigin || location.origin;
    this.hasQr = page.qr === "svg";
    /** "start": open a class on the first hello; "open": show the tab; "": neither */
    this.mode = page.classroom ?? "";
    this.shownCode = "";
    this.timer = 0;
    /** the roster request under way: closing waits for it (it would find no class) */
    this.asking = Promise.resolve();
    els.reach.hidden = !isLoopback(new URL(this.origin).hostname);
    els.open.addEventListener("click", () => this.start());
    els.close.addEventListener("click", () => this.close());
    store.on("hello", (hello) => this.hello(hello));
    store.on("classroom", () => this.show());
    onLanguage(() => this.show());
  }

  /** @param {any} hello  this page's session's hello: its `room` is the class it teaches */
  async hello(hello) {
    const room = hello.room;
    const kept = this.kept();
    if (room && kept?.code === room.code) {
      this.store.set({ classroom: { ...room, join_path: `/join/${room.code}` } });
    } else if (room) {
      await this.start();  // a class whose token this tab lost: asking again gives a new one
    } else {
      sessionStorage.removeItem(CLASS_KEY);
      this.store.set({ classroom: null });
    }
    const mode = this.mode;
    this.mode = "";  // once per page
    if (mode) this.drawer.show("class");
    if (mode === "start" && !room) await this.start();
  }

  kept() {
    return keptClass();
  }

  /** Open a class on this page's session (or get its class back with a new token). */
  async start() {
    const els = this.els;
    els.error.textContent = "";
    els.open.disabled = true;
    const { ok, body } = await call("/api/rooms", { method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: sessionStorage.getItem(TOKEN_KEY) }) });
    els.open.disabled = false;
    if (!ok) {
      els.error.textContent = serverText(body);
      return;
    }
    sessionStorage.setItem(CLASS_KEY, JSON.stringify({ code: body.code, token: body.teacher_token }));
    this.store.set({ classroom: { ...body.room, join_path: body.join_path, following: 0 } });
  }

  async close() {
    const kept = this.kept();
    if (!kept) return;
    clearInterval(this.timer);
    this.timer = 0;
    await this.asking;
    const { ok, body } = await call(`/api/rooms/${kept.code}`, { method: "DELETE",
      headers: { Authorization: `Bearer ${kept.token}` } });
    if (!ok && body.detail?.code !== "no_room") {
      this.els.error.textContent = serverText(body);
    }
    sessionStorage.removeItem(CLASS_KEY);
    this.store.set({ classroom: null });
  }

  /** How many students have joined, and how many follow now (asked every ROSTER_MS). */
  roster() {
    this.asking = this.asking.then(() => this.askRoster());
  }

  async askRoster() {
    const kept = this.kept();
    const now = this.store.classroom;
    if (!kept || !now || !this.timer || document.hidden) return;
    const { ok, body } = await call(`/api/rooms/${kept.code}`, {
      headers: { Authorization: `Bearer ${kept.token}` } });
    if (this.store.classroom?.code !== now.code) return;  // closed meanwhile
    if (ok) {
      if (body.size !== now.size || body.following !== now.following) {
        this.store.set({ classroom: { ...now, size: body.size, following: body.following } });
      }
    } else if (["no_room", "not_teacher"].includes(body.detail?.code)) {
      // closed, or taken over by another tab of this session (its token replaced this one)
      sessionStorage.removeItem(CLASS_KEY);
      this.store.set({ classroom: null });
      this.els.error.textContent = serverText(body);
    }
  }

  show() {
    const { els } = this;
    const c = this.store.classroom;
    els.start.hidden = Boolean(c);
    els.live.hidden = !c;
    els.tab.classList.toggle("live", Boolean(c));
    if (!c) {
      clearInterval(this.timer);
      this.timer = 0;
      this.shownCode = "";
      return;
    }
    setText(els.code, c.code);
    setText(els.url, `${this.origin}/join`);  // short to type; the QR code holds the code too
    els.code.translate = els.url.translate = false;  // an address and a code: the same in every language
    const n = c.size ?? 0;
    setText(els.count, n === 0 ? t("classroom:panel.none")
      : `${t("classroom:panel.joined", { count: n })} · ${
        t("classroom:panel.following", { count: c.following ?? 0 })}`);
    if (c.code !== this.shownCode) {
      this.shownCode = c.code;
      this.showQr(c.code);
    }
    if (!this.timer) this.timer = window.setInterval(() => this.roster(), ROSTER_MS);
  }

  /** The join address as a QR code, drawn by the server (segno), or the line that says how to
   *  add it. @param {string} code */
  async showQr(code) {
    const { els } = this;
    els.qr.hidden = true;
    els.qrMissing.hidden = this.hasQr;
    const kept = this.kept();
    if (!this.hasQr || !kept) return;
    const response = await fetch(`/api/rooms/${code}/qr.svg`, {
      headers: { Authorization: `Bearer ${kept.token}` } });
    if (!response.ok || this.shownCode !== code) return;
    els.qr.src = `data:image/svg+xml,${encodeURIComponent(await response.text())}`;
    els.qr.hidden = false;
  }
}

/** The class this tab teaches, as kept in sessionStorage. @returns {{code: string, token: string} | null} */
export function keptClass() {
  try {
    return JSON.parse(sessionStorage.getItem(CLASS_KEY) ?? "null");
  } catch {
    return null;
  }
}

/**
 * What a room route's refusal (or a refused push) says, shown beside what it is about: its
 * error reply (`detail`) in the page's language (toasts.js's `errorText`; in English the
 * server's sentence alone, as the field beside it says what is allowed), or what `call` said
 * of a reply with none.
 * @param {any} body
 */
export function serverText(body) {
  const detail = body?.detail;
  const reply = detail && typeof detail === "object" && !Array.isArray(detail) ? detail : body ?? {};
  if (reply.said) return reply.said;
  return language() === "en" && reply.message ? reply.message : errorText(reply);
}

/**
 * A request to the room routes: whether it succeeded, and its JSON body (on a failure with no
 * JSON, `{said}`: what happened, in the page's language).
 * @param {string} url @param {RequestInit} init
 * @returns {Promise<{ok: boolean, body: any}>}
 */
async function call(url, init) {
  try {
    const response = await fetch(url, init);
    const body = await response.json().catch(() => ({
      said: t("classroom:server.answered", { status: response.status }) }));
    return { ok: response.ok, body };
  } catch {
    return { ok: false, body: { said: t("classroom:server.unreachable") } };
  }
}

/** @param {string} host */
function isLoopback(host) {
  return host === "localhost" || host.startsWith("127.") || host === "[::1]";
}
