import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  epochLabel, snapshotOf, batchProblem, batchOptionsProblem, noBatchesReason, snapshotStorage, historySeries, phaseTimes,
} from '../../main/resources/static/js/epochs.js';
import { toRgba, labelText } from '../../main/resources/static/js/previews.js';
import { rowProblem } from '../../main/resources/static/js/anchor.js';

test('jobs are named by the epoch of their snapshot', () => {
  const snaps = [{ id: 'sn_a', seq: 1 }, { id: 'sn_b', seq: 2 }];
  assert.equal(epochLabel(snapshotOf(snaps, { snapshotId: 'sn_b' })), 'epoch 2');
  assert.equal(epochLabel(snapshotOf(snaps, { snapshotId: 'sn_gone' })), 'deleted snapshot');
});

test('a batch size above the number of labels cannot be met', () => {
  const labels = { classes: 10 };
  assert.equal(batchProblem(10, labels), null);
  assert.equal(batchProblem(8, labels), null);
  assert.match(batchProblem(64, labels), /this dataset has 10 labels: no batch of 64 can be filled/);
  assert.match(batchProblem(64, labels), /at most 10/);
  // Without labels every item is its own class; unknown summaries give no warning.
  assert.equal(batchProblem(64, { classes: null }), null);
  assert.equal(batchProblem(64, null), null);
  assert.equal(batchProblem(undefined, labels), null);
  // P x K batches: the size is a multiple of K and needs size / K labels.
  assert.equal(batchProblem(64, labels, 8), null);
  assert.equal(batchProblem(80, labels, 8), null);
  assert.match(batchProblem(63, labels, 8), /must be a multiple of 8, and 63 is not/);
  assert.match(batchProblem(96, labels, 8), /needs 12 labels, and this dataset has 10/);
});

test('random share and batch rank window are checked against the other batch settings', () => {
  assert.equal(batchOptionsProblem({ k: 128 }), null);
  assert.equal(batchOptionsProblem({ k: 128, perLabel: 8, randomShare: 0.25, rankFrom: 16 }), null);
  assert.equal(batchOptionsProblem({ k: 128, perLabel: 8, randomShare: 0, rankFrom: 0 }), null);
  assert.equal(batchOptionsProblem({ k: 128, rankFrom: 127 }), null);
  assert.match(batchOptionsProblem({ k: 128, randomShare: 0.5 }), /applies to P x K batches: set items per label too/);
  assert.match(batchOptionsProblem({ k: 128, perLabel: 8, randomShare: 1.5 }), /between 0 .* and 1 .*not 1.5/);
  assert.match(batchOptionsProblem({ k: 128, rankFrom: 128 }), /ranks \[128, k\) .* k is 128: start the window below 128/);
  assert.match(batchOptionsProblem({ k: 32, perLabel: 4, rankFrom: 40 }), /k is 32/);
  assert.match(batchOptionsProblem({ k: 128, rankFrom: -1 }), /0 or more, not -1/);
  // k left empty: the service picks it, and refuses a window past it itself.
  assert.equal(batchOptionsProblem({ rankFrom: 500 }), null);
});

test('a result without batches says why', () => {
  const job = { params: { batchSize: 64 }, result: { batches: 0, batchLeftOut: 60000 } };
  assert.equal(noBatchesReason(job, { classes: 10 }),
    'No batches: a batch holds at most one item per label, and the dataset has 10 labels, fewer than the batch size 64; '
    + 'all 60,000 items were left out.');
  assert.match(noBatchesReason(job, { classes: 100 }), /^No batches: no batch of 64 could be filled/);
  assert.equal(noBatchesReason({ params: {}, result: { batches: 12, batchLeftOut: 3 } }, null), null);
  assert.equal(noBatchesReason({ params: {}, result: { batches: null } }, null), null);
});

test('storage: codes alone and everything stored, against float32', () => {
  // 60,000 x 784 at 512 bits with the floats kept: codes 49x smaller, the snapshot about 1x.
  const s = snapshotStorage({ items: 60000, dims: 784, bits: 512, storedBytes: 60000 * 784 * 4 + 60000 * 64 + 300 });
  assert.equal(s.codeBytes, 60000 * 64);
  assert.equal(s.codesRatio, 49);
  assert.ok(s.storedRatio > 0.9 && s.storedRatio < 1);
  assert.equal(snapshotStorage({ items: 10, dims: 4, bits: 64, storedBytes: 0 }).storedRatio, null);
});

test('history series: one point per epoch, gaps where an epoch has no job or no quality report', () => {
  const job = (overlap, neg) => ({
    overlap, randomOverlap: 0.001, negativesMeanHamming: neg, randomMeanHamming: 250, anchors: 200, shortAnchors: 20,
    totalSeconds: 2, anchorsPerSecond: 1000,
  });
  const s = historySeries({ epochs: [
    { epoch: 1, job: job(0.5, 110) }, { epoch: 2, job: null }, { epoch: 3, job: job(null, 100) },
  ] });
  assert.deepEqual(s.labels, ['epoch 1', 'epoch 2', 'epoch 3']);
  assert.deepEqual(s.overlap, [50, null, null]);
  assert.deepEqual(s.randomOverlap, [0.1, null, 0.1]);
  assert.deepEqual(s.negativesHamming, [110, null, 100]);
  assert.deepEqual(s.shortPercent, [10, null, 10]);
});

test('phase times add up to the whole job', () => {
  const t = phaseTimes({ searchSeconds: 1.5, totalSeconds: 4, quality: { seconds: 2 } });
  assert.deepEqual(t, { search: 1.5, quality: 2, other: 0.5, total: 4 });
  assert.equal(phaseTimes({ searchSeconds: 1, totalSeconds: 1.25, quality: null }).quality, null);
});

test('previews: grey and colour pixels to RGBA; labels with names', () => {
  assert.deepEqual([...toRgba(Uint8Array.from([0, 128]), 1)], [0, 0, 0, 255, 128, 128, 128, 255]);
  assert.deepEqual([...toRgba(Uint8Array.from([1, 2, 3, 4, 5, 6]), 3)], [1, 2, 3, 255, 4, 5, 6, 255]);
  assert.equal(labelText({ label: 3, labelName: 'Dress' }), 'label 3 · Dress');
  assert.equal(labelText({ label: 3, labelName: null }), 'label 3');
  assert.equal(labelText({ label: null }), '');
});

test('anchor rows are spoken of as rows', () => {
  assert.equal(rowProblem(5000, 2000), 'Row 5000 is past the last row (1999): rows go from 0 to 1999.');
  assert.equal(rowProblem(1999, 2000), null);
  assert.equal(rowProblem(-1, 2000), 'The row is a whole number from 0.');
  assert.equal(rowProblem(Number.NaN, 2000), 'The row is a whole number from 0.');
});
