// @ts-check
/**
 * What the server names, in the page's language (the `server` catalogue, whose English is the
 * schema's own: app/server_strings.py): a setting's label and a choice's display name. Every
 * module that names a setting or one of its values asks here, so each reads the same
 * everywhere.
 */

import { has, t } from "./i18n.js";

/**
 * A setting's label as the controls show it ("Learning rate"), or `fallback`, or its name.
 * @param {string} name @param {string} [fallback]
 */
export function fieldLabel(name, fallback) {
  const key = `server:fields.${name}.label`;
  return has(key) ? t(key) : fallback ?? name.replace(/_/g, " ");
}

/**
 * A choice's display name ("circle", "leaky relu", a feature's "sin x₁"), or `fallback`.
 * @param {string} field @param {unknown} value @param {string} [fallback]  by default the value as is
 */
export function choiceLabel(field, value, fallback = String(value)) {
  for (const key of [`server:choices.${field}.${value}`,
    ...(field === "features" ? [`server:features.${value}`] : [])]) {
    if (has(key)) return t(key);
  }
  return fallback;
}
