// The job detail's anchor card: one result row with its negatives and hard positive, as
// thumbnails or text when the dataset has previews, the exact cosine neighbours beside them when
// the snapshot kept its floats, and a table of distances.
import { h, fill } from './dom.js';
import { formatCount, formatPercent } from './format.js';
import { previewsInfo, previewItems, tile, labelText } from './previews.js';

/** Why a row cannot be shown, or null: rows go from 0 to anchors - 1. */
export function rowProblem(row, anchors) {
  if (!Number.isInteger(row) || row < 0) return 'The row is a whole number from 0.';
  if (row >= anchors) return `Row ${row} is past the last row (${anchors - 1}): rows go from 0 to ${anchors - 1}.`;
  return null;
}

/** The share of the random-pair mean as a bar on a scale to 150%, with its value in words. */
function versusRandom(hamming, randomMean) {
  const share = hamming / randomMean;
  return h('td', { class: 'spark', title: `${formatPercent(share)} of the random-pair mean (${randomMean.toFixed(1)})` },
    h('div', { class: 'spark-track' },
      h('div', { class: 'spark-bar', style: `width:${Math.min(100, (100 * share) / 1.5).toFixed(1)}%` }),
      h('div', { class: 'spark-mark', title: 'random-pair mean' })),
    h('span', { class: 'spark-value' }, formatPercent(share)));
}

async function optional(promise) {
  try {
    return await promise;
  } catch (e) {
    return { error: e.message };
  }
}

/**
 * Shows result row `row` of a SUCCEEDED job in `view`; problems go to `err`.
 *
 * @param o api, job, plots (or null), row, view, err, snapshot (the job's snapshot, or null when deleted)
 */
export async function showAnchor(o) {
  const { api, job, plots, row, view, err } = o;
  err.hidden = true;
  const problem = rowProblem(row, job.result.anchors);
  if (problem) {
    view.replaceChildren();
    err.textContent = problem;
    err.hidden = false;
    return;
  }
  fill(view, h('p', { class: 'muted' }, `Loading row ${row}…`));
  // Only the latest request may fill the card (an earlier, slower one would show the wrong row).
  const ticket = String((Number(view.dataset.ticket) || 0) + 1);
  view.dataset.ticket = ticket;
  const stale = () => view.dataset.ticket !== ticket;
  let page;
  try {
    page = await api.get(`api/v1/jobs/${job.id}/negatives?page=${row}&size=1`);
  } catch (e) {
    if (stale()) return;
    view.replaceChildren();
    err.textContent = e.message;
    err.hidden = false;
    return;
  }
  const a = page.items[0];
  const hard = a.hard_positive !== undefined && a.hard_positive >= 0 ? a.hard_positive : null;
  const floats = o.snapshot && o.snapshot.floatsKept;
  const count = Math.max(1, Math.min(128, a.negatives.length || job.params.negatives));
  const [info, exact] = await Promise.all([
    optional(previewsInfo(api, job.datasetId)),
    floats ? optional(api.get(`api/v1/dashboard/jobs/${job.id}/rows/${row}/exact?count=${count}`)) : null,
  ]);
  const ids = [a.anchor, ...a.negatives, ...(hard !== null ? [hard] : []),
    ...(exact && !exact.error ? exact.neighbours.map((n) => n.id) : [])];
  const items = info.error ? { error: info.error } : await optional(previewItems(api, job.datasetId, ids));
  if (stale()) return;
  const randomMean = plots ? plots.randomMeanHamming : null;
  const known = !items.error;
  const item = (id) => (known && items.byId.get(id)) || { id, label: null };
  const meta = known ? items.meta : { kind: null };
  const mined = new Set(a.negatives);
  const anchorItem = item(a.anchor);

  const lsh = h('div', { class: 'gallery', id: 'anchor-lsh' },
    tile(anchorItem, meta, 'anchor', [], 'tile-anchor'),
    a.negatives.map((n, i) => tile(item(n), meta, `#${i + 1}`, [`Hamming ${a.hamming[i]} · cos ≈ ${a.cosine[i].toFixed(2)}`], 'tile-neg')),
    hard !== null ? tile(item(hard), meta, 'hard positive', ['farthest item with the same label'], 'tile-pos') : null);
  let exactBlock = null;
  if (exact && !exact.error) {
    const inBoth = exact.neighbours.filter((n) => mined.has(n.id)).length;
    exactBlock = h('div', { class: 'exact' },
      h('h4', {}, `Exact cosine neighbours (${exact.neighbours.length} nearest of ${formatCount(exact.candidates)} candidates)`),
      h('p', { class: 'muted small d-exact-summary' }, `${inBoth} of them are among the ${a.negatives.length} LSH negatives above `
        + '(marked ✓): the exact search is what LSH approximates.'),
      h('div', { class: 'gallery', id: 'anchor-exact' },
        exact.neighbours.map((n, i) => tile(item(n.id), meta, `#${i + 1}${mined.has(n.id) ? ' ✓' : ''}`,
          [`cos ${n.cosine.toFixed(3)}`], mined.has(n.id) ? 'tile-neg tile-both' : 'tile-neg'))));
  } else if (exact && exact.error) {
    exactBlock = h('p', { class: 'muted small' }, `Exact neighbours: ${exact.error}`);
  } else {
    exactBlock = h('p', { class: 'muted small' }, 'Exact cosine neighbours need a snapshot uploaded with its floats kept.');
  }
  const labelled = a.label !== undefined;
  fill(view,
    h('p', {}, `Row ${row} of ${formatCount(page.totalAnchors)}: anchor item `, h('b', { class: 'anchor-item' }, String(a.anchor)),
      labelled ? ` (${labelText(anchorItem) || `label ${a.label}`})` : '',
      hard !== null ? ` · hard positive: item ${hard}` : '',
      ` · ${a.negatives.length} negatives`,
      known && meta.kind ? '' : ' · no previews: upload them with PUT …/previews to see the items'),
    a.negatives.length === 0 ? h('p', { class: 'empty' }, 'This anchor got no negatives.') : lsh,
    exactBlock,
    a.negatives.length === 0 ? null : h('table', { class: 'anchor-table' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col', class: 'num' }, 'Rank'), h('th', { scope: 'col', class: 'num' }, 'Item'),
        labelled ? h('th', { scope: 'col' }, 'Label') : null,
        h('th', { scope: 'col', class: 'num' }, 'Hamming'), h('th', { scope: 'col', class: 'num' }, 'Est. cosine'),
        randomMean ? h('th', { scope: 'col', title: 'Hamming distance as a share of the mean distance of random pairs; the mark is 100%' },
          `Distance vs random pairs (mean ${randomMean.toFixed(1)} = 100%)`) : null)),
      h('tbody', {}, a.negatives.map((n, i) => h('tr', {},
        h('td', { class: 'num' }, String(i + 1)),
        h('td', { class: 'num' }, String(n)),
        labelled ? h('td', {}, labelText(item(n)) || `label ${a.negative_labels[i]}`) : null,
        h('td', { class: 'num' }, String(a.hamming[i])),
        h('td', { class: 'num' }, a.cosine[i].toFixed(3)),
        randomMean ? versusRandom(a.hamming[i], randomMean) : null)))));
}
