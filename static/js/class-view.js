// @ts-check
/**
 * The class view (docs/classroom.md): the teacher's dashboard of the class, over the whole
 * playground, for the projector. One card per student, from the `class` message the teacher's
 * connection gets once a second (class-link.js): the thumbnail of their own run's output over
 * the plane (24 × 24 codes, painted with the page's colour scales and scaled up crisply), their
 * name (always as text), mode, step, test accuracy (R² for regression) and how their config
 * differs from the teacher's. The cards shrink so that a class of 60 fits a 1280×720 screen;
 * beyond that the grid scrolls, inside the view. Cards keep their place and size as messages
 * come: only the sort moves them.
 *
 * What the teacher does from here goes out as the room's commands: a click (or Enter) on a
 * card shows that student's run to the room (the spotlight, drawn large here too), each card
 * resets or removes its student, "Push my settings" and "Push preset" reach every student's own
 * run (each card then says briefly what became of it), and "Lock…" chooses the controls
 * students may not change.
 *
 * Every text is the page's language's (the `classroom` namespace; controls by their labels,
 * `server:fields.<key>.label`): when the language changes, the view writes it all again.
 */

import { Boundary } from "./boundary.js";
import { serverText } from "./classroom.js";
import { CLASS_COLORS } from "./colors.js";
import { h, setText, swatch } from "./dom.js";
import * as format from "./format.js";
import { DIVERGING, paint, paintClasses } from "./heatmap.js";
import { has, numberFormat, onLanguage, t } from "./i18n.js";
import { choiceLabel, fieldLabel } from "./names.js";

const SORT_KEY = "nnplay.classSort";  // localStorage: "joined" or "score"
const NAMES_KEY = "nnplay.spotlightNames";  // localStorage: "1" to ask for names in the spotlight
const RESULT_MS = 8000;  // how long a push's result stays on the cards
const GAP = 8;  // px between cards (.cv-grid's gap)
// a card's width in px, and its height: aspect × its width, or less to fit (down to flattest ×
// its width), but never less than four lines of the smallest type (.cv-card's font-size) need
const CARD = { min: 144, max: 560, aspect: 0.4, flattest: 0.3, minHeight: 60 };
/** What the spotlight is called when the student's name is not shown (app/spotlight.py). */
const ANONYMOUS = "a student";

/**
 * @typedef {{id: string, name: string, show_name: boolean, mode: string, connected: boolean,
 *            joined: number, active: number | null, session: any}} Student
 *   one entry of a class message's `students` (docs/protocol.md, `class`)
 * @typedef {{el: HTMLElement, thumb: HTMLCanvasElement, placeholder: HTMLElement,
 *            name: HTMLElement, score: HTMLElement, step: HTMLElement, stepWord: HTMLElement,
 *            mode: HTMLElement, diff: HTMLElement, note: HTMLElement, reset: HTMLElement,
 *            remove: HTMLElement, noteTimer: number, drawn: boolean, student: Student}} Card
 */

export class ClassView {
  /**
   * @param {Record<string, any>} els  the view's elements (main.js names them)
   * @param {import("./store.js").Store} store
   * @param {{send: (command: Record<string, any>) => Promise<any>}} link  the room's commands
   */
  constructor(els, store, link) {
    this.els = els;
    this.store = store;
    this.link = link;
    /** @type {Map<string, Card>} */
    this.cards = new Map();
    /** @type {string[]} student ids in the order the cards are shown */
    this.order = [];
    this.sort = localStorage.getItem(SORT_KEY) === "score" ? "score" : "joined";
    els.sort.value = this.sort;
    els.showNames.checked = localStorage.getItem(NAMES_KEY) === "1";
    /** the config keys some student's run differs in (the push choice lists them) */
    this.differing = "";
    this.fitted = "";
    /** @type {{header: any} | null} the spotlighted run's newest frame, until it is drawn */
    this.spotFrame = null;
    /** @type {Record<string, any> | null} the spotlighted run's newest drawn frame's header */
    this.spotShown = null;
    this.resultTimer = 0;
    this.boundary = new Boundary(els.spotPlots,
      { onAdd: () => {}, onRemove: () => {}, onSelect: () => {} });  // shown, not edited
    this.lockBoxes();
    this.wire();
    store.on("board", () => this.render());
    store.on("classLocks", (keys) => this.showLocks(keys));
    store.on("spotlight", () => this.showSpotlight());
    store.on("classroom", (c) => { if (!c) this.toggle(false); });
    new ResizeObserver(() => this.fit()).observe(els.grid);
    onLanguage(() => this.relabel());
  }

