// @ts-check
/**
 * The page's languages: English, Vietnamese and Russian. Every string a person reads comes
 * from a catalogue, static/i18n/<language>/<namespace>.json, in i18next's JSON format (v4):
 * a key's value is the text, {{name}} a value put in, and key_one, key_few, key_many and
 * key_other the plural forms of a count (`count`), as each language has them (Russian all four,
 * Vietnamese only _other). A translator edits those files and nothing else; tests/test_catalogues.py
 * checks that every language has every key, the same {{values}} and its plural forms.
 *
 *   page         the page's frame: top bar, controls, drawer, help, downloads, recent runs
 *   messages     toasts, refusals and the server's errors, the connection, limits
 *   views        the network, the output plot, the charts, tables, inspector, images
 *   explain      the step-through's narration
 *   classroom    the class, the dashboard, a student's page
 *   experiments  the timeline, compared runs, sweeps
 *   server       what the server names: settings, presets, datasets, activations, losses
 *                (its English is extracted from app/: `python -m app.i18n`)
 *   files        the NumPy script, downloads, saved and recent runs
 *
 * English is built in (the notebook widget has no server to fetch from); another language is
 * fetched when chosen. The choice comes from `#lang=` in the link, then the last one chosen on
 * this browser, then the browser's languages, then English. Text in the HTML names its key in
 * `data-i18n` ("key", or "[attribute]key;[attribute]key;key" for attributes such as
 * aria-label, title and placeholder); `localize` fills it in, and modules that write text
 * themselves listen with `onLanguage` and write it again.
 */

import i18next from "./vendor/i18next.js";
import enPage from "../i18n/en/page.json" with { type: "json" };
import enMessages from "../i18n/en/messages.json" with { type: "json" };
import enViews from "../i18n/en/views.json" with { type: "json" };
import enExplain from "../i18n/en/explain.json" with { type: "json" };
import enClassroom from "../i18n/en/classroom.json" with { type: "json" };
import enExperiments from "../i18n/en/experiments.json" with { type: "json" };
import enServer from "../i18n/en/server.json" with { type: "json" };
import enFiles from "../i18n/en/files.json" with { type: "json" };

/** Each language by its own name (a proper name, the same in every language). */
export const LANGUAGES = /** @type {const} */ ({ en: "English", vi: "Tiếng Việt", ru: "Русский" });
export const NAMESPACES = ["page", "messages", "views", "explain", "classroom", "experiments",
  "server", "files"];
const STORED = "nnplay.lang";  // localStorage: the language last chosen here

/** @type {Set<string>} keys asked for that no catalogue has (tests read them) */
export const missingKeys = new Set();
/** @type {Set<(lang: string) => void>} */
const listeners = new Set();

i18next.init({
  lng: "en", fallbackLng: "en", ns: NAMESPACES, defaultNS: "page", initAsync: false,
  resources: { en: { page: enPage, messages: enMessages, views: enViews, explain: enExplain,
                     classroom: enClassroom, experiments: enExperiments, server: enServer,
                     files: enFiles } },
  interpolation: { escapeValue: false },  // text goes in as textContent, never as HTML
  returnNull: false, saveMissing: true,
  missingKeyHandler: (_lngs, ns, key) => { missingKeys.add(`${ns}:${key}`); },
});

/**
 * The text of `key` ("namespace:key", or a key of `page`) in the page's language.
 * @param {string} key @param {Record<string, any>} [values]  {{values}}; `count` picks a plural
 * @returns {string}
 */
export function t(key, values) {
  return /** @type {string} */ (i18next.t(key, values));
}

/** Whether `key` has a text in any catalogue. @param {string} key */
export function has(key) {
  return i18next.exists(key);
}

/** The page's language: "en", "vi" or "ru". */
export function language() {
  return i18next.language;
}

/** @param {unknown} lang @returns {lang is keyof typeof LANGUAGES} */
export function isLanguage(lang) {
  return typeof lang === "string" && Object.hasOwn(LANGUAGES, lang);
}

/**
 * The language to start in: `#lang=` in the link, then the last one chosen here, then the
 * first of the browser's languages nnplay speaks, then English.
 * @param {string} [hash]
 */
