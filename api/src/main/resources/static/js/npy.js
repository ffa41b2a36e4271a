// Reads the header of a NumPy .npy file in the browser, so an upload can be checked (shape,
// dtype, size, label count) before anything is sent, and the dataset created with the right d.
// Pure functions over ArrayBuffers: tested with node --test (api/src/test/js/npy.test.js).

/** How many leading bytes of a file to read to find its header (headers are tiny; NumPy pads to 64). */
export const HEADER_PROBE_BYTES = 65536;

/**
 * Parses an .npy header (format 1.0, 2.0 or 3.0) from the first bytes of a file.
 *
 * @param {ArrayBuffer} buffer at least the whole header
 * @returns {{descr: string, kind: string, itemSize: number, littleEndian: boolean,
 *   fortranOrder: boolean, shape: number[], dataOffset: number}}
 * @throws {Error} with a message for the user when the bytes are not an .npy header
 */
export function parseNpyHeader(buffer) {
  const b = new Uint8Array(buffer);
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
  if (b.length < 10 || magic.some((m, i) => b[i] !== m)) {
    throw new Error('not a .npy file (the \\x93NUMPY magic string is missing)');
  }
  const major = b[6];
  let len;
  let start;
  if (major === 1) {
    len = b[8] | (b[9] << 8);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (b.length < 12) throw new Error('not a .npy file (it ends inside the header)');
    len = (b[8] | (b[9] << 8) | (b[10] << 16)) + b[11] * 2 ** 24;
    start = 12;
  } else {
    throw new Error(`unsupported .npy format version ${major}.${b[7]}`);
  }
  if (start + len > b.length) {
    throw new Error(b.length >= HEADER_PROBE_BYTES ? 'the .npy header is too long' : 'not a .npy file (it ends inside the header)');
  }
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(b.subarray(start, start + len));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape) {
    throw new Error("malformed .npy header: it needs 'descr', 'fortran_order' and 'shape'");
  }
  const d = descr[1];
  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(d);
  if (!m) throw new Error(`unsupported .npy dtype '${d}'`);
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (dims.some((s) => !/^\d+$/.test(s))) throw new Error(`malformed .npy shape (${shape[1]})`);
  return {
    descr: d,
    kind: m[2],
    itemSize: Number(m[3]),
    littleEndian: m[1] !== '>',
    fortranOrder: fortran[1] === 'True',
    shape: dims.map(Number),
    dataOffset: start + len,
  };
}

function checkSize(h, fileSize, what) {
  if (fileSize === undefined || fileSize === null) return;
  const want = h.dataOffset + h.shape.reduce((a, x) => a * x, 1) * h.itemSize;
  if (fileSize < want) {
    throw new Error(`${what}: the file is truncated (${fileSize} bytes, its header promises ${want})`);
  }
}

/**
 * Checks an embeddings header: 2-D, float16/32/64, C order, at least one row and column.
 *
 * @returns {{items: number, dims: number, dtype: string}}
 * @throws {Error} naming the problem
 */
export function describeEmbeddings(h, fileSize) {
  if (h.kind !== 'f' || ![2, 4, 8].includes(h.itemSize)) {
    throw new Error(`embeddings: dtype ${h.descr} is not float16, float32 or float64`);
  }
  if (h.fortranOrder) throw new Error('embeddings: Fortran (column-major) order is not supported; save with C order');
  if (h.shape.length !== 2) throw new Error(`embeddings: need a 2-D array (N, d), got shape (${h.shape.join(', ')})`);
  if (h.shape[0] < 2 || h.shape[1] < 1) throw new Error(`embeddings: need at least 2 rows and 1 column, got (${h.shape.join(', ')})`);
  checkSize(h, fileSize, 'embeddings');
  return { items: h.shape[0], dims: h.shape[1], dtype: h.descr };
}

/**
 * Checks a labels header: 1-D (or N x 1), any integer dtype.
 *
 * @returns {{items: number, dtype: string}}
 * @throws {Error} naming the problem
 */
export function describeLabels(h, fileSize) {
  if (h.kind !== 'i' && h.kind !== 'u') throw new Error(`labels: dtype ${h.descr} is not an integer type`);
  const ok = h.shape.length === 1 || (h.shape.length === 2 && h.shape[1] === 1);
  if (!ok) throw new Error(`labels: need one label per item, shape (N,), got (${h.shape.join(', ')})`);
  checkSize(h, fileSize, 'labels');
  return { items: h.shape[0], dtype: h.descr };
}

/** The value of JSON text; an error naming `what` when it is not valid JSON. */
function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${what}: not valid JSON (${e.message})`);
  }
}

/**
 * Checks embeddings given as JSON text: an array of N rows of d finite numbers.
 *
 * @returns {{items: number, dims: number, dtype: string}}
 */
export function describeJsonEmbeddings(text) {
  const rows = parseJson(text, 'embeddings');
  if (!Array.isArray(rows) || rows.length < 2 || !Array.isArray(rows[0])) {
    throw new Error('embeddings: JSON must be an array of at least 2 rows, each an array of numbers');
  }
  const d = rows[0].length;
  if (d < 1) throw new Error('embeddings: row 0 is empty');
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!Array.isArray(r) || r.length !== d) throw new Error(`embeddings: row ${i} does not have ${d} numbers`);
    for (let j = 0; j < d; j++) {
      if (typeof r[j] !== 'number' || !Number.isFinite(r[j])) throw new Error(`embeddings: row ${i}, column ${j} is not a finite number`);
    }
  }
  return { items: rows.length, dims: d, dtype: 'json' };
}

/** Checks labels given as JSON text: an array of integers. @returns {{items: number, dtype: string}} */
export function describeJsonLabels(text) {
  const v = parseJson(text, 'labels');
  if (!Array.isArray(v)) throw new Error('labels: JSON must be an array of integers');
  const bad = v.findIndex((x) => !Number.isInteger(x));
  if (bad >= 0) throw new Error(`labels: item ${bad} is not an integer`);
  return { items: v.length, dtype: 'json' };
}

/** Checks that labels and embeddings describe the same items; throws a message otherwise. */
export function checkSameItems(emb, labels) {
  if (labels && labels.items !== emb.items) {
    throw new Error(`labels: ${labels.items} labels for ${emb.items} embedding rows; they must match`);
  }
}
