// @ts-check
/**
 * Recent runs, in the Share tab: the runs this browser has made that the server has saved
 * (app/checkpoints.py), newest first, each to open again or delete.
 *
 * The browser keeps the resume tokens of its sessions (localStorage, at most MAX); the server
 * is asked for the saved runs of those tokens only (POST /api/runs), so a page never sees
 * another browser's runs. Opening a run resumes its session by its token: the page reloads and
 * reconnects with it, and the server brings the run back from memory or from its last save.
 * A token whose run is gone (deleted, pruned) is forgotten.
 */

import * as format from "./format.js";
import { TOKEN_KEY } from "./socket.js";

const KEY = "nnplay.runs";
const MAX = 50;  // the server's limit on tokens per request (app/api.py)

/** The tokens this browser keeps, newest first. @returns {string[]} */
function kept() {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) ?? "[]");
    return Array.isArray(list) ? list.filter((t) => typeof t === "string").slice(0, MAX) : [];
  } catch {
    return [];
  }
}

/** @param {string[]} tokens */
function keep(tokens) {
  try {
    localStorage.setItem(KEY, JSON.stringify(tokens.slice(0, MAX)));
  } catch {
    // storage full or disabled: the list just stays as it is
  }
}

/** "3 min ago", "yesterday" @param {number} unixSeconds */
export function ago(unixSeconds) {
  const seconds = Math.round(unixSeconds - Date.now() / 1000);
  const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  const units = /** @type {[Intl.RelativeTimeFormatUnit, number][]} */ (
    [["day", 86400], ["hour", 3600], ["minute", 60]]);
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
  }
  return "just now";
}

export class RecentRuns {
  /**
   * @param {{list: HTMLElement, note: HTMLElement}} els
   * @param {import("./store.js").Store} store
   * @param {import("./toasts.js").Toasts} toasts
   * @param {{reload: () => void}} [page]  how a run is opened (tests watch it)
   */
  constructor(els, store, toasts, page = { reload: () => location.reload() }) {
    this.els = els;
    this.store = store;
    this.toasts = toasts;
    this.page = page;
    /** @type {any[]} the runs as the server last listed them */
    this.runs = [];
    this.saves = true;
    /** @type {import("./compare-view.js").Pins | null} the pinned runs, when the page compares */
    this.pins = null;
  }

  /** Offer a Pin button on each run (compare-view.js). @param {import("./compare-view.js").Pins} pins */
  usePins(pins) {
    this.pins = pins;
    pins.on(() => this.render());
  }

  /** The session this page holds: its token goes first in the list. @param {string} token */
  remember(token) {
    keep([token, ...kept().filter((t) => t !== token)]);
  }

  get current() {
    return this.store.hello?.resume_token ?? null;
  }

  /** Ask the server for the saved runs of the kept tokens, and show them. */
  async refresh() {
    const tokens = kept();
    let reply;
    try {
      const response = await fetch("/api/runs", { method: "POST",
        headers: { "Content-Type": "application/json" }, body: JSON.stringify({ tokens }) });
      if (!response.ok) throw new Error(`the server answered ${response.status}`);
      reply = await response.json();
    } catch (e) {
      this.els.note.textContent = `The saved runs could not be listed: ${e}`;
      return;
    }
    this.saves = reply.saves;
    this.runs = reply.runs;
    const listed = new Set(this.runs.map((r) => r.token));
    if (this.saves) keep(tokens.filter((t) => listed.has(t) || t === this.current));
    this.render();
  }

  render() {
    const { list, note } = this.els;
    list.replaceChildren();
    if (!this.saves) {
      note.textContent = "This server does not save runs (it was started with --no-save).";
      return;
    }
    note.textContent = this.runs.length ? "Runs this browser made, saved on the server:"
      : "No saved runs yet: a run is saved once it has trained or changed.";
    const first = this.runs.filter((r) => r.token === this.current);  // this run, then newest
    for (const run of [...first, ...this.runs.filter((r) => r.token !== this.current)]) {
      list.append(this.row(run));
    }
  }

  /** @param {any} run */
  row(run) {
    const li = document.createElement("li");
    li.className = "run";
    const mine = run.token === this.current;
    li.dataset.current = String(mine);
    const title = document.createElement("span");
    title.className = "run-title";
    title.textContent = run.title;
    const meta = document.createElement("span");
    meta.className = "run-meta";
    const where = mine ? "this run" : run.connected ? "open in another page" : run.state;
    meta.textContent = `step ${format.count(run.step)} · ${where} · saved ${ago(run.updated)}`;
    const open = document.createElement("button");
    open.textContent = "Open";
    open.dataset.action = "open";
    open.disabled = mine;
    open.title = run.connected ? "Open it here: the other page lets it go" : "Open this run here";
    open.addEventListener("click", () => this.open(run.token));
    const remove = document.createElement("button");
    remove.textContent = "Delete";
    remove.dataset.action = "delete";
    remove.disabled = mine || run.connected;
    remove.title = remove.disabled ? "A run open in a page cannot be deleted" : "Delete this saved run";
    remove.addEventListener("click", () => this.remove(run.token, run.title));
    li.append(title, meta, ...(this.pins ? [this.pinButton(run)] : []), open, remove);
    return li;
  }

  /** The button that pins a run to compare it, or unpins it. @param {any} run */
  pinButton(run) {
    const pins = /** @type {import("./compare-view.js").Pins} */ (this.pins);
    const pinned = pins.has(run.token);
    const pin = document.createElement("button");
    pin.textContent = pinned ? "Unpin" : "Pin";
    pin.dataset.action = "pin";
    pin.setAttribute("aria-pressed", String(pinned));
    pin.disabled = !pinned && pins.full;
    pin.title = pinned ? "Take this run out of the comparison"
      : pin.disabled ? "Six runs are pinned: unpin one first" : "Pin this run to compare it";
    pin.addEventListener("click", () => {
      const row = [...this.els.list.children].indexOf(/** @type {Element} */ (pin.parentElement));
      if (pinned) pins.remove(run.token);
      else pins.add(run.token);
      // the list was drawn again: the keyboard stays on this run's button
      /** @type {HTMLElement | null | undefined} */ (this.els.list.children[row]
        ?.querySelector("[data-action=pin]"))?.focus();
    });
    return pin;
  }

  /** Resume that run's session here. @param {string} token */
  open(token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    this.page.reload();
  }

  /** @param {string} token @param {string} title */
  async remove(token, title) {
    const response = await fetch("/api/runs/delete", { method: "POST",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token }) });
    if (response.ok || response.status === 404) {
      keep(kept().filter((t) => t !== token));
      this.toasts.show(`deleted ${title}`, "info", 2500);
    } else {
      const body = await response.json().catch(() => ({}));
      this.toasts.show(`${title} was not deleted: ${body.detail ?? response.status}`);
    }
    await this.refresh();
  }
}
