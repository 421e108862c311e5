// What tests/e2e/test_projector.py checks of the page's layout: a list of problems, each one
// naming the element and its box (none: the layout holds).
() => {
  const problems = [];
  const se = document.scrollingElement;
  if (se.scrollHeight > innerHeight + 0.5 || se.scrollWidth > innerWidth + 0.5) {
    problems.push(`the document scrolls: ${se.scrollWidth}×${se.scrollHeight}`);
  }
  const box = (el) => el.getBoundingClientRect();
  const shown = (el) => { const b = box(el); return b.width > 0 && b.height > 0 &&
    getComputedStyle(el).visibility !== 'hidden'; };
  const name = (el) => el.id ? '#' + el.id : el.dataset.tab ? `tab ${el.dataset.tab}`
    : el.dataset.dataset ? `dataset ${el.dataset.dataset}` : el.dataset.feature
    ? `feature ${el.dataset.feature}` : el.dataset.layer ? `${el.className} ${el.dataset.layer}/${el.dataset.index ?? el.dataset.delta}`
    : (el.closest('[data-control]') ? `control ${el.closest('[data-control]').dataset.control}`
    : el.tagName.toLowerCase() + ' ' + (el.textContent || '').trim().slice(0, 20));
  const inside = (b, c) => b.left >= c.left - 0.5 && b.top >= c.top - 0.5 &&
    b.right <= c.right + 0.5 && b.bottom <= c.bottom + 0.5;
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
  const view = { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
  // the regions: on screen, apart
  const regions = ['#toolbar', '#data-panel', '#features-panel', '#network-panel',
                   '#output-panel', '#drawer'].map((s) => document.querySelector(s));
  for (const el of regions) {
    if (!shown(el)) problems.push(`${name(el)} is not shown`);
    else if (!inside(box(el), view)) problems.push(`${name(el)} is off screen: ${JSON.stringify(box(el))}`);
  }
  for (let i = 0; i < regions.length; i++) for (let j = i + 1; j < regions.length; j++) {
    if (overlap(box(regions[i]), box(regions[j]))) problems.push(`${name(regions[i])} overlaps ${name(regions[j])}`);
  }
  // the drawings: on screen, of a useful size, inside their panels
  const least = { '#network': [150, 120], '#output-plot': [120, 120], '#chart': [150, 60] };
  for (const [sel, [w, h]] of Object.entries(least)) {
    const el = document.querySelector(sel), b = box(el);
    if (!shown(el) || b.width < w || b.height < h) problems.push(`${sel} is too small: ${b.width}×${b.height}`);
    if (!inside(b, view)) problems.push(`${sel} is off screen`);
  }
  if (!inside(box(document.querySelector('#network')), box(document.querySelector('#network-panel')))) problems.push('#network spills out of its panel');
  if (!inside(box(document.querySelector('#plots')), box(document.querySelector('#output-panel')))) problems.push('the plots spill out of the output panel');
  if (!inside(box(document.querySelector('#chart-panel')), box(document.querySelector('#output-panel')))) problems.push('the chart spills out of the output panel');
  for (const n of document.querySelectorAll('.neuron')) {
    if (!inside(box(n), box(document.querySelector('#network')))) problems.push(`${name(n)} is outside the network`);
  }
  // what is clipped by a box that hides overflow (a panel) counts as cut off
  const clipped = (el) => {
    const b = box(el);
    if (!inside(b, view)) return true;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if ((s.overflowX !== 'visible' || s.overflowY !== 'visible') && !inside(b, box(a))) return true;
    }
    return false;
  };
  // every control outside the drawer's scrolling panels: whole, on screen, apart from the rest
  const controls = [...document.querySelectorAll(
    'button, select, input:not([type=file]), label.file-button, .neuron, .layer-label, h2, #task-note, .legend, .chart-legend .item, #status, .rates, #speed-value')]
    .filter((el) => shown(el) && !el.closest('.drawer-panel:not(.explain)') &&
                    !el.closest('.explain-body') && !el.closest('dialog'));
  for (const el of controls) if (clipped(el)) problems.push(`${name(el)} is cut off: ${JSON.stringify(box(el))}`);
  for (let i = 0; i < controls.length; i++) for (let j = i + 1; j < controls.length; j++) {
    const a = controls[i], b = controls[j];
    if (a.contains(b) || b.contains(a)) continue;
    if (overlap(box(a), box(b))) problems.push(`${name(a)} overlaps ${name(b)}`);
  }
  // the drawer's tabs: one row, inside the drawer; an open panel: whole, on screen
  const tabs = [...document.querySelectorAll('[data-tab]')].filter(shown);
  if (new Set(tabs.map((t) => Math.round(box(t).top))).size > 1) problems.push('the tabs take more than one row');
  const panel = [...document.querySelectorAll('.drawer-panel')].find(shown);
  if (panel && !inside(box(panel), view)) problems.push(`the open panel ${panel.id} is cut off`);
  if (panel && !inside(box(panel), box(document.querySelector('#drawer')))) problems.push(`the open panel ${panel.id} spills out of the drawer`);
  return problems;
}
