// The dashboard page: datasets, live jobs, the job form, uploads, and the job detail view.
// Everything the page shows comes from the service's API (api/v1/...); job changes arrive on
// its all-jobs event stream, so nothing is polled.
import { createApi, ApiError } from './api.js';
import { openEventStream } from './sse.js';
import { applyJob, applyList, sortedJobs, countByState, progressPercent, isActive } from './jobs.js';
import {
  formatBytes, formatCount, formatDuration, formatPercent, formatRate, formatRatio, formatTime,
  storageSaving, elapsedSeconds, shortId,
} from './format.js';
import {
  HEADER_PROBE_BYTES, parseNpyHeader, describeEmbeddings, describeLabels, describeJsonEmbeddings,
  describeJsonLabels, checkSameItems,
} from './npy.js';
import { distanceSummary, shortAnchors } from './plots.js';
import { drawDistances, drawOverlap } from './charts.js';
import { h, fill } from './dom.js';

const $ = (id) => document.getElementById(id);
const KEY = 'neghash.apiKey';
const JOBS_SHOWN = 15;

// ------------------------------------------------------------------ API key

const keyStore = {
  get: () => sessionStorage.getItem(KEY),
  set: (k) => {
    sessionStorage.setItem(KEY, k);
    $('forget-key').hidden = false;
  },
  clear: () => {
    sessionStorage.removeItem(KEY);
    $('forget-key').hidden = true;
  },
};

/** Shows the key dialog with the service's message; resolves to the key, or null on cancel. */
function askKey(message) {
  const dialog = $('key-dialog');
  $('key-message').textContent = message || '';
  $('key-input').value = '';
  return new Promise((resolve) => {
    const done = () => {
      dialog.removeEventListener('close', done);
      const k = $('key-input').value.trim();
      resolve(dialog.returnValue === 'ok' && k ? k : null);
    };
    dialog.addEventListener('close', done);
    dialog.returnValue = '';
    dialog.showModal();
    $('key-input').focus();
  });
}

/** Remembers a cancelled key prompt, so the event stream's retries do not ask again and again. */
let keyDeclined = false;

async function askKeyOnce(message) {
  const k = await askKey(message);
  keyDeclined = !k;
  $('enter-key').hidden = Boolean(k);
  return k;
}

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
};

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
      if (res.status !== 401 || keyDeclined) return false;
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
  if (r.batches !== null && r.batches !== undefined) {
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
    h('td', { class: 'c-state' }),
    h('td', { class: 'c-progress' }, progressBar(job, false), h('div', { class: 'small muted p-text' })),
    h('td', { class: 'num c-rate' }),
    h('td', { class: 'num c-eta' }),
    h('td', { class: 'num c-elapsed' }),
    h('td', { class: 'c-actions' }),
  );
  return tr;
}

