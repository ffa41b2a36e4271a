// The "Try it" upload form: an embeddings file and optional labels are checked in the page (the
// .npy header, N, d, dtype), then a dataset is created, the labels stored and the snapshot
// uploaded; a later refusal deletes the dataset again.
import { formatBytes, formatCount } from './format.js';
import {
  HEADER_PROBE_BYTES, parseNpyHeader, describeEmbeddings, describeLabels, describeJsonEmbeddings,
  describeJsonLabels, checkSameItems,
} from './npy.js';
import { snapshotStorage } from './epochs.js';

const $ = (id) => document.getElementById(id);

function showError(el, err) {
  el.textContent = err instanceof Error ? err.message : String(err);
  el.hidden = false;
}

function clearError(el) {
  el.textContent = '';
  el.hidden = true;
}

// The checked files, and the reason a chosen file was refused (shown again on Upload).
const upload = { embeddings: null, labels: null, refused: { embeddings: null, labels: null } };

function isJson(file) {
  return /\.json$/i.test(file.name) || file.type === 'application/json';
}

export function embeddingsType(file) {
  return isJson(file) ? 'application/json' : 'application/x-npy';
}

export async function inspectEmbeddings(file) {
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
  upload.refused[kind] = null;
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
    upload.refused[kind] = `${file.name}: ${e.message}`;
    showError($('up-error'), upload.refused[kind]);
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

async function submitUpload(e, o) {
  e.preventDefault();
  const err = $('up-error');
  clearError(err);
  const status = $('up-status');
  // A refused file keeps its reason: Upload repeats it rather than asking for a file.
  const refused = upload.refused.embeddings || upload.refused.labels;
  if (refused) {
    showError(err, refused);
    return;
  }
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
    created = await o.api.post('api/v1/datasets', { name, dims: emb.desc.dims, bits: Number($('up-bits').value) });
    if (lab) {
      status.textContent = 'Storing the labels…';
      await o.api.send('PUT', `api/v1/datasets/${created.id}/labels`, { body: lab.file, type: embeddingsType(lab.file) });
    }
    status.textContent = `Uploading and encoding ${formatBytes(emb.file.size)}…`;
    const keep = $('up-keep').checked;
    const res = await o.api.send('POST', `api/v1/datasets/${created.id}/snapshots?keepFloats=${keep}`,
      { body: emb.file, type: embeddingsType(emb.file) });
    const snap = await res.json();
    const sv = snapshotStorage(snap);
    status.textContent = `Stored ${name}: ${formatCount(snap.items)} items, ${formatBytes(sv.storedBytes)} on disk `
      + `(${formatBytes(sv.floatBytes)} as float32), encoded in ${snap.encodeSeconds.toFixed(2)} s.`;
    reset();
    await o.onStored(created.id);
  } catch (ex) {
    status.textContent = '';
    showError(err, ex);
    // A dataset without its snapshot is of no use: leave nothing behind.
    if (created) o.api.del(`api/v1/datasets/${created.id}`).catch(() => {});
  } finally {
    button.disabled = false;
  }
}


/** Forgets the chosen files once they are stored, so a second click cannot upload them again. */
function reset() {
  upload.embeddings = null;
  upload.labels = null;
  upload.refused = { embeddings: null, labels: null };
  for (const id of ['up-embeddings', 'up-labels']) $(id).value = '';
  for (const id of ['up-embeddings-info', 'up-labels-info']) $(id).textContent = '';
  $('up-name').value = '';
  $('up-name').placeholder = 'from the file name';
}

/**
 * Wires the form. o: api; onStored(datasetId), called after a dataset was stored whole.
 */
export function wireUpload(o) {
  $('upload-form').addEventListener('submit', (e) => submitUpload(e, o));
  wireDrop('drop-embeddings', 'up-embeddings', 'embeddings');
  wireDrop('drop-labels', 'up-labels', 'labels');
}
