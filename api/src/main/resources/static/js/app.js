// The dashboard page: datasets, live jobs, the job form, uploads, and the job detail view.
// Everything the page shows comes from the service's API (api/v1/...); job changes arrive on
// its all-jobs event stream, so nothing is polled.
// About 930 lines: the page's views share one state and one render loop; formatting, the npy
// reader, the event stream, plots and charts live in their own modules.
import { createApi, ApiError } from './api.js';
import { openEventStream } from './sse.js';
import { applyJob, applyList, sortedJobs, countByState, progressPercent, isActive } from './jobs.js';
import {
  formatBytes, formatCount, formatDuration, formatPercent, formatRate, formatRatio, formatTime,
  elapsedSeconds, shortId,
} from './format.js';
import { distanceSummary, shortAnchors } from './plots.js';
import { drawDistances, drawOverlap } from './charts.js';
import { h, fill } from './dom.js';
import { epochLabel, snapshotOf, batchProblem, batchOptionsProblem, noBatchesReason, snapshotStorage, phaseTimes } from './epochs.js';
import { wireUpload, inspectEmbeddings, embeddingsType } from './upload.js';
import { wireMenus } from './menu.js';
import { confirmAction } from './confirm.js';
import { showAnchor } from './anchor.js';
import { showHistory } from './history.js';
import { forgetPreviews } from './previews.js';
import { keyStore, askKeyOnce, keyDeclined } from './apikey.js';

const $ = (id) => document.getElementById(id);
const JOBS_SHOWN = 15;

const api = createApi({ keyStore, askKey: askKeyOnce });

// ------------------------------------------------------------------ state

const state = {
  datasets: [],
  snapshots: new Map(), // dataset id -> snapshots, oldest first
  jobs: new Map(),
  showAllJobs: false,
  jobsLoaded: false,
  datasetsAsked: new Set(), // dataset ids a job named that were not known: looked up once each
  detail: null, // {id, plots, plotsLoading, axis}
  labelSummaries: new Map(), // dataset id -> promise of GET /api/v1/dashboard/datasets/{id}/labels
  // The service's defaults (GET /api/v1/defaults), the same the command line and the engine use;
  // these values stand in until they arrive.
  defaults: { k: 128, negatives: 8, qualitySample: 1000 },
};

/** The snapshot a job mined, null when deleted, undefined while its dataset is not loaded. */
function jobSnapshot(job) {
  const snaps = state.snapshots.get(job.datasetId);
  return snaps === undefined ? undefined : snapshotOf(snaps, job);
}

function jobEpoch(job) {
  const s = jobSnapshot(job);
  return s === undefined ? '–' : epochLabel(s);
}

/** How the dataset's items spread over its labels, fetched once per dataset (labels never change). */
function labelSummary(datasetId) {
  if (!state.labelSummaries.has(datasetId)) {
    const p = api.get(`api/v1/dashboard/datasets/${datasetId}/labels`);
    p.catch(() => state.labelSummaries.delete(datasetId));
    state.labelSummaries.set(datasetId, p);
  }
  return state.labelSummaries.get(datasetId);
}

function datasetName(id) {
  const d = state.datasets.find((x) => x.id === id);
  return d ? (d.name || '(unnamed)') : id;
}

// ------------------------------------------------------------------ messages

function toast(message) {
  $('toast-text').textContent = message;
  $('toast').hidden = false;
}

function showError(el, err) {
  el.textContent = err instanceof ApiError || err instanceof Error ? err.message : String(err);
  el.hidden = false;
}

function clearError(el) {
  el.textContent = '';
  el.hidden = true;
}

// ------------------------------------------------------------------ loading

async function loadDatasets() {
  if (!state.defaultsLoaded) {
    state.defaults = await api.get('api/v1/defaults');
    state.defaultsLoaded = true;
  }
  const list = await api.get('api/v1/datasets');
  const snaps = await Promise.all(list.map((d) => (d.snapshots > 0 ? api.get(`api/v1/datasets/${d.id}/snapshots`) : [])));
  state.datasets = list;
  state.snapshots = new Map(list.map((d, i) => [d.id, snaps[i]]));
  renderDatasets();
  renderJobFormOptions();
  renderJobs();
  refreshDetail();
}

async function loadJobs() {
  const list = await api.get('api/v1/jobs');
  const first = !state.jobsLoaded;
  state.jobsLoaded = true;
  if (applyList(state.jobs, list) || first) {
    renderJobs();
    refreshDetail();
  }
}

function reportLoadError(e) {
  toast(`Could not load from the service: ${e.message}`);
}

// ------------------------------------------------------------------ live events

function setLive(status, detail) {
  const el = $('live');
  el.dataset.status = status;
  el.textContent = status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Reconnecting…';
  el.title = detail ? `Job events: ${detail}` : 'Job events from the service';
}

function onJobEvent(e) {
  if (e.type !== 'job') return;
  let view;
  try {
    view = JSON.parse(e.data);
  } catch {
    return;
  }
  if (!applyJob(state.jobs, view)) return;
  renderJobs();
  if (state.detail && state.detail.id === view.id) refreshDetail();
  if (!state.datasets.some((d) => d.id === view.datasetId) && !state.datasetsAsked.has(view.datasetId)) {
    state.datasetsAsked.add(view.datasetId);
    loadDatasets().catch(reportLoadError);
  }
}

function connectEvents() {
  openEventStream('api/v1/jobs/events', {
    headers: () => api.headers({}),
    onEvent: onJobEvent,
    // Whatever happened while the stream was down comes from the list.
    onOpen: () => loadJobs().catch(reportLoadError),
    onStatus: setLive,
    onHttpError: async (res) => {
      if (res.status !== 401 || keyDeclined()) return false;
      let detail = 'this service needs an API key';
      try {
        detail = (await res.json()).detail || detail;
      } catch {
        // keep the default text
      }
      return Boolean(await api.askOnce(detail));
    },
  });
}