function updateRow(tr, job, now) {
  tr.querySelector('.ds-name').textContent = datasetName(job.datasetId);
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
        h('th', { scope: 'col', class: 'num', title: 'float32 size ÷ bytes stored (codes, and the floats when kept)' }, 'Saving'))),
      h('tbody', {}, snaps.slice().reverse().map((s) => {
        const sv = storageSaving(s);
        return h('tr', { 'data-snapshot-id': s.id },
          h('td', { title: s.id }, String(s.seq), s.floatsKept ? h('span', { class: 'tag', title: 'float rows kept for quality reports' }, 'floats') : null),
          h('td', {}, formatTime(s.createdAt)),
          h('td', { class: 'num' }, formatCount(s.items)),
          h('td', { class: 'num' }, formatBytes(sv.storedBytes)),
          h('td', { class: 'num' }, formatBytes(sv.floatBytes)),
          h('td', { class: 'num' }, formatRatio(sv.ratio)));
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
        snaps.length > 0 ? h('button', { type: 'button', class: 'quiet', onclick: () => pickDataset(d.id) }, 'Start a job') : null)),
    facts, saving, table,
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
  return `epoch ${s.seq}${latest ? ' (latest)' : ''} · ${formatCount(s.items)} items${s.floatsKept ? ' · floats' : ''} · ${formatTime(s.createdAt)}`;
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
  fill(sel, snaps.map((s, i) => h('option', { value: i === 0 ? '' : s.id }, snapshotLabel(s, i === 0))));
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

/** Fills the form's defaults for the chosen dataset: k = min(128, candidates), options it supports. */
function datasetChosen() {
  const d = selectedDataset();
  $('jf-dataset').dataset.shown = d ? d.id : '';
  if (!d) return;
  snapshotsFor(d.id, false);
  const queries = $('jf-mode').value === 'queries' && d.queries !== null;
  const candidates = queries ? d.references : (d.items || 2) - 1;
  $('jf-k').value = String(Math.max(1, Math.min(128, candidates)));
  $('jf-k').max = String(candidates);
  $('jf-negatives').value = String(Math.min(8, Number($('jf-k').value)));
  $('jf-hard').disabled = !d.labels;
  if (!d.labels) $('jf-hard').checked = false;
  $('jf-mode').querySelector('option[value=queries]').disabled = d.queries === null;
  if (d.queries === null) $('jf-mode').value = 'all';
  snapshotChosen();
}

function snapshotChosen() {
  const s = selectedSnapshot();
  const q = $('jf-quality');
  const ok = Boolean(s && s.floatsKept) && $('jf-mode').value === 'all';
  q.disabled = !ok;
  q.value = ok ? String(Math.min(200, s.items)) : '';
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

// ------------------------------------------------------------------ upload

const upload = { embeddings: null, labels: null };

function isJson(file) {
  return /\.json$/i.test(file.name) || file.type === 'application/json';
}

function embeddingsType(file) {
  return isJson(file) ? 'application/json' : 'application/x-npy';
}

async function inspectEmbeddings(file) {
  if (isJson(file)) return describeJsonEmbeddings(await file.text());
  const head = await file.slice(0, HEADER_PROBE_BYTES).arrayBuffer();
  return describeEmbeddings(parseNpyHeader(head), file.size);
}

async function inspectLabels(file) {
  if (isJson(file)) return describeJsonLabels(await file.text());
  const head = await file.slice(0, HEADER_PROBE_BYTES).arrayBuffer();
  return describeLabels(parseNpyHeader(head), file.size);
}

async function chooseFile(kind, file) {
  const info = $(kind === 'embeddings' ? 'up-embeddings-info' : 'up-labels-info');
  clearError($('up-error'));
  upload[kind] = null;
  if (!file) {
    info.textContent = '';
    return;
  }
  try {
    const desc = kind === 'embeddings' ? await inspectEmbeddings(file) : await inspectLabels(file);
    upload[kind] = { file, desc };
    info.textContent = kind === 'embeddings'
      ? `${file.name}: ${formatCount(desc.items)} × ${formatCount(desc.dims)} (${desc.dtype}), ${formatBytes(file.size)}`
      : `${file.name}: ${formatCount(desc.items)} labels (${desc.dtype})`;
    info.dataset.ok = 'true';
    if (kind === 'embeddings' && !$('up-name').value) $('up-name').placeholder = file.name.replace(/\.[^.]+$/, '');
  } catch (e) {
    info.textContent = '';
    delete info.dataset.ok;
    showError($('up-error'), e);
  }
}

function wireDrop(zoneId, inputId, kind) {
  const zone = $(zoneId);
  const input = $(inputId);
  input.addEventListener('change', () => chooseFile(kind, input.files[0]));
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const file = e.dataTransfer && e.dataTransfer.files[0];
    if (file) chooseFile(kind, file);
  });
}

async function submitUpload(e) {
  e.preventDefault();
  const err = $('up-error');
  clearError(err);
  const status = $('up-status');
  if (!upload.embeddings) {
    showError(err, new Error('Choose an embeddings file first (.npy or JSON).'));
    return;
  }
  const emb = upload.embeddings;
  const lab = upload.labels;
  try {
    checkSameItems(emb.desc, lab && lab.desc);
  } catch (ex) {
    showError(err, ex);
    return;
  }
  const button = $('up-submit');
  button.disabled = true;
  let created = null;
  try {
    status.textContent = 'Creating the dataset…';
    const name = $('up-name').value.trim() || $('up-name').placeholder || emb.file.name;
    created = await api.post('api/v1/datasets', { name, dims: emb.desc.dims, bits: Number($('up-bits').value) });
    if (lab) {
      status.textContent = 'Storing the labels…';
      await api.send('PUT', `api/v1/datasets/${created.id}/labels`, { body: lab.file, type: embeddingsType(lab.file) });
    }
    status.textContent = `Uploading and encoding ${formatBytes(emb.file.size)}…`;
    const keep = $('up-keep').checked;
    const res = await api.send('POST', `api/v1/datasets/${created.id}/snapshots?keepFloats=${keep}`,
      { body: emb.file, type: embeddingsType(emb.file) });
    const snap = await res.json();
    const sv = storageSaving(snap);
    status.textContent = `Stored ${name}: ${formatCount(snap.items)} items, ${formatBytes(sv.storedBytes)} on disk `
      + `(${formatBytes(sv.floatBytes)} as float32), encoded in ${snap.encodeSeconds.toFixed(2)} s.`;
    await loadDatasets();
    $('jf-dataset').value = created.id;
    datasetChosen();
  } catch (ex) {
    status.textContent = '';
    showError(err, ex);
    // A dataset without its snapshot is of no use: leave nothing behind.
    if (created) api.del(`api/v1/datasets/${created.id}`).catch(() => {});
  } finally {
    button.disabled = false;
  }
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
        h('h2', {}, 'Job ', h('code', {}, id)),
        h('span', { class: 'd-state' })),
      h('p', { class: 'muted' }, 'Dataset ', h('b', { class: 'd-dataset' }, datasetName(job.datasetId)), ` (${job.datasetId}) · snapshot ${job.snapshotId} · created ${formatTime(job.createdAt)}`),
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
  const barBox = main.querySelector('.d-bar');
  if (!barBox.firstChild) barBox.append(progressBar(job, true), h('span', { class: 'small muted d-pct' }));
  updateBar(barBox.querySelector('.bar'), job);
  barBox.querySelector('.d-pct').textContent = progressText(job);
  main.querySelector('.d-phase').textContent = job.phase;
  main.querySelector('.d-rate').textContent = job.state === 'RUNNING' ? formatRate(job.itemsPerSecond)
    : job.result ? formatRate(job.result.anchorsPerSecond) : '–';
  main.querySelector('.d-eta').textContent = job.state === 'RUNNING' ? formatDuration(job.etaSeconds) : '–';
  main.querySelector('.d-elapsed').textContent = formatDuration(elapsedSeconds(job, Date.now()));
  const cancelBox = main.querySelector('.d-cancel');
  if (isActive(job) && !cancelBox.firstChild) {
    cancelBox.append(h('button', { type: 'button', class: 'cancel', onclick: (e) => cancelJob(job.id, e.currentTarget) }, 'Cancel job'));
  } else if (!isActive(job)) {
    cancelBox.replaceChildren();
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
  const dl = main.querySelector('.d-downloads');
  if (job.state === 'SUCCEEDED' && !dl.firstChild) dl.append(h('span', { class: 'muted' }, 'Download: '), ...downloadsFor(job));
  if (job.state === 'SUCCEEDED' && !state.detail.plots && !state.detail.plotsLoading) {
    loadPlots(job);
  } else if (job.state !== 'SUCCEEDED') {
    renderPlots();
  }
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
    return;
  }
  main.querySelector('#anchor-form').hidden = false;
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
      + `. Mean positional distance: ${q.meanPositionalDistance.toFixed(2)} ranks.`;
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

