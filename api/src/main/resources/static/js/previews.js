// Item previews: a dataset's small images or lines of text (GET .../previews and
// .../previews/items), drawn as thumbnails with their labels. toRgba and labelText are pure and
// tested with node --test (api/src/test/js/previews.test.js).
import { h } from './dom.js';

/** Pixels (row-major, channels last, 1 or 3 channels) as RGBA for an ImageData. */
export function toRgba(bytes, channels) {
  const n = bytes.length / channels;
  const out = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    out[4 * i] = bytes[i * channels];
    out[4 * i + 1] = bytes[i * channels + (channels === 3 ? 1 : 0)];
    out[4 * i + 2] = bytes[i * channels + (channels === 3 ? 2 : 0)];
    out[4 * i + 3] = 255;
  }
  return out;
}

/** "label 3 · Dress", "label 3", or '' without labels. */
export function labelText(item) {
  if (item.label === null || item.label === undefined) return '';
  return item.labelName ? `label ${item.label} · ${item.labelName}` : `label ${item.label}`;
}

function decodeBase64(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const infos = new Map(); // dataset id -> promise of its previews info

/** What previews a dataset has (kind null when none), fetched once per page. */
export function previewsInfo(api, datasetId) {
  if (!infos.has(datasetId)) {
    const p = api.get(`api/v1/datasets/${datasetId}/previews`);
    p.catch(() => infos.delete(datasetId));
    infos.set(datasetId, p);
  }
  return infos.get(datasetId);
}

/** Forgets what was fetched for a dataset (after it was deleted). */
export function forgetPreviews(datasetId) {
  infos.delete(datasetId);
}

/** The items with their labels and previews, as a Map id -> item, plus the kind and image size. */
export async function previewItems(api, datasetId, ids) {
  const unique = [...new Set(ids)].slice(0, 256); // the service's limit per request
  const res = await api.get(`api/v1/datasets/${datasetId}/previews/items?ids=${unique.join(',')}`);
  return { meta: res, byId: new Map(res.items.map((it) => [it.id, it])) };
}

/** The preview of one item: a canvas with its image, a paragraph with its text, or nothing. */
export function previewElement(item, meta) {
  if (meta.kind === 'image' && item.pixels) {
    const canvas = h('canvas', { class: 'thumb', width: String(meta.width), height: String(meta.height), role: 'img', 'aria-label': `image of item ${item.id}` });
    const img = new ImageData(toRgba(decodeBase64(item.pixels), meta.channels), meta.width, meta.height);
    canvas.getContext('2d').putImageData(img, 0, 0);
    return canvas;
  }
  if (meta.kind === 'text' && item.text !== null && item.text !== undefined) {
    return h('p', { class: 'text-preview', title: item.text }, item.text);
  }
  return null;
}

/**
 * A tile: the preview, then a caption (role such as "anchor" or "#3", item id, label and name,
 * extra lines such as distances).
 */
export function tile(item, meta, role, extra, cls) {
  return h('figure', { class: `tile${cls ? ` ${cls}` : ''}`, 'data-item': String(item.id) },
    previewElement(item, meta),
    h('figcaption', {},
      h('b', {}, role), ` item ${item.id}`,
      labelText(item) ? h('span', { class: 'tile-label' }, labelText(item)) : null,
      (extra || []).map((x) => h('span', { class: 'muted' }, x))));
}