  /** Every text again, in the language just chosen. */
  relabel() {
    for (const card of this.cards.values()) this.words(card);
    for (const label of this.els.lockKeys.querySelectorAll("label")) {
      const box = /** @type {HTMLInputElement} */ (label.querySelector("input"));
      label.lastChild.textContent = ` ${this.label(box.value)}`;
    }
    this.showLocks(this.store.classLocks);
    delete this.els.legend.dataset.key;  // drawn again
    this.differing = "\n";  // no keys join to it: the push choice is written again
    this.render();
    this.showSpotlight();
  }

  wire() {
    const { els } = this;
    els.close.addEventListener("click", () => this.toggle(false));
    els.sort.addEventListener("change", () => {
      this.sort = els.sort.value;
      localStorage.setItem(SORT_KEY, this.sort);
      this.arrange();
    });
    els.showNames.addEventListener("change", () =>
      localStorage.setItem(NAMES_KEY, els.showNames.checked ? "1" : "0"));
    els.push.addEventListener("click", () => this.pushSettings());
    els.preset.addEventListener("change", () => { els.pushPreset.disabled = !els.preset.value; });
    els.pushPreset.addEventListener("click", () => this.push({ preset: els.preset.value },
      t("classroom:push.preset", { preset: els.preset.selectedOptions[0]?.textContent ?? els.preset.value })));
    els.lock.addEventListener("toggle", () => {
      if (!els.lock.open) return;
      this.showLocks(this.store.classLocks);
      this.placeLocks();
    });
    els.lockApply.addEventListener("click", () => this.lockKeys([...els.lockKeys.querySelectorAll(
      "input:checked")].map((box) => /** @type {HTMLInputElement} */ (box).value)));
    els.unlock.addEventListener("click", () => this.lockKeys([]));
    els.spotEnd.addEventListener("click", () => this.spotlight(null));
    els.grid.addEventListener("click", (e) => this.clicked(e));
    els.grid.addEventListener("keydown", (e) => {
      const card = /** @type {HTMLElement} */ (e.target).closest?.(".cv-card");
      if (e.key === "Enter" && card === e.target) {
        e.preventDefault();
        this.spotlight(/** @type {HTMLElement} */ (card).dataset.student ?? null);
      }
    });
  }

  /** Show the view (or hide it; by default the other of the two). @param {boolean} [open] */
  toggle(open = !this.store.classOpen) {
    if (open && !this.store.classroom) return;
    this.els.view.hidden = !open;
    this.store.set({ classOpen: open });
    if (!open) return;
    this.render();
    this.fit();
    (this.cards.get(this.order[0])?.el ?? this.els.close).focus();  // the first card shown
  }