// ------------------------------------------------------------------ jobs table

function stateBadge(job) {
  const text = job.cancelRequested ? `${job.state} (cancelling)` : job.state;
  return h('span', { class: `state state-${job.state.toLowerCase()}`, text, title: job.error || null });
}

function progressBar(job, big) {
  const pct = progressPercent(job);
  const bar = h('div', {
    class: big ? 'bar big' : 'bar',
    role: 'progressbar',
    'aria-valuemin': '0',
    'aria-valuemax': '100',
    'aria-valuenow': String(pct),
    'aria-label': `Progress of ${job.id}`,
  }, h('div', { class: 'fill' }));
  updateBar(bar, job);
  return bar;
}

function updateBar(bar, job) {
  const pct = progressPercent(job);
  bar.setAttribute('aria-valuenow', String(pct));
  bar.dataset.state = job.state;
  bar.firstChild.style.width = `${pct}%`;
  bar.title = `${pct}%`;
}

function progressText(job) {
  const pct = progressPercent(job);
  if (job.state === 'QUEUED') return 'queued';
  if (job.state === 'RUNNING') return `${pct}% · ${job.phase}`;
  if (job.state === 'SUCCEEDED') return '100%';
  return `stopped at ${pct}%`;
}

function downloadsFor(job) {
  const base = `api/v1/jobs/${job.id}`;
  const links = [
    ['negatives .npy', `${base}/negatives?format=npy`, `${job.id}.negatives.npy`],
    ['negatives .jsonl', `${base}/negatives?format=jsonl`, `${job.id}.negatives.jsonl`],
    ['Hamming .npy', `${base}/negatives/hamming`, `${job.id}.hamming.npy`],
    ['est. cosine .npy', `${base}/negatives/cosine`, `${job.id}.cosine.npy`],
    ['anchors .npy', `${base}/anchors`, `${job.id}.anchors.npy`],
  ];
  const r = job.result || {};
  if (r.hardPositives) links.push(['hard positives .npy', `${base}/hard-positives`, `${job.id}.hard_positives.npy`]);
  if (r.batches > 0) {
    links.push(['batches .npy', `${base}/batches?format=npy`, `${job.id}.batches.npy`]);
    links.push(['batches .json', `${base}/batches?format=json`, `${job.id}.batches.json`]);
  }
  return links.map(([label, href, file]) => h('a', { href, download: file, class: 'download', onclick: downloadClick }, label));
}

/**
 * A plain link downloads without the API key header; with a key set, fetch the file with the
 * header and hand the browser the bytes instead.
 */
async function downloadClick(e) {
  if (!keyStore.get()) return;
  e.preventDefault();
  const a = e.currentTarget;
  try {
    const res = await api.send('GET', a.getAttribute('href'));
    const url = URL.createObjectURL(await res.blob());
    const tmp = h('a', { href: url, download: a.getAttribute('download') });
    document.body.append(tmp);
    tmp.click();
    tmp.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  } catch (err) {
    toast(`Download failed: ${err.message}`);
  }
}

async function deleteJob(job) {
  const ok = await confirmAction(`Delete job ${job.id} (${datasetName(job.datasetId)}, ${jobEpoch(job)}) and its results? `
    + 'This cannot be undone.', 'Delete job');
  if (!ok) return;
  try {
    await api.del(`api/v1/jobs/${job.id}`);
    state.jobs.delete(job.id);
    renderJobs();
    if (state.detail && state.detail.id === job.id) location.hash = '#/';
  } catch (err) {
    toast(`Delete failed: ${err.message}`);
  }
}

async function deleteDataset(d) {
  const ok = await confirmAction(`Delete dataset “${d.name || '(unnamed)'}” (${d.id}) with its ${d.snapshots} snapshots, `
    + 'labels and previews? Its finished jobs stay. This cannot be undone.', 'Delete dataset');
  if (!ok) return;
  try {
    await api.del(`api/v1/datasets/${d.id}`);
    forgetPreviews(d.id);
    await loadDatasets();
  } catch (err) {
    toast(`Delete failed: ${err.message}`);
  }
}

async function deleteSnapshot(d, s) {
  const ok = await confirmAction(`Delete epoch ${s.seq} (${s.id}) of “${d.name || '(unnamed)'}”? Jobs on it keep their `
    + 'results. This cannot be undone.', 'Delete snapshot');
  if (!ok) return;
  try {
    await api.del(`api/v1/datasets/${d.id}/snapshots/${s.id}`);
    await loadDatasets();
  } catch (err) {
    toast(`Delete failed: ${err.message}`);
  }
}

async function cancelJob(id, button) {
  button.disabled = true;
  try {
    const v = await api.send('POST', `api/v1/jobs/${id}/cancel`);
    if (applyJob(state.jobs, await v.json())) {
      renderJobs();
      refreshDetail();
    }
  } catch (err) {
    toast(`Cancel failed: ${err.message}`);
  } finally {
    button.disabled = false;
  }
}

function jobRow(job) {
  const tr = h('tr', { 'data-job-id': job.id });
  tr.append(
    h('td', {}, h('a', { href: `#/jobs/${job.id}`, class: 'job-link', title: job.id }, shortId(job.id)),
      h('div', { class: 'muted small ds-name' })),
    h('td', { class: 'c-epoch' }),
    h('td', { class: 'num c-k' }, String(job.params.k)),
    h('td', { class: 'c-state' }),
    h('td', { class: 'c-progress' }, progressBar(job, false), h('div', { class: 'small muted p-text' })),
    h('td', { class: 'num c-rate' }),
    h('td', { class: 'num c-eta' }),
    h('td', { class: 'num c-elapsed' }),
    h('td', { class: 'num c-overlap' }),
    h('td', { class: 'c-actions' }),
  );
  return tr;
}

