// Epochs, batches and storage in words and numbers. Pure functions: tested with node --test
// (api/src/test/js/epochs.test.js).
import { storageSaving } from './format.js';

/** "epoch 3" for a job whose snapshot is known, "deleted snapshot" otherwise. */
export function epochLabel(snapshot) {
  return snapshot ? `epoch ${snapshot.seq}` : 'deleted snapshot';
}

/** The snapshot a job mined, from the dataset's snapshots (oldest first), or null when deleted. */
export function snapshotOf(snapshots, job) {
  return (snapshots || []).find((s) => s.id === job.snapshotId) || null;
}

/**
 * Why a batch size cannot be met, or null when it can. Without items per label a batch holds at
 * most one item per label, so a dataset with fewer labels than the batch size yields no batch at
 * all; with K items per label (P x K batches) the size must be a multiple of K and the dataset
 * needs P = size / K labels.
 *
 * @param {number} batchSize the size asked for
 * @param {{classes: number|null}} labels GET /api/v1/dashboard/datasets/{id}/labels, or null when unknown
 * @param {number} [perLabel] items per label K, or undefined for batches without repeated labels
 */
export function batchProblem(batchSize, labels, perLabel) {
  if (!Number.isInteger(batchSize) || !labels || labels.classes === null || labels.classes === undefined) return null;
  if (Number.isInteger(perLabel)) {
    if (batchSize % perLabel !== 0) {
      return `A P x K batch holds ${perLabel} items of each of its labels: the batch size must be a multiple of `
        + `${perLabel}, and ${batchSize} is not.`;
    }
    const p = batchSize / perLabel;
    if (p <= labels.classes) return null;
    return `A batch of ${batchSize} with ${perLabel} items per label needs ${p} labels, and this dataset has `
      + `${labels.classes}: use more items per label or a smaller batch size.`;
  }
  if (batchSize <= labels.classes) return null;
  return `A batch holds at most one item per label, and this dataset has ${labels.classes} labels: `
    + `no batch of ${batchSize} can be filled, so every item would be left out. `
    + `Use a batch size of at most ${labels.classes}, or leave it empty.`;
}

/**
 * Why the settings that make batches harder or easier cannot be used, or null when they can: a
 * random share applies to P x K batches and lies between 0 and 1; a batch anchor draws from ranks
 * [rank from, k) of its neighbour list, so the rank window must start below k.
 *
 * @param {{k?: number, perLabel?: number, randomShare?: number, rankFrom?: number}} o the form's
 *     values, undefined where empty
 */
export function batchOptionsProblem({ k, perLabel, randomShare, rankFrom }) {
  if (randomShare !== undefined) {
    if (!(randomShare >= 0 && randomShare <= 1)) {
      return `The random share is the share of each batch's labels drawn at random: between 0 (all mined) and 1 `
        + `(all random), not ${randomShare}.`;
    }
    if (!Number.isInteger(perLabel)) {
      return 'A random share applies to P x K batches: set items per label too, or leave the share empty.';
    }
  }
  if (rankFrom !== undefined) {
    if (!Number.isInteger(rankFrom) || rankFrom < 0) {
      return `The batch rank window starts at a rank of 0 or more, not ${rankFrom}.`;
    }
    if (Number.isInteger(k) && rankFrom >= k) {
      return `A batch anchor draws from ranks [${rankFrom}, k) of its neighbour list, and k is ${k}: `
        + `start the window below ${k}.`;
    }
  }
  return null;
}

/** Why a finished job built no batches, or null when it built some (or was not asked to). */
export function noBatchesReason(job, labels) {
  const r = job.result;
  if (!r || r.batches === null || r.batches === undefined || r.batches > 0) return null;
  const size = job.params.batchSize;
  const items = r.batchLeftOut;
  const why = batchProblem(size, labels);
  if (why) {
    return `No batches: a batch holds at most one item per label, and the dataset has ${labels.classes} labels, `
      + `fewer than the batch size ${size}; all ${items.toLocaleString('en-US')} items were left out.`;
  }
  return `No batches: no batch of ${size} could be filled from the items' neighbour lists without repeating `
    + `an item or a label; all ${items.toLocaleString('en-US')} items were left out. A smaller batch size helps.`;
}

/**
 * Storage of a snapshot: its float32 size (4 d bytes per item) against its codes alone (b/8 bytes
 * per item) and against everything it stores (codes, plus the floats when they were kept).
 */
export function snapshotStorage(s) {
  const stored = storageSaving(s);
  const codeBytes = (s.items * s.bits) / 8;
  return {
    floatBytes: stored.floatBytes,
    codeBytes,
    storedBytes: stored.storedBytes,
    codesRatio: codeBytes > 0 ? stored.floatBytes / codeBytes : null,
    storedRatio: stored.ratio,
  };
}

/**
 * The series of the history charts from GET /api/v1/dashboard/datasets/{id}/history: one point
 * per epoch, null where the epoch has no succeeded job (or no quality report, for overlap).
 */
export function historySeries(history) {
  const pick = (f) => history.epochs.map((e) => (e.job ? f(e.job) : null));
  const pct = (x) => (x === null || x === undefined ? null : 100 * x);
  return {
    labels: history.epochs.map((e) => `epoch ${e.epoch}`),
    overlap: pick((j) => pct(j.overlap)),
    randomOverlap: pick((j) => pct(j.randomOverlap)),
    negativesHamming: pick((j) => j.negativesMeanHamming),
    randomHamming: pick((j) => j.randomMeanHamming),
    shortPercent: pick((j) => (j.anchors > 0 ? (100 * j.shortAnchors) / j.anchors : null)),
    totalSeconds: pick((j) => j.totalSeconds),
    anchorsPerSecond: pick((j) => j.anchorsPerSecond),
  };
}

/**
 * Per-phase times and what items/s counts, for the job detail: search (anchors searched per
 * second of Hamming search), quality (anchors compared with exact cosine), the rest (loading,
 * mining, writing) and the whole job.
 */
export function phaseTimes(result) {
  const q = result.quality ? result.quality.seconds : 0;
  return {
    search: result.searchSeconds,
    quality: result.quality ? q : null,
    other: Math.max(0, result.totalSeconds - result.searchSeconds - q),
    total: result.totalSeconds,
  };
}
