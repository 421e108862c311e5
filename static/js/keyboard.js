// @ts-check
/**
 * The keyboard shortcuts (the list is in the page's "?" dialog). Keys typed into a field are
 * typing, not shortcuts, and an open dialog handles its own keys. In the step-through, the
 * arrows walk its stages instead of stepping the training.
 */

/**
 * @typedef {object} KeyActions
 * @property {() => void} playPause
 * @property {() => void} step
 * @property {() => void} reset
 * @property {() => void} toggleMax
 * @property {() => void} toggleDraw
 * @property {() => void} explain
 * @property {() => void} toggleTest
 * @property {() => void} togglePresent
 * @property {() => void} nextLanguage  the page in its next language (English, Tiếng Việt, Русский)
 * @property {() => void} showShortcuts
 * @property {() => void} closeTab
 * @property {(() => void) | null} toggleClass  a teacher's page: the class view, or back
 * @property {(() => void) | null} tryYourself  a student's page: a run of one's own (fork)
 * @property {(() => void) | null} followTeacher  a student's page: follow the teacher again
 * @property {() => void} timelineBack  the run one checkpoint earlier (timeline.js)
 * @property {() => void} timelineForward  one checkpoint later; past the newest, live
 */

/**
 * @param {Document} doc
 * @param {import("./store.js").Store} store
 * @param {import("./explain.js").Explainer} explainer
 * @param {KeyActions} a
 */
export function bindKeys(doc, store, explainer, a) {
  doc.addEventListener("keydown", (e) => {
    const target = /** @type {HTMLElement} */ (e.target);
    if (target.matches("input, select, textarea") || e.ctrlKey || e.metaKey || e.altKey) return;
    if (doc.querySelector("dialog[open]")) return;
    const walking = store.openTab === "explain" && explainer.active;
    /** @type {Record<string, (() => void) | null>} */
    const keys = {
      " ": a.playPause,
      ArrowRight: walking ? () => explainer.go(explainer.at + 1) : a.step,
      ArrowLeft: walking ? () => explainer.go(explainer.at - 1) : null,
      r: a.reset, m: a.toggleMax, d: a.toggleDraw, e: a.explain, t: a.toggleTest, p: a.togglePresent,
      l: a.nextLanguage,
      y: a.tryYourself, f: a.followTeacher, c: store.classroom ? a.toggleClass : null,
      "?": a.showShortcuts, "[": a.timelineBack, "]": a.timelineForward,
      Escape: store.classOpen ? a.toggleClass : store.openTab ? a.closeTab : null,
    };
    const handler = keys[e.key];
    if (handler) {
      e.preventDefault();
      handler();
    }
  });
}
