// @ts-check
/**
 * The views of image data (the digits, MNIST): the selected sample as an image, the output as
 * class probabilities, a gallery of test images mistakes first, a canvas to draw a digit on.
 * Installed by main.js; it listens to the store.
 */

/**
 * @param {Document} doc
 * @param {import("./store.js").Store} store
 * @param {import("./commands.js").Commands} commands
 */
export function installImageViews(doc, store, commands) {
  void doc, store, commands;
}
