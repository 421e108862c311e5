// @ts-check
/**
 * Messages to the person using the page: short notes in the corner that go away by themselves
 * (at most four at once), errors in red.
 */

const MAX_SHOWN = 4;

export class Toasts {
  /** @param {HTMLElement} box */
  constructor(box) {
    this.box = box;
  }

  /**
   * @param {string} text
   * @param {"error" | "info"} [kind]
   * @param {number} [ms]  how long it stays
   */
  show(text, kind = "error", ms = 6000) {
    const el = document.createElement("div");
    el.className = `toast ${kind}`;
    el.textContent = text;
    this.box.appendChild(el);
    while (this.box.children.length > MAX_SHOWN) this.box.firstChild?.remove();
    setTimeout(() => el.remove(), ms);
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