async function loadAnchor() {
  const d = state.detail;
  const job = state.jobs.get(d.id);
  const err = $('anchor-error');
  const view = $('anchor-view');
  if (!job || !err) return;
  clearError(err);
  const row = Number($('anchor-row').value);
  if (!Number.isInteger(row) || row < 0) {
    showError(err, new Error('The row is a whole number from 0.'));
    return;
  }
  try {
    const page = await api.get(`api/v1/jobs/${job.id}/negatives?page=${row}&size=1`);
    const randomMean = d.plots ? d.plots.randomMeanHamming : null;
    const a = page.items[0];
    const labelled = a.label !== undefined;
    fill(view,
      h('p', {}, `Row ${row} of ${formatCount(page.totalAnchors)}: anchor item `, h('b', { class: 'anchor-item' }, String(a.anchor)),
        labelled ? ` (label ${a.label})` : '',
        a.hard_positive !== undefined ? ` · hard positive: item ${a.hard_positive}` : '',
        ` · ${a.negatives.length} negatives`),
      a.negatives.length === 0 ? h('p', { class: 'empty' }, 'This anchor got no negatives.')
        : h('table', { class: 'anchor-table' },
          h('thead', {}, h('tr', {},
            h('th', { scope: 'col', class: 'num' }, 'Rank'), h('th', { scope: 'col', class: 'num' }, 'Item'),
            labelled ? h('th', { scope: 'col', class: 'num' }, 'Label') : null,
            h('th', { scope: 'col', class: 'num' }, 'Hamming'), h('th', { scope: 'col', class: 'num' }, 'Est. cosine'),
            randomMean ? h('th', { scope: 'col', title: 'Hamming distance as a share of the mean distance of random pairs' }, 'Distance vs random pairs') : null)),
          h('tbody', {}, a.negatives.map((n, i) => h('tr', {},
            h('td', { class: 'num' }, String(i + 1)),
            h('td', { class: 'num' }, String(n)),
            labelled ? h('td', { class: 'num' }, String(a.negative_labels[i])) : null,
            h('td', { class: 'num' }, String(a.hamming[i])),
            h('td', { class: 'num' }, a.cosine[i].toFixed(3)),
            randomMean ? h('td', { class: 'spark', title: `${formatPercent(a.hamming[i] / randomMean)} of the random-pair mean` },
              h('div', { class: 'spark-bar', style: `width:${Math.min(100, Math.round((100 * a.hamming[i]) / randomMean))}%` })) : null)))));
  } catch (e) {
    view.replaceChildren();
    showError(err, e);
  }
}

// ------------------------------------------------------------------ routing

function route() {
  const m = /^#\/jobs\/([A-Za-z0-9_]+)$/.exec(location.hash);
  if (m) {
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
  $('upload-form').addEventListener('submit', submitUpload);
  wireDrop('drop-embeddings', 'up-embeddings', 'embeddings');
  wireDrop('drop-labels', 'up-labels', 'labels');
  window.addEventListener('hashchange', route);
  setInterval(tick, 1000);
  route();
  loadDatasets().catch(reportLoadError);
  loadJobs().catch(reportLoadError);
  connectEvents();
}

init();
