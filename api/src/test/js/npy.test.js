import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseNpyHeader, describeEmbeddings, describeLabels, describeJsonEmbeddings, describeJsonLabels, checkSameItems,
} from '../../main/resources/static/js/npy.js';

/** An .npy header as NumPy writes it (version 1.0, padded with spaces to a multiple of 64, newline). */
function npy(dict, version = 1) {
  const pre = version === 1 ? 10 : 12;
  let body = dict;
  while ((pre + body.length + 1) % 64 !== 0) body += ' ';
  body += '\n';
  const b = new Uint8Array(pre + body.length);
  b.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  if (version === 1) {
    b[8] = body.length & 0xff;
    b[9] = body.length >> 8;
  } else {
    new DataView(b.buffer).setUint32(8, body.length, true);
  }
  b.set(new TextEncoder().encode(body), pre);
  return b.buffer;
}

test('parses a version 1.0 header', () => {
  const h = parseNpyHeader(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3000, 64), }"));
  assert.deepEqual(h, { descr: '<f4', kind: 'f', itemSize: 4, littleEndian: true, fortranOrder: false, shape: [3000, 64], dataOffset: 128 });
});

test('parses version 2.0, big-endian float16 and 1-D shapes', () => {
  const h = parseNpyHeader(npy("{'descr': '>f2', 'fortran_order': False, 'shape': (7,), }", 2));
  assert.equal(h.littleEndian, false);
  assert.equal(h.itemSize, 2);
  assert.deepEqual(h.shape, [7]);
  assert.equal(h.dataOffset % 64, 0);
});

test('refuses what is not an .npy header, with a reason', () => {
  assert.throws(() => parseNpyHeader(new TextEncoder().encode('[[1, 2], [3, 4]]').buffer), /not a \.npy file/);
  assert.throws(() => parseNpyHeader(npy("{'descr': '<f4', 'shape': (3, 4), }")), /needs 'descr', 'fortran_order' and 'shape'/);
  assert.throws(() => parseNpyHeader(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3, x), }")), /malformed \.npy shape/);
  assert.throws(() => parseNpyHeader(npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,), }")), /descr|dtype/);
  const v9 = new Uint8Array(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"));
  v9[6] = 9;
  assert.throws(() => parseNpyHeader(v9.buffer), /unsupported \.npy format version 9\.0/);
  assert.throws(() => parseNpyHeader(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }").slice(0, 40)), /ends inside the header/);
});

test('embeddings must be 2-D float in C order, and the file complete', () => {
  const ok = parseNpyHeader(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (10, 3), }"));
  assert.deepEqual(describeEmbeddings(ok, 128 + 10 * 3 * 8), { items: 10, dims: 3, dtype: '<f8' });
  assert.throws(() => describeEmbeddings(ok, 128 + 10 * 3 * 8 - 1), /truncated/);
  assert.throws(() => describeEmbeddings(parseNpyHeader(npy("{'descr': '<i4', 'fortran_order': False, 'shape': (10, 3), }"))), /not float16, float32 or float64/);
  assert.throws(() => describeEmbeddings(parseNpyHeader(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (10, 3), }"))), /Fortran/);
  assert.throws(() => describeEmbeddings(parseNpyHeader(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (10,), }"))), /2-D array/);
  assert.throws(() => describeEmbeddings(parseNpyHeader(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), }"))), /at least 2 rows/);
});

test('labels are integers, shape (N,) or (N, 1)', () => {
  assert.deepEqual(describeLabels(parseNpyHeader(npy("{'descr': '<i8', 'fortran_order': False, 'shape': (10,), }"))), { items: 10, dtype: '<i8' });
  assert.deepEqual(describeLabels(parseNpyHeader(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (10, 1), }"))).items, 10);
  assert.throws(() => describeLabels(parseNpyHeader(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (10,), }"))), /not an integer type/);
  assert.throws(() => describeLabels(parseNpyHeader(npy("{'descr': '<i4', 'fortran_order': False, 'shape': (10, 2), }"))), /one label per item/);
});

test('JSON embeddings and labels are checked row by row', () => {
  assert.deepEqual(describeJsonEmbeddings('[[1, 2.5], [3, -4]]'), { items: 2, dims: 2, dtype: 'json' });
  assert.throws(() => describeJsonEmbeddings('[[1, 2], [3]]'), /row 1 does not have 2 numbers/);
  assert.throws(() => describeJsonEmbeddings('[[1, 2], [3, "x"]]'), /row 1, column 1 is not a finite number/);
  assert.throws(() => describeJsonEmbeddings('[[1, 2]'), /not valid JSON/);
  assert.throws(() => describeJsonEmbeddings('[[1, 2]]'), /at least 2 rows/);
  assert.deepEqual(describeJsonLabels('[0, 1, 1]'), { items: 3, dtype: 'json' });
  assert.throws(() => describeJsonLabels('[0, 1.5]'), /item 1 is not an integer/);
  assert.throws(() => describeJsonLabels('{"a": 1}'), /array of integers/);
});

test('labels must match the embedding rows', () => {
  assert.doesNotThrow(() => checkSameItems({ items: 5 }, null));
  assert.doesNotThrow(() => checkSameItems({ items: 5 }, { items: 5 }));
  assert.throws(() => checkSameItems({ items: 5 }, { items: 4 }), /4 labels for 5 embedding rows/);
});
