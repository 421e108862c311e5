// @ts-check
/**
 * Downloading a dataset the server does not have yet (MNIST, Fashion-MNIST), with progress.
 * Installed by main.js; the card's markup is templates/downloads.html, its style
 * static/css/downloads.css, and the protocol docs/protocol.md ("Datasets read from files").
 *
 * When a command needs a dataset whose files are missing (picking MNIST's thumbnail, its
 * preset, a link that names it), the server refuses it with an `error` of code `missing_data`
 * whose `download` says what can be done. This module claims those replies from commands.js
 * (`commands.claim`) and shows a card instead of a refusal:
 *   - the offer: the dataset's size and source and the folder it goes to, with a Download
 *     button; or, when this server does not download it (offline by choice, a folder the
 *     user named), the server's sentence saying which files to put where;
 *   - while downloading, a progress bar from the server's `download` events;
 *   - when the files are there, the refused command again (`download.retry`): the dataset
 *     loads and the card goes; when the download failed (an offline machine), the server's
 *     message, which says where to put the files, and Try again.
 *
 * The `download` events reach it through the store's `download` field (the newest event),
 * which messages.js sets: `if (message.type === "download") store.set({ download: message })`.
 *
 * Its text is in the page's language (files:download). The server's sentences (why it does
 * not download, where to put the files, why a download failed) are English: in another
 * language the card says the same from the offer's parts (its files, folder and source).
 * The card's text is kept as functions, and written again when the language changes.
 */

import { bytes } from "./format.js";
import { language, onLanguage, t } from "./i18n.js";
import { errorText } from "./toasts.js";

/**
 * @typedef {{dataset: string, title: string, folder: string, files: string[],
 *            bytes: number | null, source: string | null, can_download: boolean,
 *            why_not: string | null, retry: Record<string, any> | null}} Offer
 *   the `download` part of a `missing_data` error
 * @typedef {{type: "download", dataset: string, state: string, bytes: number, total: number,
 *            folder: string, message: string | null}} DownloadEvent
 */

/**
 * @param {Document} doc
 * @param {import("./store.js").Store} store
 * @param {import("./commands.js").Commands} commands
 * @param {import("./toasts.js").Toasts} toasts
 */
export function installDownloads(doc, store, commands, toasts) {
  const card = new DownloadCard(doc, store, commands, toasts);
  commands.claim("missing_data", (reply) => card.offer(reply.download, reply.message));
  store.on("download", (event) => card.progress(event));
  return card;
}

/** The card that offers a download and shows its progress. */
export class DownloadCard {
  /**
   * @param {Document} doc
   * @param {import("./store.js").Store} store
   * @param {import("./commands.js").Commands} commands
   * @param {import("./toasts.js").Toasts} toasts
   */
  constructor(doc, store, commands, toasts) {
    /** @param {string} id @returns {any} */
    const $ = (id) => doc.getElementById(id);
    this.els = {
      card: $("download-card"), title: $("download-title"), text: $("download-text"),
      progress: $("download-progress"), bar: $("download-bar"), amount: $("download-amount"),
      message: $("download-message"), start: $("download-start"),
      cancel: $("download-cancel"), close: $("download-close"),
    };
    this.store = store;
    this.commands = commands;
    this.toasts = toasts;
    /** @type {Offer | null} what the card is about */
    this.current = null;
    /** "offer", "downloading", "loading", "failed" or "" (hidden) */
    this.state = "";
    /** @type {{title: () => string, text: () => string, message: () => string,
     *          start: () => string, amount: () => string}} the card's text, in the language */
    this.texts = { title: () => "", text: () => "", message: () => "",
      start: () => t("files:download.start"), amount: () => "" };
    this.els.start.addEventListener("click", () => this.start());
    this.els.cancel.addEventListener("click", () => this.cancel());
    this.els.close.addEventListener("click", () => this.hide());
    onLanguage(() => this.write());
  }

  /** Write the card's text (again) in the page's language. */
  write() {
    const { els, texts } = this;
    els.title.textContent = texts.title();
    els.text.textContent = texts.text();
    els.message.textContent = texts.message();
    els.start.textContent = texts.start();
    els.amount.textContent = texts.amount();
  }

  /**
   * A command was refused for want of a dataset's files: offer them.
   * @param {Offer} offer @param {string} message  the server's sentence
   */
  offer(offer, message) {
    if (this.state === "downloading" && this.current?.dataset === offer.dataset) {
      this.current = { ...offer, retry: offer.retry ?? this.current.retry };
      return;  // it is on its way: the newest refused command is the one to send again
    }
    this.current = offer;
    const values = () => ({ title: offer.title, count: offer.files.length, folder: offer.folder,
      host: host(offer.source), size: offer.bytes != null ? bytes(offer.bytes) : "" });
    if (offer.can_download) {
      this.show("offer", () => t("files:download.title.offer", values()),
        () => t(offer.bytes != null ? "files:download.offer_sized" : "files:download.offer",
          values()));
    } else {
      this.show("offer", () => t("files:download.title.missing", values()),
        () => language() === "en" ? message : t("files:download.missing",
          { title: offer.title, why: whyNot(offer), put: putText(offer) }));
    }
    this.els.start.hidden = !offer.can_download;
    this.texts.start = () => t("files:download.start");
    this.write();
  }