  // -- the cards --------------------------------------------------------------------------------
  render() {
    const board = this.store.board;
    const c = this.store.classroom;
    const { els } = this;
    setText(els.title, c ? t("classroom:view.title", { code: c.code }) : t("classroom:view.title_none"));
    if (!board) {
      const link = this.store.classLink;
      setText(els.count, !link || link === "connected" ? "" : t(`classroom:link.${link}`));
      return;
    }
    /** @type {Student[]} */
    const students = board.header.students;
    const here = students.filter((s) => s.connected);
    const own = here.filter((s) => s.mode === "fork").length;
    const away = students.length - here.length;
    setText(els.count, students.length === 0 ? t("classroom:view.none") : [
      t("classroom:view.students", { count: students.length }),
      t("classroom:view.own", { count: own }),
      t("classroom:view.following", { count: here.length - own }),
      ...away ? [t("classroom:view.away", { count: away })] : [],
    ].join(" · "));
    els.empty.hidden = students.length > 0;
    const seen = new Set();
    const thumbs = /** @type {Uint8Array | undefined} */ (board.arrays.thumbs?.data);
    for (const s of students) {
      seen.add(s.id);
      let card = this.cards.get(s.id);
      if (!card) {
        card = this.card(s);
        this.cards.set(s.id, card);
        els.grid.append(card.el);
      }
      this.update(card, s, thumbs);
    }
    for (const [id, card] of this.cards) {
      if (!seen.has(id)) {
        card.el.remove();
        this.cards.delete(id);
      }
    }
    this.legend(students);
    this.choices(students);
    this.arrange();
    this.fit();
    this.showSpotlight();
  }

  /** A new card. @param {Student} s @returns {Card} */
  card(s) {
    const thumb = document.createElement("canvas");
    thumb.className = "cv-thumb";
    thumb.width = thumb.height = 24;
    const el = h("article", { className: "cv-card" });
    el.tabIndex = 0;
    el.setAttribute("role", "listitem");
    el.dataset.student = s.id;
    /** @type {Card} */
    const card = {
      el, thumb, placeholder: h("span", { className: "cv-placeholder" }),
      name: h("span", { className: "cv-name" }), score: h("span", { className: "cv-score" }),
      step: h("span", { className: "cv-step-number" }), mode: h("span", { className: "cv-mode" }),
      stepWord: h("span", { className: "cv-step-word" }),
      diff: h("span", { className: "cv-diff" }), note: h("span", { className: "cv-note" }),
      reset: h("button", { className: "cv-reset" }), remove: h("button", { className: "cv-remove" }),
      noteTimer: 0, drawn: false, student: s,
    };
    card.name.translate = false;  // the student's own name, as they typed it
    card.note.hidden = true;
    this.words(card);
    el.append(
      h("span", { className: "cv-picture" }, thumb, card.placeholder),
      h("span", { className: "cv-info" }, card.name,
        h("span", { className: "cv-line" }, card.score, h("span", { className: "cv-step" },
          card.stepWord, card.step)), card.mode, card.diff),
      h("span", { className: "cv-actions" }, card.reset, card.remove), card.note);
    return card;
  }

  /** A card's fixed words: its buttons and "step". @param {Card} card */
  words(card) {
    setText(card.reset, t("classroom:card.reset"));
    card.reset.title = t("classroom:card.reset_tip");
    setText(card.remove, t("classroom:card.remove"));
    card.remove.title = t("classroom:card.remove_tip");
    setText(card.stepWord, `${t("classroom:card.step")} `);
  }

