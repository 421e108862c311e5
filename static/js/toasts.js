// @ts-check
/**
 * Messages to the person using the page. A refusal of something a control did is shown
 * beside that control, briefly (`near`). Everything else is a toast (`show`): at most two at
 * once, gone after a few seconds, in the lower right of the network panel, where they cover
 * no control (they let clicks through). The full text is always shown: toasts wrap, never clip.
 */

const MAX_SHOWN = 2;
const NEAR_MS = 4000;

export class Toasts {
  /** @param {HTMLElement} box */
  constructor(box) {
    this.box = box;
    /** @type {HTMLElement | null} the refusal shown beside a control */
    this.bubble = null;
    this.bubbleTimer = 0;
  }

  /**
   * @param {string} text
   * @param {"error" | "info"} [kind]
   * @param {number} [ms]  how long it stays (by default 5 s for an error, 3 s for a note)
   */
  show(text, kind = "error", ms = kind === "error" ? 5000 : 3000) {
    const el = document.createElement("div");
    el.className = `toast ${kind}`;
    el.textContent = text;
    this.box.appendChild(el);
    while (this.box.children.length > MAX_SHOWN) this.box.firstChild?.remove();
    setTimeout(() => el.remove(), ms);
  }

  /**
   * A short refusal beside the control that caused it (below it, or above when there is no
   * room below), until it times out or another one replaces it.
   * @param {Element} control @param {string} text
   */
  near(control, text) {
    this.bubble?.remove();
    clearTimeout(this.bubbleTimer);
    const el = document.createElement("div");
    el.className = "refusal";
    el.setAttribute("role", "alert");
    el.textContent = text;
    const anchor = control.closest("[data-control], label, .network-head, .layer-controls") ?? control;
    el.dataset.for = anchor.id || anchor.getAttribute("data-control") || control.id || "";
    document.body.appendChild(el);
    const r = control.getBoundingClientRect();
    const b = el.getBoundingClientRect();
    const below = r.bottom + 4 + b.height <= innerHeight;
    el.style.top = `${below ? r.bottom + 4 : Math.max(0, r.top - 4 - b.height)}px`;
    el.style.left = `${Math.max(4, Math.min(r.left, innerWidth - b.width - 4))}px`;
    this.bubble = el;
    this.bubbleTimer = window.setTimeout(() => {
      el.remove();
      if (this.bubble === el) this.bubble = null;
    }, NEAR_MS);
  }

  /** Take away the note beside a control now: what it said no longer holds. */
  dismissNear() {
    clearTimeout(this.bubbleTimer);
    this.bubble?.remove();
    this.bubble = null;
  }
}

/**
 * An error reply as a sentence that names the field, the value and what is allowed.
 * @param {{message?: string, allowed?: string}} reply
 */
export function describe(reply) {
  let text = reply.message || "rejected";
  if (reply.allowed && !text.includes(reply.allowed)) text += ` (allowed: ${reply.allowed})`;
  return text;
}
