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
 */

import { bytes } from "./format.js";

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
    this.els.start.addEventListener("click", () => this.start());
    this.els.cancel.addEventListener("click", () => this.cancel());
    this.els.close.addEventListener("click", () => this.hide());
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
    const size = offer.bytes != null ? ` (${bytes(offer.bytes)})` : "";
    if (offer.can_download) {
      this.show("offer", `${offer.title} is not on this server yet`,
        `Download its ${offer.files.length} files${size} from ${host(offer.source)}? They are ` +
        `kept in ${offer.folder} and used from then on. Or put them there yourself.`);
    } else {
      this.show("offer", `${offer.title}'s files are not on this server`, message);
    }
    this.els.start.hidden = !offer.can_download;
    this.els.start.textContent = "Download";
  }

  /** Ask the server to download the offered dataset. */
  async start() {
    const offer = this.current;
    if (!offer) return;
    const reply = await this.commands.act({ type: "download", dataset: offer.dataset }, null,
      true);  // a refusal is shown here, on the card
    if (reply.type !== "applied") {
      this.fail(reply.message ?? "the download was refused");
    } else if (reply.state === "done") {
      this.loaded();
    } else {
      this.show("downloading", `Downloading ${offer.title}`, `From ${host(reply.source)} into ` +
        `${reply.folder}.`);
      this.bar(reply.bytes, reply.total);
    }
  }

  /** @param {DownloadEvent} event */
  progress(event) {
    const offer = this.current;
    if (!event || !offer || event.dataset !== offer.dataset) return;
    if (event.state === "downloading") {
      if (this.state !== "downloading") {
        this.show("downloading", `Downloading ${offer.title}`, `Into ${event.folder}.`);
      }
      this.bar(event.bytes, event.total);
    } else if (event.state === "done") {
      this.bar(event.total, event.total);
      this.loaded();
    } else if (event.state === "failed") {
      this.fail(event.message ?? `${offer.title} could not be downloaded`);
    } else if (event.state === "cancelled") {
      this.hide();
    }
  }

  /** The files are there: send the refused command again, so the dataset loads. */
  async loaded() {
    const offer = this.current;
    if (!offer || this.state === "loading") return;
    this.show("loading", `${offer.title} is here`, `Loading ${offer.title}…`);
    const retry = offer.retry;
    let reply = null;
    if (retry?.type === "preset") reply = await this.commands.loadPreset(retry.name);
    else if (retry?.type === "set") reply = await this.commands.setConfig(retry.config, null);
    if (reply && reply.type !== "applied") {
      if (reply.code !== "missing_data") this.fail(reply.message ?? "it could not be loaded");
      return;
    }
    this.hide();
    if (!retry) this.toasts.show(`${offer.title} is ready: load your run again`, "info");
  }

  /** @param {string} message  the server's, which says where to put the files */
  fail(message) {
    const offer = this.current;
    this.show("failed", `${offer?.title ?? "The dataset"} is not here`, "");
    this.els.message.textContent = message;
    this.els.start.hidden = !offer?.can_download;
    this.els.start.textContent = "Try again";
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
   * @param {string} state @param {string} title @param {string} text
   */
  show(state, title, text) {
    const els = this.els;
    this.state = state;
    els.card.hidden = false;
    els.card.dataset.state = state;
    els.title.textContent = title;
    els.text.textContent = text;
    els.message.textContent = "";
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
    els.amount.textContent = `${bytes(done)} of ${bytes(total)}`;
  }
}

/** The host of a URL, as a person reads it. @param {string | null} url */
function host(url) {
  if (!url) return "its source";
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