  /** @param {Card} card @param {Student} s @param {Uint8Array | undefined} thumbs */
  update(card, s, thumbs) {
    card.student = s;
    const run = s.session;
    const mode = !s.connected ? "away" : s.mode === "fork" ? "own" : "follow";
    const el = card.el;
    if (el.dataset.mode !== mode) el.dataset.mode = mode;
    setText(card.name, s.name);  // text, never markup: names are the students' own
    setText(card.mode, t(mode === "own" ? "classroom:card.own" : mode === "follow"
      ? "classroom:card.following" : s.mode === "fork" ? "classroom:card.away_own" : "classroom:card.away"));
    setText(card.step, run ? format.count(run.step) : "");
    card.step.parentElement?.toggleAttribute("hidden", !run);
    setText(card.score, run ? score(run) : "");
    const diff = run?.diff ? differences(run.diff) : "";
    setText(card.diff, diff);
    const title = [s.name, card.mode.textContent,
      run && t("classroom:card.at_step", { step: format.count(run.step) }),
      run && card.score.textContent, diff && t("classroom:card.differs", { diff })]
      .filter(Boolean).join(" · ");
    if (el.title !== title) el.title = title;
    el.setAttribute("aria-label", title);
    const thumb = run?.thumb;
    card.drawn = Boolean(thumb && thumbs);
    card.thumb.hidden = !card.drawn;
    card.placeholder.hidden = card.drawn;
    setText(card.placeholder, mode === "follow" ? t("classroom:card.following_you")
      : run ? t("classroom:card.no_map") : mode === "away" ? t("classroom:card.away") : "");
    if (thumb && thumbs) {
      const n = 24 * 24;
      if (thumb.classes) {
        const codes = thumbs.subarray(thumb.index * n, (thumb.index + 1) * n);
        paintClasses(card.thumb, codes, codes, 24, thumb.classes, true);
      } else paint(card.thumb, thumbs, 24, DIVERGING, thumb.index * n);
    }
    const spot = this.store.spotlight?.student === s.id;
    el.classList.toggle("spotlit", spot);
  }

  /** Order the cards as the sort says (ties in joining order): CSS `order`, so that nothing
   *  is taken out of the document and the focus stays where it is. */
  arrange() {
    const students = [...this.cards.values()].map((c) => c.student);
    const joined = new Map(students.map((s, i) => [s.id, i]));
    const key = (/** @type {Student} */ s) => {
      const v = s.session?.score;
      return typeof v === "number" && Number.isFinite(v) ? v : -Infinity;
    };
    if (this.sort === "score") students.sort((a, b) => key(b) - key(a) || 0);
    else students.sort((a, b) => (a.joined - b.joined) || (joined.get(a.id) ?? 0) - (joined.get(b.id) ?? 0));
    this.order = students.map((s) => s.id);
    this.order.forEach((id, i) => {
      const el = this.cards.get(id)?.el;
      if (el && el.style.order !== String(i)) el.style.order = String(i);
    });
  }

  /**
   * The largest cards (between CARD.min and CARD.max wide, their columns filling the width)
   * with which every card fits the grid's box; when none fit, the smallest, and the grid
   * scrolls. Only the number of cards and the box decide
   * it, so nothing moves as messages come.
   */
  fit() {
    const grid = this.els.grid;
    const n = Math.max(1, this.cards.size);
    const W = grid.clientWidth, H = grid.clientHeight;
    const key = `${n}:${W}:${H}`;
    if (key === this.fitted || W === 0) return;
    this.fitted = key;
    const layout = (/** @type {number} */ w) => {
      const cols = Math.max(1, Math.floor((W + GAP) / (w + GAP)));
      const room = Math.floor((H + GAP) / Math.ceil(n / cols) - GAP);  // each row's height
      const h = Math.min(Math.round(w * CARD.aspect), room);
      return { w, h, fits: h >= Math.max(CARD.minHeight, w * CARD.flattest) };
    };
    // c columns that fill the width, for c = 1, 2, …: of those whose rows fit, the tallest
    // cards (their type is the largest), then the widest
    let best = { w: CARD.min, h: Math.max(CARD.minHeight, Math.round(CARD.min * CARD.aspect)) };
    let found = false;
    for (let c = 1; c <= n; c++) {
      const wide = Math.min(CARD.max, Math.floor((W - (c - 1) * GAP) / c));
      if (wide < CARD.min) break;
      const fit = layout(wide);
      if (fit.fits && (!found || fit.h > best.h || (fit.h === best.h && fit.w > best.w))) {
        best = fit;
        found = true;
      }
    }
    grid.style.setProperty("--card-w", `${best.w}px`);
    grid.style.setProperty("--card-h", `${best.h}px`);
  }

