// The history of a dataset (#/datasets/<id>/history): its epochs side by side, from
// GET /api/v1/dashboard/datasets/{id}/history, as line charts and a table, so a person sees
// whether mining keeps up as the model trains.
import { h, fill } from './dom.js';
import { formatCount, formatRate, formatTime, shortId } from './format.js';
import { historySeries } from './epochs.js';
import { drawLines, COLORS } from './charts.js';

const num = (x, digits) => (x === null || x === undefined ? '–' : x.toFixed(digits));
const pct = (x, digits) => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(digits)}%`);

function chartCard(id, title, note) {
  return h('section', { class: 'card', 'aria-labelledby': `${id}-title` },
    h('h3', { id: `${id}-title` }, title),
    h('div', { class: 'chart history-chart' }, h('canvas', { id, role: 'img', 'aria-label': title })),
    note ? h('p', { class: 'muted small' }, note) : null);
}

function table(history) {
  return h('table', { id: 'history-table' },
    h('thead', {}, h('tr', {},
      ['Epoch', 'Uploaded', 'Job', 'k', 'overlap@k', 'random', 'Mean pos. dist.', 'Negatives: mean h', 'Random pairs: mean h',
        'Anchors short', 'Search', 'Quality', 'Whole job', 'Items/s (search)']
        .map((t, i) => h('th', { scope: 'col', class: i >= 3 ? 'num' : null }, t)))),
    h('tbody', {}, history.epochs.map((e) => {
      const j = e.job;
      const cells = j ? [
        h('td', {}, h('a', { href: `#/jobs/${j.jobId}`, title: j.jobId }, shortId(j.jobId)),
          e.succeededJobs > 1 ? h('span', { class: 'muted small' }, ` newest of ${e.succeededJobs}`) : null),
        h('td', { class: 'num' }, String(j.k)),
        h('td', { class: 'num h-overlap' }, pct(j.overlap, 1)),
        h('td', { class: 'num' }, pct(j.randomOverlap, 2)),
        h('td', { class: 'num' }, num(j.meanPositionalDistance, 2)),
        h('td', { class: 'num h-neg' }, num(j.negativesMeanHamming, 1)),
        h('td', { class: 'num h-rnd' }, num(j.randomMeanHamming, 1)),
        h('td', { class: 'num h-short' }, `${formatCount(j.shortAnchors)} (${pct(j.anchors > 0 ? j.shortAnchors / j.anchors : 0, 1)})`),
        h('td', { class: 'num' }, `${j.searchSeconds.toFixed(2)} s`),
        h('td', { class: 'num' }, j.qualitySeconds === null ? '–' : `${j.qualitySeconds.toFixed(2)} s`),
        h('td', { class: 'num h-total' }, `${j.totalSeconds.toFixed(2)} s`),
        h('td', { class: 'num h-rate' }, formatRate(j.anchorsPerSecond)),
      ] : [h('td', { colspan: '12', class: 'muted' }, e.floatsKept ? 'No succeeded job on this epoch yet.'
        : 'No succeeded job on this epoch yet (floats not kept: no quality report possible).')];
      return h('tr', { 'data-epoch': String(e.epoch) },
        h('th', { scope: 'row', title: e.snapshotId }, `epoch ${e.epoch}`),
        h('td', {}, formatTime(e.createdAt)), cells);
    })));
}

/** Fetches and shows the history of `datasetId` in `main`. */
export async function showHistory(api, main, datasetId) {
  fill(main, h('section', { class: 'card' }, h('a', { href: '#/', class: 'back' }, '← Overview'), h('p', { class: 'muted' }, 'Loading…')));
  let history;
  try {
    history = await api.get(`api/v1/dashboard/datasets/${datasetId}/history`);
  } catch (e) {
    fill(main, h('section', { class: 'card' }, h('a', { href: '#/', class: 'back' }, '← Overview'),
      h('p', { class: 'error', role: 'alert' }, `The history could not be loaded: ${e.message}`)));
    return;
  }
  const s = historySeries(history);
  const withJobs = history.epochs.filter((e) => e.job).length;
  fill(main,
    h('section', { class: 'card', id: 'history-head' },
      h('a', { href: '#/', class: 'back' }, '← Overview'),
      h('h2', {}, `History of ${history.name || '(unnamed)'} `, h('small', { class: 'muted' }, history.datasetId)),
      h('p', { class: 'muted', id: 'history-summary' },
        `${history.epochs.length} epochs (snapshots), ${withJobs} with a succeeded job. Each epoch shows its newest succeeded job; `
        + 'compare epochs mined with the same k and quality sample. Random pairs are pairs of items with different labels '
        + '(what a random batch offers as negatives); the further the mined negatives sit below them, the harder they are.')),
    history.epochs.length === 0 ? h('section', { class: 'card' }, h('p', { class: 'empty' }, 'No snapshots yet.')) : [
      h('div', { class: 'history-grid' },
        chartCard('h-overlap-chart', 'overlap@k with the exact cosine top-k',
          'Share of each sampled anchor’s exact top-k that LSH found, against a random choice of k candidates.'),
        chartCard('h-distance-chart', 'Mean Hamming distance: mined negatives and random pairs',
          `Over all ${history.bits} bits; lower means closer to the anchor, i.e. harder negatives.`),
        chartCard('h-short-chart', 'Anchors short of negatives',
          'Anchors that got fewer negatives than asked (labels, rank window or cosine ceiling ran them out).'),
        chartCard('h-time-chart', 'Job time and search throughput',
          'Whole job in seconds (left axis); anchors searched per second of Hamming search (right axis).')),
      h('section', { class: 'card' }, h('h3', {}, 'Epochs'), h('div', { class: 'table-wrap' }, table(history)))]);
  if (history.epochs.length === 0) return;
  drawLines(document.getElementById('h-overlap-chart'), s.labels, [
    { label: 'LSH overlap@k (%)', data: s.overlap, color: COLORS.lsh },
    { label: 'random choice (%)', data: s.randomOverlap, color: COLORS.random, dashed: true },
  ], 'overlap@k (%)');
  drawLines(document.getElementById('h-distance-chart'), s.labels, [
    { label: 'mined negatives', data: s.negativesHamming, color: COLORS.negatives },
    { label: 'random different-label pairs', data: s.randomHamming, color: COLORS.random, dashed: true },
  ], 'mean Hamming distance');
  drawLines(document.getElementById('h-short-chart'), s.labels, [
    { label: 'anchors short (%)', data: s.shortPercent, color: COLORS.negatives },
  ], '% of anchors');
  drawLines(document.getElementById('h-time-chart'), s.labels, [
    { label: 'whole job (s)', data: s.totalSeconds, color: COLORS.time },
    { label: 'items/s (search)', data: s.anchorsPerSecond, color: COLORS.lsh, axis: 'y2', dashed: true },
  ], 'seconds', 'anchors per second');
}
