// @ts-check
/**
 * Downloading a dataset the server does not have yet (MNIST, Fashion-MNIST), with progress.
 * Installed by main.js.
 */

/**
 * @param {Document} doc
 * @param {import("./store.js").Store} store
 * @param {import("./commands.js").Commands} commands
 * @param {import("./toasts.js").Toasts} toasts
 */
export function installDownloads(doc, store, commands, toasts) {
  void doc, store, commands, toasts;
}