  /** The legend of the thumbnails: the output scale, and the classes' colours if any are shown.
   *  @param {Student[]} students */
  legend(students) {
    const k = Math.max(0, ...students.map((s) => s.session?.thumb?.classes ?? 0));
    const key = String(k);
    const el = this.els.legend;
    if (el.dataset.key === key) return;
    el.dataset.key = key;
    const bar = document.createElement("canvas");
    bar.className = "cv-scale";
    bar.width = 256;
    bar.height = 1;
    const ctx = /** @type {CanvasRenderingContext2D} */ (bar.getContext("2d"));
    const img = ctx.createImageData(256, 1);
    img.data.set(DIVERGING);
    ctx.putImageData(img, 0, 0);
    el.replaceChildren(h("span", {}, t("classroom:view.legend")),
      h("span", { className: "cv-scale-row" }, t("classroom:view.low"), bar, t("classroom:view.high")));
    if (k > 2) {
      el.append(h("span", { className: "cv-classes" }, ...Array.from({ length: k }, (_, c) =>
        h("span", {}, swatch(CLASS_COLORS[c % CLASS_COLORS.length]), ` ${c}`))));
    }
  }

  // -- the room's commands --------------------------------------------------------------------
  /** @param {MouseEvent} e */
  clicked(e) {
    const target = /** @type {HTMLElement} */ (e.target);
    const card = /** @type {HTMLElement | null} */ (target.closest(".cv-card"));
    const id = card?.dataset.student;
    if (!card || !id) return;
    const student = this.cards.get(id)?.student;
    if (target.closest(".cv-reset")) this.reset(id);
    else if (target.closest(".cv-remove")) this.remove(id, student?.name ?? "");
    else this.spotlight(this.store.spotlight?.student === id ? null : id);
  }

  /** Show a student's run to the room (null: the teacher's again). @param {string | null} id */
  async spotlight(id) {
    await this.link.send({ type: "room_spotlight", student: id,
      show_name: this.els.showNames.checked });
  }

  /** @param {string} id */
  async reset(id) {
    const reply = await this.link.send({ type: "room_reset", student: id });
    if (reply.type === "applied") {
      this.note(id, t("classroom:card.reset_to", { step: format.count(reply.step) }), "ok");
    }
  }

  /** Remove a student, once the teacher confirms. @param {string} id @param {string} name */
  remove(id, name) {
    const dialog = /** @type {HTMLDialogElement} */ (this.els.confirm);
    this.els.confirmText.textContent = t("classroom:card.confirm", { name });
    dialog.returnValue = "";
    dialog.addEventListener("close", () => {
      if (dialog.returnValue === "yes") this.link.send({ type: "room_remove", student: id });
    }, { once: true });
    dialog.showModal();
  }

  /** Push the teacher's settings (all of them, or the one key chosen) to every own run. */
  pushSettings() {
    const config = this.store.config;
    const key = this.els.pushWhat.value;
    /** @type {Record<string, any>} */
    const pushed = key ? { [key]: config[key] } : { ...config };
    if (pushed.dataset === "custom") delete pushed.dataset;  // points are pushed by no setting
    const what = key ? t("classroom:push.setting", { control: this.label(key), value: value(key, pushed[key]) })
      : t("classroom:push.your_settings");
    this.push({ config: pushed }, what);
  }

  /**
   * Push to every student's own run; each card then says what became of it, for a while.
   * @param {Record<string, any>} push  preset, config and/or speed @param {string} what
   */
  async push(push, what) {
    const reply = await this.link.send({ type: "room_push", ...push });
    if (reply.type !== "applied") return;
    for (const id of reply.applied) this.note(id, t("classroom:push.took"), "ok");
    for (const r of reply.refused) {
      this.note(r.student, t("classroom:push.refused", { why: serverText(r) }), "refused");
    }
    for (const id of reply.following) this.note(id, t("classroom:push.following"), "skip");
    for (const id of reply.away) this.note(id, t("classroom:push.away"), "skip");
    const parts = [t("classroom:push.took", { count: reply.applied.length })];
    if (reply.refused.length) parts.push(t("classroom:push.refused", { count: reply.refused.length }));
    if (reply.following.length) parts.push(t("classroom:push.followers", { count: reply.following.length }));
    if (reply.away.length) parts.push(t("classroom:push.away", { count: reply.away.length }));
    this.result(t("classroom:push.result", { what, results: parts.join(" · ") }));
  }

