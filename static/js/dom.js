// @ts-check
/**
 * Elements built in code. The page's Content-Security-Policy allows no inline style
 * attributes, so colours set in code go through the element's style object (the CSSOM),
 * never through markup.
 */

/**
 * An element with a class, styles and children (elements or text).
 * @param {string} tag
 * @param {{className?: string, style?: Record<string, string>, title?: string}} [props]
 * @param {...(Node | string)} children
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  if (props.className) el.className = props.className;
  if (props.title) el.title = props.title;
  if (props.style) Object.assign(el.style, props.style);
  el.append(...children);
  return el;
}

/** A colour swatch, as the legends draw them. @param {string} color */
export function swatch(color) {
  return h("span", { className: "swatch", style: { background: color } });
}

/**
 * `text` safe inside HTML, in an element or a quoted attribute (a catalogue's text put into
 * markup). @param {string} text @returns {string}
 */
export function escapeHtml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/**
 * Write an element's text only when it changes: an unchanged write still costs a repaint.
 * @param {HTMLElement} el @param {string} text
 */
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}