export function requestedLanguage(hash = location.hash) {
  const fromLink = new URLSearchParams(hash.replace(/^#/, "")).get("lang");
  if (isLanguage(fromLink)) return fromLink;
  let stored = null;
  try { stored = localStorage.getItem(STORED); } catch { /* storage blocked: not remembered */ }
  if (isLanguage(stored)) return stored;
  for (const tag of navigator.languages ?? []) {
    const base = tag.toLowerCase().split("-")[0];
    if (isLanguage(base)) return base;
  }
  return "en";
}

/**
 * Switch the page to `lang`: fetch its catalogues (once), then write every text again.
 * @param {string} lang @param {{remember?: boolean}} [options]  remember: keep the choice here
 */
export async function setLanguage(lang, { remember = true } = {}) {
  if (!isLanguage(lang)) throw new Error(`language=${JSON.stringify(lang)} is not offered; allowed: ${Object.keys(LANGUAGES).join(", ")}`);
  if (lang !== "en" && !i18next.hasResourceBundle(lang, "page")) {
    const bundles = await Promise.all(NAMESPACES.map(async (ns) => {
      const reply = await fetch(`/static/i18n/${lang}/${ns}.json`);
      if (!reply.ok) throw new Error(`the ${LANGUAGES[lang]} catalogue ${ns}.json did not load (${reply.status})`);
      return [ns, await reply.json()];
    }));
    for (const [ns, bundle] of bundles) i18next.addResourceBundle(lang, ns, bundle, true, true);
  }
  await i18next.changeLanguage(lang);
  numberFormats.clear();
  if (remember) {
    try { localStorage.setItem(STORED, lang); } catch { /* storage blocked: not remembered */ }
    // the server renders the next page in it (app/i18n.py), so it opens with no English first
    document.cookie = `nnplay_lang=${lang}; path=/; max-age=31536000; SameSite=Lax`;
  }
  if (typeof document !== "undefined") {
    document.documentElement.lang = lang;
    localize(document);
  }
  for (const listener of listeners) {
    try {
      listener(lang);
    } catch (e) {  // one view's failure leaves the others to write their text
      console.error("nnplay: a view could not write its text again:", e);
    }
  }
}

/**
 * Start the page in the language asked for (`requestedLanguage`). The server rendered the HTML
 * in the cookie's language; this loads that language's catalogues for the modules' own text,
 * or switches when a link asks for another.
 */
export async function startLanguage() {
  const lang = requestedLanguage();
  if (lang !== "en" || document.documentElement.lang !== "en") await setLanguage(lang);
}

/**
 * Call `listener` whenever the language changes (after the page's own text is written).
 * @param {(lang: string) => void} listener @returns {() => void} stops listening
 */
export function onLanguage(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Fill in every `data-i18n` element under `root` (itself included).
 * "key" sets the text; "[aria-label]key" an attribute; several are joined by ";".
 * @param {ParentNode} root
 */
export function localize(root) {
  const elements = /** @type {Element[]} */ ([...root.querySelectorAll("[data-i18n]")]);
  if (root instanceof Element && root.hasAttribute("data-i18n")) elements.unshift(root);
  for (const el of elements) {
    for (const part of (el.getAttribute("data-i18n") ?? "").split(";")) {
      const match = /^\s*(?:\[([\w-]+)\])?\s*(\S+)\s*$/.exec(part);
      if (!match) continue;
      const [, attribute, key] = match;
      if (attribute) el.setAttribute(attribute, t(key));
      else el.textContent = t(key);
    }
  }
}

/** @type {Map<string, Intl.NumberFormat>} */
const numberFormats = new Map();

/**
 * A cached Intl.NumberFormat for the page's language (format.js writes every number with it).
 * @param {Intl.NumberFormatOptions} options
 */
export function numberFormat(options) {
  const key = JSON.stringify(options);
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(language(), options);
    numberFormats.set(key, format);
  }
  return format;
}

/** @type {Map<string, any>} Intl formatters other than numbers', for the page's language */
const formats = new Map();

/**
 * A cached Intl formatter for the page's language. @template T
 * @param {string} key @param {(lang: string) => T} make @returns {T}
 */
function cached(key, make) {
  const id = `${language()} ${key}`;
  if (!formats.has(id)) formats.set(id, make(language()));
  return formats.get(id);
}

/** A date and time for the page's language. @param {Date | number} when */
export function dateTime(when) {
  return cached("dateTime", (lang) => new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" })).format(when);
}

/** A list joined as the language joins one ("a, b and c"). @param {string[]} items */
export function list(items) {
  return cached("list", (lang) => new Intl.ListFormat(lang, { style: "long", type: "conjunction" })).format(items);
}