  /** @param {string[]} keys */
  async lockKeys(keys) {
    const reply = await this.link.send({ type: "room_lock", controls: keys });
    if (reply.type === "applied") this.els.lock.open = false;
  }

  /** A result on a card, for a while. @param {string} id @param {string} text @param {string} kind */
  note(id, text, kind) {
    const card = this.cards.get(id);
    if (!card) return;
    card.note.textContent = text;
    card.note.title = text;
    card.note.dataset.kind = kind;
    card.note.hidden = false;
    clearTimeout(card.noteTimer);
    card.noteTimer = window.setTimeout(() => { card.note.hidden = true; }, RESULT_MS);
  }

  /** A line over the cards, for a while. @param {string} text */
  result(text) {
    const el = this.els.result;
    el.textContent = text;
    el.hidden = false;
    clearTimeout(this.resultTimer);
    this.resultTimer = window.setTimeout(() => { el.hidden = true; }, RESULT_MS);
  }

  // -- what is locked, and what can be pushed ---------------------------------------------------
  lockBoxes() {
    for (const f of this.store.schema.fields) {
      const box = /** @type {HTMLInputElement} */ (h("input"));
      box.type = "checkbox";
      box.value = f.name;
      this.els.lockKeys.append(h("label", {}, box, document.createTextNode(` ${this.label(f.name)}`)));
    }
  }

  /** The lock's panel under its button, moved left as far as it must to stay on screen (its
   *  labels are longer in some languages, and the bar wraps). */
  placeLocks() {
    const panel = /** @type {HTMLElement | null} */ (this.els.lock.querySelector(".cv-lock-panel"));
    if (!panel) return;
    panel.style.left = "0px";
    const box = panel.getBoundingClientRect();
    const over = box.right - (document.documentElement.clientWidth - 8);
    if (over > 0) panel.style.left = `${-Math.min(over, box.left - 8)}px`;
  }

  /** @param {string[]} keys  the locked config keys */
  showLocks(keys) {
    const text = keys.length
      ? t("classroom:view.locked", { controls: keys.map((k) => this.label(k)).join(", ") }) : "";
    setText(this.els.locked, text);
    this.els.locked.title = text;
    for (const box of this.els.lockKeys.querySelectorAll("input")) {
      box.checked = keys.includes(box.value);
    }
  }

  /** The push choice: all the teacher's settings, or one key some student's run differs in.
   *  @param {Student[]} students */
  choices(students) {
    const keys = [...new Set(students.flatMap((s) => Object.keys(s.session?.diff ?? {})))].sort();
    const select = /** @type {HTMLSelectElement} */ (this.els.pushWhat);
    if (keys.join() === this.differing || document.activeElement === select) return;
    this.differing = keys.join();
    const chosen = select.value;
    select.replaceChildren(new Option(t("classroom:push.all"), ""),
      ...keys.map((k) => new Option(t("classroom:push.only", { control: this.label(k) }), k)));
    select.value = keys.includes(chosen) ? chosen : "";
  }

  /** A config key's label, as the controls show it. @param {string} key */
  label(key) {
    return fieldLabel(key, this.store.schema.fields.find((f) => f.name === key)?.label ?? key);
  }

