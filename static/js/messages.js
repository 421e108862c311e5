// @ts-check
/**
 * What the server says, into the store: the hello (and, on a new session, what the link asks
 * for), a rebuilt network, new data, and events (divergence, errors nobody waits for, and on a
 * student's page what the teacher does and the class's end). Frames go to the frame loop
 * instead (frame-loop.js); connection status to the read-outs.
 *
 * What the server tells the person in its own English (a divergence, the teacher's locks and
 * spotlight) is said in the page's language from the event's parts; in English the server's
 * own sentence is shown as it came.
 */

import * as format from "./format.js";
import { has, language, list, t } from "./i18n.js";
import { describeNetwork } from "./store.js";
import { errorText, fieldLabel } from "./toasts.js";
import { choiceLabel } from "./names.js";

/** The server's sentence for "no session with that token" (app/manager.py). */
const EXPIRED = "no session with that token (it expired or the server restarted)";

/**
 * An event's sentence: in English the server's own (`message`), else the catalogue's.
 * @param {any} event @param {string} key @param {Record<string, any>} [values]
 */
function says(event, key, values) {
  return language() === "en" && event?.message ? event.message : t(key, values);
}

/**
 * A setting's value as the page names it: a choice by its name (ReLU, Adam), a number in the
 * page's language, a list of layers as "4, 2".
 * @param {string} field @param {any} value @returns {string}
 */
function settingValue(field, value) {
  if (typeof value === "string") {
    return choiceLabel(field, value);
  }
  if (typeof value === "number") return Number.isInteger(value) ? format.count(value) : format.rounded(value, 12);
  if (typeof value === "boolean") return t(value ? "messages:allowed.true" : "messages:allowed.false");
  if (Array.isArray(value)) return value.map((v) => settingValue(field, v)).join(", ");
  return String(value);
}

export class Messages {
  /**
   * @param {import("./store.js").Store} store
   * @param {import("./commands.js").Commands} commands
   * @param {import("./link.js").Link} link
   * @param {import("./toasts.js").Toasts} toasts
   * @param {{frameRate: (event: any) => void}} status  where the frame-rate events are shown
   */
  constructor(store, commands, link, toasts, status) {
    this.store = store;
    this.commands = commands;
    this.link = link;
    this.toasts = toasts;
    this.status = status;
  }

  /** @param {any} hello */
  async hello(hello) {
    const store = this.store;
    store.set({ hello, config: { ...store.config, ...hello.config },
      session: hello.state ?? "paused", selected: hello.selected, speed: hello.speed ?? store.speed });
    if (hello.room?.mode) {
      // A student's page (docs/classroom.md): joined, back after a drop, forked, or following
      // again. It goes on like a resume, never with the link's settings; what the page held
      // came from the session shown before, and the frames of this one count commands anew.
      store.pending.length = 0;
      store.set({ hashApplied: true, commandSeq: 0, room: { ...hello.room, closed: null } });
    } else if (hello.restored) {
      this.toasts.show(t("messages:session.restored", { step: format.count(hello.restored.step) }),
        "info", 5000);
    } else if (hello.resumed) {
      this.toasts.show(t("messages:session.resumed"), "info", 2500);
    } else {
      // A new session: the link's settings apply, on the first connection and after a lost
      // one (a restarted server) alike; the link is never overwritten with defaults first.
      if (store.hashApplied && hello.resume_error) {
        const error = String(hello.resume_error);
        const why = error === EXPIRED ? t("messages:session.expired")
          : language() === "en" ? error : t("messages:session.not_restored");
        this.toasts.show(t("messages:session.gone", { why }), "info", 8000);
      }
      store.set({ hashApplied: true });
      await this.commands.followLink();
    }
    this.link.write();
    store.set({ ready: true });
  }

  /** A rebuilt network. @param {import("./socket.js").Decoded} message */
  network(message) {
    const store = this.store;
    store.set({ config: { ...store.config, ...message.header.config },
      net: describeNetwork(message, store) });
    this.link.write();
  }

  /** New points. @param {import("./socket.js").Decoded} message */
  data(message) {
    const store = this.store;
    const h = message.header;
    if (h.dataset !== store.config.dataset) { // e.g. a CSV made it "custom"
      store.set({ config: { ...store.config, dataset: h.dataset } });
      this.link.write();
    }
    store.set({ data: message });
    if (store.selected != null && store.selected >= h.count) store.set({ selected: null });
  }