function updateRow(tr, job, now) {
  tr.querySelector('.ds-name').textContent = datasetName(job.datasetId);
  tr.querySelector('.c-epoch').textContent = jobEpoch(job);
  const q = job.result && job.result.quality;
  tr.querySelector('.c-overlap').textContent = q ? formatPercent(q.overlap, 1) : '–';
  tr.querySelector('.c-overlap').title = q ? `overlap@${q.k} on ${formatCount(q.sampled)} sampled anchors` : 'no quality report';
  const st = tr.querySelector('.c-state');
  if (st.dataset.key !== `${job.state}/${job.cancelRequested}`) {
    fill(st, stateBadge(job));
    st.dataset.key = `${job.state}/${job.cancelRequested}`;
  }
  updateBar(tr.querySelector('.bar'), job);
  tr.querySelector('.p-text').textContent = progressText(job);
  tr.querySelector('.c-rate').textContent = job.state === 'RUNNING' ? formatRate(job.itemsPerSecond)
    : job.result ? formatRate(job.result.anchorsPerSecond) : '–';
  tr.querySelector('.c-eta').textContent = job.state === 'RUNNING' ? formatDuration(job.etaSeconds) : '–';
  tr.querySelector('.c-elapsed').textContent = formatDuration(elapsedSeconds(job, now));
  // Rebuild the actions only when they change, so a focused button keeps its focus during updates.
  const actions = tr.querySelector('.c-actions');
  const key = `${job.state}/${job.cancelRequested}`;
  if (actions.dataset.key !== key) {
    actions.dataset.key = key;
    const items = [];
    if (isActive(job)) {
      items.push(h('button', {
        type: 'button', class: 'cancel', disabled: job.cancelRequested, 'aria-label': `Cancel ${job.id}`,
        onclick: (e) => cancelJob(job.id, e.currentTarget),
      }, 'Cancel'));
    }
    if (job.state === 'SUCCEEDED') {
      items.push(h('details', { class: 'menu' }, h('summary', {}, 'Download'),
        h('div', { class: 'menu-items' }, downloadsFor(job))));
    }
    items.push(h('a', { href: `#/jobs/${job.id}`, class: 'details-link' }, 'Details'));
    if (!isActive(job)) {
      items.push(h('button', { type: 'button', class: 'quiet delete', 'aria-label': `Delete ${job.id}`, onclick: () => deleteJob(job) }, 'Delete'));
    }
    fill(actions, items);
  }
}

function renderJobs() {
  const tbody = $('jobs-table').tBodies[0];
  const all = sortedJobs(state.jobs);
  const shown = state.showAllJobs ? all : all.slice(0, JOBS_SHOWN);
  $('jobs-empty').hidden = all.length > 0;
  $('jobs-table').hidden = all.length === 0;
  const rows = new Map([...tbody.rows].map((r) => [r.dataset.jobId, r]));
  const now = Date.now();
  const wanted = shown.map((j) => {
    const tr = rows.get(j.id) || jobRow(j);
    updateRow(tr, j, now);
    return tr;
  });
  // Reorder only when needed, again to keep focus where it is.
  const same = wanted.length === tbody.rows.length && wanted.every((r, i) => tbody.rows[i] === r);
  if (!same) fill(tbody, wanted);
  const c = countByState(state.jobs);
  $('jobs-summary').textContent = all.length === 0 ? ''
    : `${c.RUNNING} running · ${c.QUEUED} queued · ${c.SUCCEEDED} succeeded · ${c.FAILED} failed · ${c.CANCELLED} cancelled`;
  const more = $('jobs-more');
  more.hidden = all.length <= JOBS_SHOWN;
  more.textContent = state.showAllJobs ? `Show the newest ${JOBS_SHOWN}` : `Show all ${all.length} jobs`;
}

function tick() {
  const now = Date.now();
  for (const tr of $('jobs-table').tBodies[0].rows) {
    const job = state.jobs.get(tr.dataset.jobId);
    if (job && job.state === 'RUNNING') tr.querySelector('.c-elapsed').textContent = formatDuration(elapsedSeconds(job, now));
  }
  if (state.detail) {
    const job = state.jobs.get(state.detail.id);
    const el = document.querySelector('#detail .d-elapsed');
    if (job && el) el.textContent = formatDuration(elapsedSeconds(job, now));
  }
}

// ------------------------------------------------------------------ datasets

