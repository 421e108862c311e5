// @ts-check
/**
 * Point markers: a shape per class, so that classes differ by more than colour, and two rings
 * around every marker, so that it stands out on any part of the plot.
 *
 * - Shape: class k gets SHAPES[k] (circle, square, triangle, diamond, …), the same in the plot,
 *   its legend and the class tables. Regression targets are circles.
 * - Rings: a light halo (HALO) outside a dark outline (OUTLINE). Some class colours are light
 *   (#f0e442 yellow is 1.2:1 against white) and the map behind the points runs from white to
 *   saturated blue and orange, so no single edge colour contrasts with all of it: the dark
 *   outline has at least 3:1 against every light background, the halo against every dark one
 *   (WCAG 2.1 non-text contrast; tests/e2e/test_markers.py measures it on drawn pixels).
 * - Test points have a thicker outline than training points (TEST_OUTLINE), as the legend says.
 */

import { t } from "./i18n.js";

export const HALO = "#ffffff";
export const OUTLINE = "#1a1a1a";
export const TRAIN_OUTLINE = 1.75;  // px
export const TEST_OUTLINE = 3;
export const HALO_WIDTH = 2;  // px of halo outside the outline

/** Unit polygons (radius 1, y down), or "circle". Areas are roughly equal to the circle's. */
const polygon = (n, turn, scale) => Array.from({ length: n }, (_, i) => {
  const a = turn + (2 * Math.PI * i) / n;
  return [scale * Math.cos(a), scale * Math.sin(a)];
});
const star = Array.from({ length: 10 }, (_, i) => {
  const a = -Math.PI / 2 + (Math.PI * i) / 5;
  const r = i % 2 ? 0.55 : 1.3;
  return [r * Math.cos(a), r * Math.sin(a)];
});
const cross = (w) => [[-w, -1], [w, -1], [w, -w], [1, -w], [1, w], [w, w], [w, 1], [-w, 1],
  [-w, w], [-1, w], [-1, -w], [-w, -w]];
const rotate = (points, a) => points.map(([x, y]) => [x * Math.cos(a) - y * Math.sin(a),
  x * Math.sin(a) + y * Math.cos(a)]);

/** @type {{name: string, points: number[][] | null}[]} */
export const SHAPES = [
  { name: "circle", points: null },
  { name: "square", points: polygon(4, Math.PI / 4, 1.25) },
  { name: "triangle", points: polygon(3, -Math.PI / 2, 1.45) },
  { name: "diamond", points: polygon(4, 0, 1.3) },
  { name: "triangle down", points: polygon(3, Math.PI / 2, 1.45) },
  { name: "plus", points: cross(0.38).map(([x, y]) => [1.2 * x, 1.2 * y]) },
  { name: "star", points: star },
  { name: "hexagon", points: polygon(6, 0, 1.1) },
  { name: "cross", points: rotate(cross(0.38), Math.PI / 4).map(([x, y]) => [1.2 * x, 1.2 * y]) },
  { name: "pentagon", points: polygon(5, -Math.PI / 2, 1.15) },
];

/** A shape's name in the page's language. @param {{name: string}} shape */
export function shapeName(shape) {
  return t(`views:shapes.${shape.name.replace(" ", "_")}`);
}

/** The shape of a point's marker. @param {number} y @param {string} task */
export function shapeOf(y, task) {
  return task === "regression" ? SHAPES[0] : SHAPES[y % SHAPES.length];
}

/** Trace a shape's path. @param {CanvasRenderingContext2D} ctx */
function trace(ctx, shape, x, y, r) {
  ctx.beginPath();
  if (!shape.points) {
    ctx.arc(x, y, r, 0, 2 * Math.PI);
    return;
  }
  shape.points.forEach(([u, v], i) => (i ? ctx.lineTo : ctx.moveTo).call(ctx, x + r * u, y + r * v));
  ctx.closePath();
}

/**
 * Draw one marker: halo, fill, outline.
 * @param {CanvasRenderingContext2D} ctx
 * @param {{name: string, points: number[][] | null}} shape
 * @param {number} x @param {number} y @param {number} r radius in px
 * @param {string} fill CSS colour
 * @param {boolean} [test] a test point (thicker outline)
 * @param {number} [rings] the rings' widths as a share of the plot's (small multiples: less)
 */
export function drawMarker(ctx, shape, x, y, r, fill, test = false, rings = 1) {
  const outline = (test ? TEST_OUTLINE : TRAIN_OUTLINE) * rings;
  trace(ctx, shape, x, y, r);
  ctx.lineJoin = "round";
  ctx.lineWidth = outline + 2 * HALO_WIDTH * rings;
  ctx.strokeStyle = HALO;
  ctx.stroke();
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.lineWidth = outline;
  ctx.strokeStyle = OUTLINE;
  ctx.stroke();
}

/**
 * A small SVG of a marker, for legends and tables (aria-hidden: the text beside it names the
 * class). @param {{name: string, points: number[][] | null}} shape @param {string} fill
 * @param {number} [size] px
 */
export function markerSvg(shape, fill, size = 16) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  const half = size / 2;
  const r = half * 0.6;
  svg.setAttribute("width", String(size));
  svg.setAttribute("height", String(size));
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("aria-hidden", "true");
  svg.classList.add("marker");
  const el = shape.points
    ? document.createElementNS(ns, "polygon") : document.createElementNS(ns, "circle");
  if (shape.points) {
    el.setAttribute("points", shape.points.map(([u, v]) => `${half + r * u},${half + r * v}`)
      .join(" "));
  } else {
    el.setAttribute("cx", String(half));
    el.setAttribute("cy", String(half));
    el.setAttribute("r", String(r));
  }
  el.setAttribute("fill", fill);
  el.setAttribute("stroke", OUTLINE);
  el.setAttribute("stroke-width", String(TRAIN_OUTLINE));
  el.setAttribute("stroke-linejoin", "round");
  svg.appendChild(el);
  return svg;
}
