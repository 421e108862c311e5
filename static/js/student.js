// @ts-check
/**
 * A student's page (`/join`, `/join/CODE`; docs/classroom.md): joining a class with its code
 * and a display name, the banner that says whom the page shows, "Try it yourself" (a run of
 * one's own, forked from the teacher's as it is now) and "Follow the teacher", and the lock on
 * every control that would change the teacher's session while following (on one's own run,
 * on the controls the teacher locked). While the teacher shows a student's run to the class
 * (the spotlight), a follower's page shows that run and the banner says whose it is.
 *
 * A refusal to join is the server's sentence (in the page's language: toasts.js's
 * `errorText`), shown beside the field it names. The student token is kept in sessionStorage
 * (socket.js reads it), so a reload or a dropped connection comes back to the class, in the
 * mode the student left it. The banner and the locks' reasons are written again when the
 * language changes.
 */

import { serverText } from "./classroom.js";
import { setText } from "./dom.js";
import * as format from "./format.js";
import { language, onLanguage, t } from "./i18n.js";
import { STUDENT_KEY } from "./socket.js";

/** What the spotlight is called when the student's name is not shown (app/spotlight.py). */
const ANONYMOUS = "a student";
const FORKED_KEY = "nnplay.forkedAt";  // the step of this student's own run's fork

export class StudentPage {
  /**
   * @param {{banner: HTMLElement, text: HTMLElement, who: HTMLElement, fork: HTMLButtonElement,
   *          follow: HTMLButtonElement, dialog: HTMLDialogElement, form: HTMLFormElement,
   *          code: HTMLInputElement, name: HTMLInputElement, codeError: HTMLElement,
   *          nameError: HTMLElement, showName: HTMLInputElement, submit: HTMLButtonElement}} els
   * @param {import("./store.js").Store} store
   * @param {{socket: import("./socket.js").Connection,
   *          commands: import("./commands.js").Commands,
   *          limits: import("./limits.js").Limits, toasts: import("./toasts.js").Toasts}} page
   */
  constructor(els, store, page) {
    this.els = els;
    this.store = store;
    this.page = page;
    els.form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.join();
    });
    els.fork.addEventListener("click", () => this.tryYourself());
    els.follow.addEventListener("click", () => this.followTeacher());
    store.on("room", () => this.show());
    store.on("hello", (hello) => {
      // why one's own run did not come back (the server's words; said in other languages)
      const note = hello.room?.note;
      if (note) page.toasts.show(language() === "en" ? note : t("classroom:student.own_lost"), "info", 8000);
    });
    onLanguage(() => this.show());
    // whether the teacher's page is here: the hello says it, then each `teacher` event
    // (messages.js)
  }

  /** Into the class with the kept token, or ask for the code and a name. */
  start() {
    this.show();
    if (sessionStorage.getItem(STUDENT_KEY)) this.page.socket.connect();
    else this.ask();
  }

  ask() {
    const els = this.els;
    if (!els.dialog.open) els.dialog.show();
    (els.code.value.trim() ? els.name : els.code).focus();
  }

  async join() {
    const els = this.els;
    els.codeError.textContent = els.nameError.textContent = "";
    els.submit.disabled = true;
    let response = null, body = null;
    try {
      response = await fetch("/api/rooms/join", { method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ code: els.code.value, name: els.name.value,
          show_name: els.showName.checked }) });
      body = await response.json();
    } catch {
      // the server did not answer: said below
    } finally {
      els.submit.disabled = false;
    }
    if (!response?.ok || !body?.student_token) {
      const detail = body?.detail ?? {};
      const byName = detail.field === "name";
      (byName ? els.nameError : els.codeError).textContent = body?.detail ? serverText(body)
        : response ? t("classroom:server.answered", { status: response.status })
          : t("classroom:server.unreachable");
      (byName ? els.name : els.code).focus();
      return;
    }
    sessionStorage.setItem(STUDENT_KEY, body.student_token);
    sessionStorage.removeItem(FORKED_KEY);
    els.dialog.close();
    history.replaceState(null, "", `/join/${body.room.code}`);  // a reload stays in this class
    this.page.socket.connect();
  }

  /** A run of one's own from the teacher's, as it is now. */
  async tryYourself() {
    const room = this.store.room;
    if (room?.mode !== "follow" || room.closed) return;
    const reply = await this.page.commands.act({ type: "fork" }, this.els.fork);
    if (reply.type === "applied") {
      sessionStorage.setItem(FORKED_KEY, String(reply.step));
      this.show();  // its hello may have come first
    }
  }

  /** Back to the teacher's run (one's own is kept: the server holds it, then saves it). */
  async followTeacher() {
    const room = this.store.room;
    if (room?.mode !== "fork" || room.closed) return;
    await this.page.commands.act({ type: "follow" }, this.els.follow);
  }

  /** The banner, the two buttons and the lock, as the store's room says. */
  show() {
    const { els, store } = this;
    const room = store.room;
    if (room?.why === "unknown_student") {  // a token no class knows (a server that forgot it)
      this.page.socket.stop();
      sessionStorage.removeItem(STUDENT_KEY);
      els.codeError.textContent = t("classroom:student.unknown");
      store.set({ room: null });
      this.ask();
      return;
    }
    const state = !room ? "joining" : room.closed ? "closed" : room.mode;
    if (state === "closed") sessionStorage.removeItem(STUDENT_KEY);  // a reload offers to join
    const forkedAt = sessionStorage.getItem(FORKED_KEY);
    const spotlight = room?.spotlight;
    const code = room?.code;
    const removed = room?.why === "removed";
    const text = {
      joining: () => t("classroom:student.joining"),
      closed: () => (code ? t(removed ? "classroom:student.removed" : "classroom:student.closed", { code })
        : t(removed ? "classroom:student.removed_somewhere" : "classroom:student.closed_somewhere")),
      follow: () => (spotlight ? spotlight.name === ANONYMOUS
        ? t("classroom:student.showing_anonymous", { code })
        : t("classroom:student.showing", { name: spotlight.name, code })
        : t(room?.teacher_here ? "classroom:student.teacher_here" : "classroom:student.teacher_away", { code })),
      fork: () => (forkedAt ? t("classroom:student.own_at", { step: format.count(Number(forkedAt)) })
        : t("classroom:student.own")),
    }[state]();
    setText(els.text, text);
    setText(els.who, room?.student ? t("classroom:student.as", { name: room.student.name }) : "");
    els.banner.dataset.state = state;
    // the connection's status, before there is one (a word of its own: readouts.js shows it)
    if (state === "joining" && !sessionStorage.getItem(STUDENT_KEY)) {
      this.page.socket.status(t("classroom:student.not_joined"));
    }
    els.banner.dataset.spotlight = String(Boolean(spotlight && state === "follow"));
    els.fork.hidden = state !== "follow";
    els.follow.hidden = state !== "fork";
    this.page.limits.lock(state === "fork" ? null : t(state === "follow" ? "classroom:lock.following"
      : state === "closed" ? (removed ? "classroom:lock.removed" : "classroom:lock.over")
        : "classroom:lock.join_first"));
    this.page.limits.lockKeys(state === "fork" ? room.locked ?? [] : [], t("classroom:lock.key"));
  }
}