function datasetCard(d) {
  const snaps = state.snapshots.get(d.id) || [];
  const floatPerItem = d.dims * 4;
  const facts = h('p', { class: 'facts' },
    h('span', {}, h('b', {}, 'N '), d.items === null ? '–' : formatCount(d.items)),
    h('span', {}, h('b', {}, 'd '), formatCount(d.dims)),
    h('span', {}, h('b', {}, 'bits '), formatCount(d.bits)),
    h('span', {}, h('b', {}, 'labels '), d.labels ? 'yes' : 'no'),
    d.queries !== null ? h('span', {}, h('b', {}, 'split '), `${formatCount(d.queries)} queries / ${formatCount(d.references)} refs`) : null,
  );
  const ratio = floatPerItem / d.bytesPerItem;
  const saving = h('p', { class: 'saving' },
    `Codes take ${formatBytes(d.bytesPerItem)} per item against ${formatBytes(floatPerItem)} as float32: `,
    h('b', {}, ratio >= 1 ? `${formatRatio(ratio)} smaller` : `${formatRatio(1 / ratio)} larger (more bits than float32 holds)`), '.');
  let table;
  if (snaps.length === 0) {
    table = h('p', { class: 'empty small' }, 'No snapshots yet: upload an epoch’s embeddings.');
  } else {
    table = h('table', { class: 'snapshots' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Epoch'), h('th', { scope: 'col' }, 'Uploaded'),
        h('th', { scope: 'col', class: 'num' }, 'Items'), h('th', { scope: 'col', class: 'num' }, 'Stored'),
        h('th', { scope: 'col', class: 'num' }, 'float32'),
        h('th', { scope: 'col', class: 'num', title: 'float32 size ÷ size of the codes alone (b/8 bytes per item)' }, 'Codes'),
        h('th', { scope: 'col', class: 'num', title: 'float32 size ÷ bytes stored (codes, and the floats when kept)' }, 'Stored'),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      h('tbody', {}, snaps.slice().reverse().map((s) => {
        const sv = snapshotStorage(s);
        return h('tr', { 'data-snapshot-id': s.id },
          h('td', { title: s.id }, String(s.seq), s.floatsKept ? h('span', { class: 'tag', title: 'float rows kept for quality reports' }, 'floats') : null),
          h('td', {}, formatTime(s.createdAt)),
          h('td', { class: 'num' }, formatCount(s.items)),
          h('td', { class: 'num' }, formatBytes(sv.storedBytes)),
          h('td', { class: 'num' }, formatBytes(sv.floatBytes)),
          h('td', { class: 'num c-codes-ratio', title: `${formatBytes(sv.codeBytes)} of codes` }, `${formatRatio(sv.codesRatio)} smaller`),
          h('td', { class: 'num c-stored-ratio', title: s.floatsKept ? 'the kept floats are stored too' : 'codes and manifest' },
            formatRatio(sv.storedRatio)),
          h('td', {}, h('button', { type: 'button', class: 'quiet small-button', 'aria-label': `Delete epoch ${s.seq} (${s.id})`,
            title: 'Delete this snapshot', onclick: () => deleteSnapshot(d, s) }, '×')));
      })));
  }
  const epochInput = h('input', {
    type: 'file', accept: '.npy,.json', class: 'visually-hidden', id: `epoch-${d.id}`,
    onchange: (e) => uploadEpoch(d, e.currentTarget),
  });
  return h('article', { class: 'dataset', 'data-dataset-id': d.id },
    h('div', { class: 'card-head' },
      h('h3', {}, d.name || '(unnamed)', ' ', h('small', { class: 'muted' }, d.id)),
      h('span', { class: 'head-actions' },
        epochInput,
        h('label', { for: `epoch-${d.id}`, class: 'button quiet' }, 'Upload next epoch'),
        snaps.length > 0 ? h('button', { type: 'button', class: 'quiet', onclick: () => pickDataset(d.id) }, 'Start a job') : null,
        snaps.length > 0 ? h('a', { href: `#/datasets/${d.id}/history`, class: 'button quiet history-link' }, 'History') : null,
        h('button', { type: 'button', class: 'quiet delete', 'aria-label': `Delete dataset ${d.id}`, onclick: () => deleteDataset(d) }, 'Delete'))),
    facts, saving,
    snaps.some((s) => s.floatsKept) ? h('p', { class: 'muted small' }, '“Codes” compares float32 with the codes alone; “Stored” '
      + 'with everything a snapshot keeps on disk, the floats included where they were kept (“floats”).') : null,
    table,
    h('p', { class: 'error small', role: 'alert', hidden: true, 'data-epoch-error': d.id }));
}

function renderDatasets() {
  const list = state.datasets.slice().sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  $('datasets-empty').hidden = list.length > 0;
  fill($('datasets'), list.map(datasetCard));
}

async function uploadEpoch(d, input) {
  const file = input.files[0];
  input.value = '';
  const err = document.querySelector(`[data-epoch-error="${d.id}"]`);
  clearError(err);
  if (!file) return;
  try {
    const emb = await inspectEmbeddings(file);
    if (emb.dims !== d.dims) throw new Error(`embeddings: d = ${emb.dims}, but the dataset has d = ${d.dims}`);
    const snaps = state.snapshots.get(d.id) || [];
    const keep = snaps.length > 0 ? snaps[snaps.length - 1].floatsKept : $('up-keep').checked;
    toast(`Uploading ${file.name}…`);
    await api.send('POST', `api/v1/datasets/${d.id}/snapshots?keepFloats=${keep}`, { body: file, type: embeddingsType(file) });
    $('toast').hidden = true;
    await loadDatasets();
  } catch (e) {
    $('toast').hidden = true;
    const target = document.querySelector(`[data-epoch-error="${d.id}"]`) || err;
    showError(target, e);
  }
}

// ------------------------------------------------------------------ job form

function snapshotLabel(s, latest) {
  return `epoch ${s.seq}${latest ? ' (latest)' : ''}${s.floatsKept ? ' · floats' : ''}`;
}

function renderJobFormOptions() {
  const sel = $('jf-dataset');
  const keep = sel.value;
  const usable = state.datasets.filter((d) => d.snapshots > 0);
  fill(sel, usable.map((d) => h('option', { value: d.id }, `${d.name || '(unnamed)'} (${d.id})`)));
  $('start-empty').hidden = usable.length > 0;
  $('job-form').hidden = usable.length === 0;
  if (usable.some((d) => d.id === keep)) sel.value = keep;
  if (sel.value !== sel.dataset.shown) datasetChosen();
  else snapshotsFor(sel.value, true);
}

function snapshotsFor(datasetId, keepSelection) {
  const sel = $('jf-snapshot');
  const keep = sel.value;
  const snaps = (state.snapshots.get(datasetId) || []).slice().reverse();
  fill(sel, snaps.map((s, i) => h('option', { value: i === 0 ? '' : s.id, title: `${s.id} · ${formatCount(s.items)} items · uploaded ${formatTime(s.createdAt)}` },
    snapshotLabel(s, i === 0))));
  if (keepSelection && [...sel.options].some((o) => o.value === keep)) sel.value = keep;
}

function selectedDataset() {
  return state.datasets.find((d) => d.id === $('jf-dataset').value);
}

function selectedSnapshot() {
  const snaps = state.snapshots.get($('jf-dataset').value) || [];
  const id = $('jf-snapshot').value;
  return id ? snaps.find((s) => s.id === id) : snaps[snaps.length - 1];
}

/** Fills the form's defaults for the chosen dataset: k = min(default k, candidates), options it supports. */
function datasetChosen() {
  const d = selectedDataset();
  $('jf-dataset').dataset.shown = d ? d.id : '';
  if (!d) return;
  snapshotsFor(d.id, false);
  const queries = $('jf-mode').value === 'queries' && d.queries !== null;
  const candidates = queries ? d.references : (d.items || 2) - 1;
  $('jf-k').value = String(Math.max(1, Math.min(state.defaults.k, candidates)));
  $('jf-k').max = String(candidates);
  $('jf-negatives').value = String(Math.min(state.defaults.negatives, Number($('jf-k').value)));
  $('jf-hard').disabled = !d.labels;
  if (!d.labels) $('jf-hard').checked = false;
  $('jf-mode').querySelector('option[value=queries]').disabled = d.queries === null;
  if (d.queries === null) $('jf-mode').value = 'all';
  snapshotChosen();
  checkBatchSize();
}

/**
 * Shows, while the form is filled in, why the batch size cannot be met with the dataset's labels;
 * resolves to that reason, or null.
 */
async function checkBatchSize() {
  const d = selectedDataset();
  const size = intField('jf-batch');
  const perLabel = intField('jf-per-label');
  const options = batchOptionsForm();
  const box = $('jf-batch-warning');
  let problem = size === undefined ? null : batchOptionsProblem(options);
  if (!problem && d && d.labels && size !== undefined && $('jf-mode').value === 'all') {
    try {
      problem = batchProblem(size, await labelSummary(d.id), perLabel);
    } catch {
      problem = null; // the service refuses the job itself if it must
    }
  }
  // Only the answer for what the form still shows counts.
  if (selectedDataset() !== d || intField('jf-batch') !== size || intField('jf-per-label') !== perLabel
      || JSON.stringify(batchOptionsForm()) !== JSON.stringify(options)) {
    return checkBatchSize();
  }
  box.textContent = problem || '';
  box.hidden = !problem;
  return problem;
}

/** The form's settings of how hard batches are (undefined where empty). */
function batchOptionsForm() {
  return {
    k: intField('jf-k'),
    perLabel: intField('jf-per-label'),
    randomShare: intField('jf-random-share'),
    rankFrom: intField('jf-batch-rank-from'),
  };
}

function snapshotChosen() {
  const s = selectedSnapshot();
  const q = $('jf-quality');
  const ok = Boolean(s && s.floatsKept) && $('jf-mode').value === 'all';
  q.disabled = !ok;
  q.value = ok ? String(Math.min(state.defaults.qualitySample, s.items)) : '';
  $('jf-quality-hint').textContent = ok
    ? 'Anchors compared with exact cosine neighbours (overlap@k). Clear it to skip.'
    : 'The quality report needs a snapshot uploaded with its floats kept, in mode “all”.';
}

function intField(id) {
  const v = $(id).value.trim();
  return v === '' ? undefined : Number(v);
}

function jobRequest() {
  const r = {
    snapshotId: $('jf-snapshot').value || undefined,
    k: intField('jf-k'),
    negatives: intField('jf-negatives'),
    strategy: $('jf-strategy').value,
    seed: intField('jf-seed'),
    mode: $('jf-mode').value,
    maxCosine: intField('jf-max-cosine'),
    batchSize: intField('jf-batch'),
    itemsPerLabel: intField('jf-batch') === undefined ? undefined : intField('jf-per-label'),
    randomShare: intField('jf-batch') === undefined ? undefined : intField('jf-random-share'),
    batchRankFrom: intField('jf-batch') === undefined ? undefined : intField('jf-batch-rank-from'),
    hardPositives: $('jf-hard').checked || undefined,
    qualitySample: $('jf-quality').disabled ? undefined : intField('jf-quality'),
  };
  if (r.strategy === 'random') {
    r.rankMin = intField('jf-rank-min');
    r.rankMax = intField('jf-rank-max');
  }
  for (const [k, v] of Object.entries(r)) if (v === undefined || Number.isNaN(v)) delete r[k];
  return r;
}

async function submitJob(e) {
  e.preventDefault();
  const err = $('jf-error');
  clearError(err);
  const d = selectedDataset();
  if (!d) return;
  const button = $('jf-submit');
  button.disabled = true;
  $('jf-status').textContent = 'Starting…';
  try {
    const batchIssue = await checkBatchSize();
    if (batchIssue) throw new Error('Not started: fix the batch size first (see the warning above).');
    const view = await api.post(`api/v1/datasets/${d.id}/jobs`, jobRequest());
    applyJob(state.jobs, view);
    renderJobs();
    fill($('jf-status'), 'Started ', h('a', { href: `#/jobs/${view.id}` }, shortId(view.id)), '.');
  } catch (ex) {
    $('jf-status').textContent = '';
    showError(err, ex);
  } finally {
    button.disabled = false;
  }
}

function pickDataset(id) {
  $('jf-dataset').value = id;
  datasetChosen();
  $('start-section').scrollIntoView({ block: 'nearest' });
  $('jf-k').focus();
}

// ------------------------------------------------------------------ job detail

function param(name, value) {
  return value === null || value === undefined ? null : [h('dt', {}, name), h('dd', {}, String(value))];
}

function renderDetail() {
  const id = state.detail.id;
  const main = $('detail');
  const job = state.jobs.get(id);
  if (!job) {
    fill(main, h('section', { class: 'card' }, h('a', { href: '#/', class: 'back' }, '← All jobs'),
      h('p', { class: 'empty' }, state.jobsLoaded ? `There is no job ${id}. It may have been deleted.` : 'Loading…')));
    return;
  }
  fill(main,
    h('section', { class: 'card', id: 'detail-head' },
      h('a', { href: '#/', class: 'back' }, '← All jobs'),
      h('div', { class: 'card-head' },
        h('h2', {}, 'Job ', h('code', {}, id), ' · ', h('span', { class: 'd-epoch' }, jobEpoch(job))),
        h('span', { class: 'd-state' })),
      h('p', { class: 'muted' }, 'Dataset ', h('b', { class: 'd-dataset' }, datasetName(job.datasetId)),
        ` (${job.datasetId}) · `, h('a', { href: `#/datasets/${job.datasetId}/history` }, 'history of its epochs'),
        ` · snapshot ${job.snapshotId} · created ${formatTime(job.createdAt)}`),
      h('div', { class: 'status-row' },
        h('div', { class: 'd-bar' }),
        h('div', { class: 'stat' }, h('span', { class: 'muted' }, 'Phase'), h('b', { class: 'd-phase' })),
        h('div', { class: 'stat' }, h('span', { class: 'muted' }, 'Items/s'), h('b', { class: 'd-rate' })),
        h('div', { class: 'stat' }, h('span', { class: 'muted' }, 'ETA'), h('b', { class: 'd-eta' })),
        h('div', { class: 'stat' }, h('span', { class: 'muted' }, 'Elapsed'), h('b', { class: 'd-elapsed' })),
        h('div', { class: 'd-cancel' })),
      h('p', { class: 'error d-error', role: 'alert', hidden: true }),
      h('dl', { class: 'params' },
        param('k', job.params.k), param('negatives', job.params.negatives), param('strategy', job.params.strategy),
        job.params.strategy === 'random' ? param('rank window', `[${job.params.rankMin}, ${job.params.rankMax})`) : null,
        param('max est. cosine', job.params.maxCosine), param('hard positives', job.params.hardPositives ? 'yes' : null),
        param('batch size', job.params.batchSize), param('seed', job.params.seed), param('mode', job.params.mode),
        param('quality sample', job.params.qualitySample)),
      h('p', { class: 'd-result' }),
      h('p', { class: 'muted small d-metrics' }),
      h('p', { class: 'warning d-batches', role: 'status', hidden: true }),
      h('div', { class: 'downloads d-downloads' })),
    h('div', { class: 'plots' },
      h('section', { class: 'card wide', id: 'dist-card', 'aria-labelledby': 'dist-title' },
        h('div', { class: 'card-head' },
          h('h3', { id: 'dist-title' }, 'Distances: mined negatives against random pairs'),
          h('div', { class: 'toggle', role: 'group', 'aria-label': 'Distance axis' },
            h('button', { type: 'button', 'data-axis': 'hamming', onclick: () => setAxis('hamming') }, 'Hamming distance'),
            h('button', { type: 'button', 'data-axis': 'cosine', onclick: () => setAxis('cosine') }, 'Estimated cosine'))),
        h('div', { class: 'chart' }, h('canvas', { id: 'dist-chart', role: 'img', 'aria-label': 'Histogram of distances' })),
        h('p', { class: 'd-dist-summary' })),
      h('section', { class: 'card', id: 'quality-card', 'aria-labelledby': 'quality-title' },
        h('h3', { id: 'quality-title' }, 'Quality against exact neighbours'),
        h('div', { class: 'chart small-chart' }, h('canvas', { id: 'overlap-chart', role: 'img', 'aria-label': 'Overlap at k' })),
        h('p', { class: 'd-quality' })),
      h('section', { class: 'card', id: 'short-card', 'aria-labelledby': 'short-title' },
        h('h3', { id: 'short-title' }, 'Anchors short of negatives'),
        h('div', { class: 'd-short' })),
      h('section', { class: 'card wide', id: 'anchor-card', 'aria-labelledby': 'anchor-title' },
        h('h3', { id: 'anchor-title' }, 'Negatives of one anchor'),
        h('p', { class: 'empty d-anchor-wait' }),
        h('form', { class: 'inline', id: 'anchor-form', onsubmit: (e) => { e.preventDefault(); loadAnchor(); } },
          h('label', {}, 'Result row ', h('input', { id: 'anchor-row', type: 'number', min: '0', step: '1', value: '0' })),
          h('button', { type: 'submit' }, 'Show'),
          h('span', { class: 'muted small' }, job.params.mode === 'queries' ? 'Rows are the query items, in item order.' : 'The row is the item id.')),
        h('p', { class: 'error', role: 'alert', id: 'anchor-error', hidden: true }),
        h('div', { id: 'anchor-view' }))));
  renderDetailStatus();
}

function setAxis(axis) {
  state.detail.axis = axis;
  renderPlots();
}

/** Brings the open detail view up to date: built in full once its job is known, then updated in place. */
function refreshDetail() {
  if (!state.detail || $('detail').hidden) return;
  if (!$('detail').querySelector('.d-state')) renderDetail();
  else renderDetailStatus();
}

/** Updates the live parts of the detail view; loads the plots once the job has succeeded. */
function renderDetailStatus() {
  if (!state.detail || $('detail').hidden) return;
  const job = state.jobs.get(state.detail.id);
  const main = $('detail');
  if (!job || !main.querySelector('.d-state')) return;
  fill(main.querySelector('.d-state'), stateBadge(job));
  // The datasets may arrive after the job (a page opened on a job's address).
  main.querySelector('.d-dataset').textContent = datasetName(job.datasetId);
  main.querySelector('.d-epoch').textContent = jobEpoch(job);
  const barBox = main.querySelector('.d-bar');
  if (!barBox.firstChild) barBox.append(progressBar(job, true), h('span', { class: 'small muted d-pct' }));
  updateBar(barBox.querySelector('.bar'), job);
  barBox.querySelector('.d-pct').textContent = progressText(job);
  // A finished job has no phase: say how it ended.
  main.querySelector('.d-phase').textContent = isActive(job) ? job.phase : job.state === 'SUCCEEDED' ? 'done' : job.state.toLowerCase();
  main.querySelector('.d-rate').textContent = job.state === 'RUNNING' ? formatRate(job.itemsPerSecond)
    : job.result ? formatRate(job.result.anchorsPerSecond) : '–';
  main.querySelector('.d-eta').textContent = job.state === 'RUNNING' ? formatDuration(job.etaSeconds) : '–';
  main.querySelector('.d-elapsed').textContent = formatDuration(elapsedSeconds(job, Date.now()));
  const cancelBox = main.querySelector('.d-cancel');
  if (isActive(job) && !cancelBox.firstChild) {
    cancelBox.append(h('button', { type: 'button', class: 'cancel', onclick: (e) => cancelJob(job.id, e.currentTarget) }, 'Cancel job'));
  } else if (!isActive(job) && !cancelBox.querySelector('.delete')) {
    fill(cancelBox, h('button', { type: 'button', class: 'quiet delete', onclick: () => deleteJob(job) }, 'Delete job'));
  }
  const err = main.querySelector('.d-error');
  err.hidden = !job.error;
  err.textContent = job.error ? `${job.state === 'CANCELLED' ? 'Cancelled' : 'Failed'}: ${job.error}` : '';
  const r = job.result;
  main.querySelector('.d-result').textContent = r
    ? `${formatCount(r.anchors)} anchors against ${formatCount(r.candidates)} candidates, ${r.negativesPerAnchor} negatives each; `
      + `search ${r.searchSeconds.toFixed(2)} s (${formatRate(r.anchorsPerSecond)}), whole job ${r.totalSeconds.toFixed(2)} s`
      + (r.batches !== null && r.batches !== undefined ? `; ${formatCount(r.batches)} batches, ${formatCount(r.batchLeftOut)} items left out.` : '.')
    : '';
  main.querySelector('.d-metrics').textContent = metricsText(job);
  const batches = main.querySelector('.d-batches');
  if (r && r.batches === 0 && batches.hidden) {
    labelSummary(job.datasetId).catch(() => null).then((labels) => {
      batches.textContent = noBatchesReason(job, labels);
      batches.hidden = false;
    });
  }
  const dl = main.querySelector('.d-downloads');
  if (job.state === 'SUCCEEDED' && !dl.firstChild) dl.append(h('span', { class: 'muted' }, 'Download: '), ...downloadsFor(job));
  if (job.state === 'SUCCEEDED' && !state.detail.plots && !state.detail.plotsLoading) {
    loadPlots(job);
  } else if (job.state !== 'SUCCEEDED') {
    renderPlots();
  }
}

/** Per-phase times and what items/s counts, in words. */
function metricsText(job) {
  const r = job.result;
  if (!r) {
    return 'Items/s counts the current phase’s work: anchors searched while searching, items streamed for the exact '
      + 'comparison while computing quality.';
  }
  const t = phaseTimes(r);
  return `Times: search ${t.search.toFixed(2)} s (Hamming top-k of every anchor)`
    + (t.quality !== null ? `, quality ${t.quality.toFixed(2)} s (exact cosine on the sampled anchors)` : '')
    + `, loading, mining and writing ${t.other.toFixed(2)} s; whole job ${t.total.toFixed(2)} s. `
    + `Items/s is anchors searched per second of search (${formatCount(r.anchors)} anchors in ${t.search.toFixed(2)} s).`;
}

async function loadPlots(job) {
  const detail = state.detail;
  detail.plotsLoading = true;
  try {
    detail.plots = await api.get(`api/v1/dashboard/jobs/${job.id}/plots`);
  } catch (e) {
    detail.plotsError = e.message;
  } finally {
    detail.plotsLoading = false;
  }
  if (state.detail !== detail) return;
  renderPlots();
  loadAnchor();
}

function renderPlots() {
  const d = state.detail;
  const main = $('detail');
  const job = state.jobs.get(d.id);
  if (!job || !main.querySelector('#dist-card')) return;
  for (const b of main.querySelectorAll('.toggle button')) b.setAttribute('aria-pressed', String(b.dataset.axis === d.axis));
  const distSummary = main.querySelector('.d-dist-summary');
  const quality = main.querySelector('.d-quality');
  const short = main.querySelector('.d-short');
  const waiting = job.state === 'SUCCEEDED' ? (d.plotsError ? `The plots could not be loaded: ${d.plotsError}` : 'Loading…')
    : isActive(job) ? 'The plots appear when the job has succeeded.' : `No results: the job is ${job.state}.`;
  main.querySelector('#dist-card .toggle').hidden = !d.plots;
  main.querySelector('#dist-card .chart').hidden = !d.plots;
  main.querySelector('#quality-card .chart').hidden = true;
  if (!d.plots) {
    distSummary.textContent = waiting;
    quality.textContent = job.params.qualitySample ? waiting : 'No quality report was requested for this job (set a quality sample when starting one).';
    short.textContent = waiting;
    main.querySelector('#anchor-form').hidden = true;
    main.querySelector('.d-anchor-wait').textContent = job.state === 'SUCCEEDED' ? waiting
      : isActive(job) ? 'The anchors and their negatives appear when the job has succeeded.'
        : `No anchors to show: the job is ${job.state} and kept no results.`;
    main.querySelector('.d-anchor-wait').hidden = false;
    return;
  }
  main.querySelector('#anchor-form').hidden = false;
  main.querySelector('.d-anchor-wait').hidden = true;
  const p = d.plots;
  main.querySelector('#dist-card .toggle button[data-axis=cosine]').disabled = !p.histogram.cosine;
  drawDistances($('dist-chart'), p, d.axis);
  distSummary.textContent = distanceSummary(p) + (p.randomNote ? ` No random pairs: ${p.randomNote}.` : '');
  const q = job.result && job.result.quality;
  if (q) {
    main.querySelector('#quality-card .chart').hidden = false;
    drawOverlap($('overlap-chart'), q, p.randomOverlap);
    quality.textContent = `On ${formatCount(q.sampled)} sampled anchors, ${formatPercent(q.overlap, 1)} of the exact cosine top-${q.k} `
      + `is in the LSH top-${q.k}` + (p.randomOverlap !== null ? ` (a random choice: ${formatPercent(p.randomOverlap, 1)})` : '')
      + `. Mean positional distance: ${q.meanPositionalDistance.toFixed(2)} ranks: for each of an anchor’s LSH neighbours, `
      + `how far its place in the exact cosine order is from its place in the LSH order, averaged. It can exceed k = ${q.k}, `
      + `because a neighbour in the LSH top-${q.k} can stand far beyond rank ${q.k} in the exact order. `
      + `The report took ${q.seconds.toFixed(2)} s.`;
  } else {
    quality.textContent = 'No quality report was requested for this job (set a quality sample when starting one).';
  }
  const s = shortAnchors(job.result);
  fill(short,
    h('div', { class: 'meter', role: 'img', 'aria-label': `${formatPercent(s.fraction, 1)} of anchors short` },
      h('div', { class: 'fill', style: `width:${Math.min(100, Math.max(s.count > 0 ? 1 : 0, 100 * s.fraction))}%` })),
    h('p', {}, h('b', { class: 'd-short-count' }, formatCount(s.count)), ` of ${formatCount(s.anchors)} anchors (${formatPercent(s.fraction, 1)}) `
      + `got fewer than ${job.result.negativesPerAnchor} negatives`
      + (s.count > 0 ? ': their lists ran out of eligible candidates (labels, rank window or cosine ceiling).' : '.')));
}

function loadAnchor() {
  const d = state.detail;
  const job = state.jobs.get(d.id);
  if (!job || !$('anchor-view') || job.state !== 'SUCCEEDED') return;
  const row = $('anchor-row').value.trim() === '' ? NaN : Number($('anchor-row').value);
  showAnchor({ api, job, plots: d.plots, row, view: $('anchor-view'), err: $('anchor-error'), snapshot: jobSnapshot(job) });
}

// ------------------------------------------------------------------ routing

function route() {
  const m = /^#\/jobs\/([A-Za-z0-9_]+)$/.exec(location.hash);
  const hist = /^#\/datasets\/([A-Za-z0-9_]+)\/history$/.exec(location.hash);
  $('history').hidden = !hist;
  if (hist) {
    state.detail = null;
    $('overview').hidden = true;
    $('detail').hidden = true;
    document.title = `NegHash · history of ${hist[1]}`;
    showHistory(api, $('history'), hist[1]);
  } else if (m) {
    if (!state.detail || state.detail.id !== m[1]) state.detail = { id: m[1], plots: null, plotsLoading: false, axis: 'hamming' };
    $('overview').hidden = true;
    $('detail').hidden = false;
    renderDetail();
    document.title = `NegHash · ${m[1]}`;
    const back = $('detail').querySelector('.back');
    if (back) back.focus();
  } else {
    state.detail = null;
    $('detail').hidden = true;
    $('overview').hidden = false;
    document.title = 'NegHash dashboard';
  }
}

// ------------------------------------------------------------------ start

function init() {
  $('forget-key').hidden = !keyStore.get();
  $('forget-key').addEventListener('click', () => {
    keyStore.clear();
    location.reload();
  });
  $('enter-key').addEventListener('click', async () => {
    if (await api.askOnce('')) {
      loadDatasets().catch(reportLoadError);
      loadJobs().catch(reportLoadError);
    }
  });
  $('toast-close').addEventListener('click', () => { $('toast').hidden = true; });
  $('datasets-refresh').addEventListener('click', () => loadDatasets().catch(reportLoadError));
  $('jobs-more').addEventListener('click', () => {
    state.showAllJobs = !state.showAllJobs;
    renderJobs();
  });
  $('job-form').addEventListener('submit', submitJob);
  $('jf-dataset').addEventListener('change', datasetChosen);
  $('jf-snapshot').addEventListener('change', snapshotChosen);
  $('jf-mode').addEventListener('change', datasetChosen);
  $('jf-strategy').addEventListener('change', () => {
    const random = $('jf-strategy').value === 'random';
    $('jf-window').hidden = !random;
    if (random && !$('jf-rank-max').value) $('jf-rank-max').value = $('jf-k').value;
  });
  $('jf-batch').addEventListener('input', checkBatchSize);
  $('jf-per-label').addEventListener('input', checkBatchSize);
  $('jf-random-share').addEventListener('input', checkBatchSize);
  $('jf-batch-rank-from').addEventListener('input', checkBatchSize);
  $('jf-k').addEventListener('input', checkBatchSize);
  wireUpload({
    api,
    onStored: async (id) => {
      await loadDatasets();
      $('jf-dataset').value = id;
      datasetChosen();
    },
  });
  wireMenus();
  window.addEventListener('hashchange', route);
  setInterval(tick, 1000);
  route();
  loadDatasets().catch(reportLoadError);
  loadJobs().catch(reportLoadError);
  connectEvents();
}

init();