  // -- the spotlighted run ------------------------------------------------------------------------
  showSpotlight() {
    const spot = this.store.spotlight;
    const { els } = this;
    els.spot.hidden = !spot;
    for (const card of this.cards.values()) {
      card.el.classList.toggle("spotlit", spot?.student === card.student.id);
    }
    if (!spot) {
      this.spotShown = null;
      return;
    }
    setText(els.spotName, spot.name === ANONYMOUS ? t("classroom:spotlight.anonymous")
      : t("classroom:spotlight.named", { name: spot.name }));
    const hd = this.spotShown;
    setText(els.spotStats, hd ? [t("classroom:card.at_step", { step: format.count(hd.step) }),
      frameScore(hd.metrics)].filter(Boolean).join(" · ") : "");
  }

  /** The spotlighted run starts over (`spotlight_run`). */
  run() {
    this.spotShown = null;
    this.showSpotlight();
  }

  /** @param {import("./socket.js").Decoded} data */
  data(data) {
    this.boundary.setData(data);
  }

  /** @param {import("./socket.js").Decoded} network */
  network(network) {
    this.boundary.setPlane(network.header.plane);
  }

  /** A frame of the spotlighted run: drawn at the next animation frame (the newest only).
   *  @param {import("./socket.js").Decoded} frame */
  frame(frame) {
    const first = !this.spotFrame;
    this.spotFrame = frame;
    if (first) requestAnimationFrame(() => this.drawSpotlight());
  }

  drawSpotlight() {
    const frame = this.spotFrame;
    this.spotFrame = null;
    if (!frame || !this.store.spotlight) return;
    this.boundary.update(frame);
    this.spotShown = frame.header;
    this.showSpotlight();
  }

  /** What the tests see of the view (test-api.js `classView`). */
  snapshot() {
    return {
      open: this.store.classOpen,
      sort: this.sort,
      cards: this.order.map((id) => {
        const c = /** @type {Card} */ (this.cards.get(id));
        return { id, name: c.name.textContent, mode: c.el.dataset.mode, step: c.student.session?.step ?? null,
          score: c.student.session?.score ?? null, diff: c.diff.textContent, drawn: c.drawn,
          note: c.note.hidden ? "" : c.note.textContent };
      }),
      locked: [...this.store.classLocks],
      spotlight: this.store.spotlight && { ...this.store.spotlight,
        frame: this.spotShown && structuredClone(this.spotShown) },
    };
  }
}

/** A run's score as a card shows it. @param {any} run */
function score(run) {
  if (typeof run.score !== "number") return "–";
  return run.score_name === "test_r2" ? `R² ${format.metric(run.score)}` : format.percent(run.score);
}

/** A frame's score, as the spotlight's line shows it. @param {Record<string, any>} m */
function frameScore(m) {
  if (typeof m.test_accuracy === "number") {
    return t("classroom:spotlight.accuracy", { value: format.percent(m.test_accuracy) });
  }
  if (typeof m.test_r2 === "number") return t("classroom:spotlight.r2", { value: format.metric(m.test_r2) });
  return "";
}

/** How a run's config differs from the teacher's, short: "lr 0.3 → 3 · act tanh → relu".
 *  @param {Record<string, [any, any]>} diff */
function differences(diff) {
  return Object.entries(diff).map(([key, [teacher, student]]) => {
    const short = `classroom:short.${key}`;
    return `${has(short) ? t(short) : key} ${value(key, teacher)} → ${value(key, student)}`;
  }).join(" · ");
}

/** A config value as the page shows it: a choice by its name, a number in the page's
 *  language. @param {string} key @param {any} v */
function value(key, v) {
  if (Array.isArray(v)) {
    if (!v.length) return t("classroom:value.none");
    return v.map((item) => (key === "features" && has(`server:features.${item}`)
      ? t(`server:features.${item}`) : value("", item))).join("·");
  }
  if (typeof v === "number") return numberFormat({ maximumSignificantDigits: 4 }).format(v);
  if (typeof v === "boolean") return t(v ? "classroom:value.on" : "classroom:value.off");
  return key ? choiceLabel(key, v) : String(v);
}