  /**
   * A student following the teacher sees what the teacher changed (`applied` with `id` null):
   * the controls show the teacher's settings, pace and selected point, and a preset's card.
   * @param {any} m
   */
  teacherDid(m) {
    const store = this.store;
    if (m.command === "explain_stage") {  // the teacher walks the explained step: main.js
      store.set({ teacherStage: m.stage });
      return;
    }
    /** @type {Record<string, any>} */
    const changes = {};
    if (m.changed || m.adjusted) changes.config = { ...store.config, ...m.changed, ...m.adjusted };
    if (m.state) changes.session = m.state;
    if (m.speed !== undefined) changes.speed = m.speed;
    if (m.selected !== undefined) changes.selected = m.selected;
    if (m.preset) changes.lesson = m.preset;
    store.set(changes);
    if (m.by === "teacher") {  // pushed to this student's own run (room_push)
      const what = Object.entries({ ...m.changed, ...m.adjusted }).map(([key, value]) =>
        t("messages:teacher.setting", { field: fieldLabel(key), value: settingValue(key, value) }));
      if (m.speed !== undefined && !m.preset) {
        const speed = m.speed === "max" ? t("messages:teacher.max_speed") : format.count(m.speed);
        what.push(t("messages:teacher.speed", { speed }));
      }
      if (m.preset) {
        const title = `server:presets.${m.preset}.title`;
        what.push(t("messages:teacher.preset", { preset: has(title) ? t(title) : m.preset }));
      }
      if (what.length) this.toasts.show(t("messages:teacher.set", { what: what.join(", ") }), "info", 5000);
    }
  }

  /** @param {any} message  an event, or an error reply nobody waits for */
  event(message) {
    if (message.type === "download") {
      this.store.set({ download: message });  // downloads.js shows its progress
    } else if (message.type === "timeline") {
      this.store.set({ timeline: message });  // the run's checkpoints: timeline.js
    } else if (message.type === "saved") {
      this.store.set({ saved: { step: message.step, at: Date.now() } });
    } else if (message.type === "diverged") {
      this.store.set({ session: "diverged" });
      this.toasts.show(this.divergence(message), "error", 8000);
    } else if (message.type === "frame_rate") {
      this.status.frameRate(message);
    } else if (message.type === "applied" && message.id == null) {
      this.teacherDid(message);
    } else if (message.type === "room_closed" || message.type === "removed" || (
      message.type === "error" && message.id == null
        && ["room_closed", "unknown_student", "removed"].includes(message.code))) {
      // the class ended, the teacher removed this student, or this student token opens none
      // (the page offers to join again)
      const why = message.type === "error" ? message.code : message.type;
      this.store.set({ room: { ...this.store.room, closed: message.message, why } });
    } else if (message.type === "locks" && this.store.room) {
      this.store.set({ room: { ...this.store.room, locked: message.controls } });
      const controls = message.controls ?? [];
      this.toasts.show(says(message, controls.length ? "messages:teacher.locked" : "messages:teacher.unlocked",
        { controls: list(controls.map((/** @type {string} */ key) => fieldLabel(key))) }), "info", 5000);
    } else if (message.type === "spotlight" && this.store.room) {
      const room = this.store.room;
      const spotlight = message.student ? { student: message.student, name: message.name } : null;
      this.store.set({ room: { ...room, spotlight } });
      // a follower's page moves to the run shown; a student on their own run stays on it
      const mine = message.student && message.student === room.student?.id;
      if (room.mode === "follow") {
        this.toasts.show(says(message, message.student ? "messages:teacher.spotlight_on"
          : "messages:teacher.spotlight_off", { name: message.name ?? "" }), "info", 5000);
      } else if (mine) this.toasts.show(t("messages:teacher.showing_yours"), "info", 5000);
    } else if (message.type === "explanation" && message.id == null) {
      this.store.set({ teacherExplanation: message });  // the teacher explains a step: main.js
    } else if (message.type === "teacher" && this.store.room) {
      // the teacher's page left the teacher's session, or came back: the banner says so
      this.store.set({ room: { ...this.store.room, teacher_here: message.here } });
      if (this.store.room.mode === "follow") {
        this.toasts.show(says(message, message.here ? "messages:teacher.here" : "messages:teacher.left"),
          "info", 5000);
      }
    } else if (message.type === "reset_by_teacher") {
      this.toasts.show(says(message, "messages:teacher.reset_yours",
        { step: format.count(message.step ?? 0) }), "info", 5000);
    } else if (message.type === "error" && message.id == null) {
      this.toasts.show(errorText(message));
    }
  }

  /**
   * What a divergence says: the step that went wrong, the last finite one, and the learning
   * rate to lower (nncore/trainer.py `_divergence`; in English the engine's own sentence).
   * @param {any} d  the `diverged` event
   */
  divergence(d) {
    const step = Number(d.step ?? 0);
    const rate = this.store.config.learning_rate;
    return says(d, d.what === "gradient" ? "messages:session.diverged_gradient"
      : "messages:session.diverged_loss", { step: format.count(step),
      last: format.count(Math.max(0, step - 1)), loss: format.number(Number(d.loss)),
      rate: typeof rate === "number" ? format.rounded(rate, 12) : "" });
  }
}