  /** Ask the server to download the offered dataset. */
  async start() {
    const offer = this.current;
    if (!offer) return;
    const reply = await this.commands.act({ type: "download", dataset: offer.dataset }, null,
      true);  // a refusal is shown here, on the card
    if (reply.type !== "applied") {
      this.fail(reply.message ? () => errorText(reply) : () => t("files:download.refused"));
    } else if (reply.state === "done") {
      this.loaded();
    } else {
      this.show("downloading", () => t("files:download.title.downloading", { title: offer.title }),
        () => t("files:download.from_into", { host: host(reply.source), folder: reply.folder }));
      this.bar(reply.bytes, reply.total);
    }
  }

  /** @param {DownloadEvent} event */
  progress(event) {
    const offer = this.current;
    if (!event || !offer || event.dataset !== offer.dataset) return;
    if (event.state === "downloading") {
      if (this.state !== "downloading") {
        this.show("downloading", () => t("files:download.title.downloading", { title: offer.title }),
          () => t("files:download.into", { folder: event.folder }));
      }
      this.bar(event.bytes, event.total);
    } else if (event.state === "done") {
      this.bar(event.total, event.total);
      this.loaded();
    } else if (event.state === "failed") {
      const message = event.message;
      this.fail(() => failedText(offer, message));
    } else if (event.state === "cancelled") {
      this.hide();
    }
  }

  /** The files are there: send the refused command again, so the dataset loads. */
  async loaded() {
    const offer = this.current;
    if (!offer || this.state === "loading") return;
    this.show("loading", () => t("files:download.title.here", { title: offer.title }),
      () => t("files:download.loading", { title: offer.title }));
    const retry = offer.retry;
    let reply = null;
    if (retry?.type === "preset") reply = await this.commands.loadPreset(retry.name);
    else if (retry?.type === "set") reply = await this.commands.setConfig(retry.config, null);
    if (reply && reply.type !== "applied") {
      const refused = reply;
      if (refused.code !== "missing_data") {
        this.fail(refused.message ? () => errorText(refused) : () => t("files:download.not_loaded"));
      }
      return;
    }
    this.hide();
    if (!retry) this.toasts.show(t("files:download.ready", { title: offer.title }), "info");
  }

  /** @param {() => string} message  why, and where to put the files (the server's, in English) */
  fail(message) {
    const offer = this.current;
    this.show("failed", () => offer ? t("files:download.title.failed", { title: offer.title })
      : t("files:download.title.failed_unknown"), () => "");
    this.texts.message = message;
    this.els.start.hidden = !offer?.can_download;
    this.texts.start = () => t("files:download.retry");
    this.write();
  }

  /** Stop waiting for the download (it stops when no session waits for it). */
  async cancel() {
    const offer = this.current;
    if (this.state === "downloading" && offer) {
      await this.commands.act({ type: "download", dataset: offer.dataset, cancel: true });
    }
    this.hide();
  }

  hide() {
    this.state = "";
    this.current = null;
    this.els.card.hidden = true;
  }

  /**
   * @param {string} state @param {() => string} title @param {() => string} text
   */
  show(state, title, text) {
    const els = this.els;
    this.state = state;
    els.card.hidden = false;
    els.card.dataset.state = state;
    Object.assign(this.texts, { title, text, message: () => "" });
    this.write();
    els.progress.hidden = state !== "downloading" && state !== "loading";
    els.start.hidden = state !== "offer" && state !== "failed";
    els.cancel.hidden = state !== "downloading";
    els.close.hidden = state === "downloading" || state === "loading";
  }

  /** @param {number} done @param {number} total */
  bar(done, total) {
    const els = this.els;
    els.bar.max = total || 1;
    els.bar.value = Math.min(done, total || 1);
    this.texts.amount = () => t("files:download.amount", { done: bytes(done), total: bytes(total) });
    els.amount.textContent = this.texts.amount();
  }
}

/**
 * Which files to put where, and where to get them (the server's `where_to_put`, in the page's
 * language). @param {Offer} offer
 */
function putText(offer) {
  const values = { count: offer.files.length, files: offer.files.join(", "), folder: offer.folder,
    source: offer.source ?? "", title: offer.title };
  return t(offer.source ? "files:download.put_from" : "files:download.put", values);
}

/**
 * Why this server does not download the dataset (the offer's `why_not`, in English), in the
 * page's language. @param {Offer} offer
 */
function whyNot(offer) {
  const why = offer.why_not ?? "";
  if (why.includes("--dataset-dir")) {
    return t("files:download.why.named", { flag: "--dataset-dir", folder: offer.folder });
  }
  if (why.includes("--no-downloads")) return t("files:download.why.off", { flag: "--no-downloads" });
  if (why.includes("download table")) return t("files:download.why.not_listed");
  return why;
}

/**
 * A failed download's sentence: the server's in English; in another language, what failed
 * and where to put the files instead. @param {Offer} offer @param {string | null} message
 */
function failedText(offer, message) {
  if (language() === "en") return message ?? t("files:download.could_not", { title: offer.title });
  const put = putText(offer);
  const text = message ?? "";
  if (text.includes("could not be saved in")) {
    return t("files:download.failed.save", { title: offer.title, folder: offer.folder,
      flag: "--data-dir", put });
  }
  if (text.includes("seems to be offline")) {
    return t("files:download.failed.offline", { title: offer.title, put });
  }
  return t("files:download.failed.other", { title: offer.title, put });
}

/** The host of a URL, as a person reads it. @param {string | null} url */
function host(url) {
  if (!url) return t("files:download.its_source");
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
