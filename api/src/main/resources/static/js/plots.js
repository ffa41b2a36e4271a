// Turns the service's numbers into what the charts draw. Pure functions: tested with node --test
// (api/src/test/js/plots.test.js); charts.js draws them with Chart.js.

/** Counts as percentages of their total (all zeros when the total is 0). */
export function percentages(counts) {
  const total = counts.reduce((a, x) => a + x, 0);
  return counts.map((x) => (total > 0 ? (100 * x) / total : 0));
}

/** The estimated cosine similarity cos(pi h / b) of two codes at Hamming distance h. */
export function estimatedCosine(h, bits) {
  return Math.cos((Math.PI * h) / bits);
}

/**
 * Axis labels of a histogram from GET /api/v1/dashboard/jobs/{id}/plots: Hamming distance ranges
 * ("96–103", or "96" when a bin holds one distance), or the estimated cosine at each bin's centre.
 */
export function binLabels(hist, axis) {
  const n = hist.negatives.length;
  const out = [];
  for (let i = 0; i < n; i++) {
    if (axis === 'cosine' && hist.cosine) {
      out.push(hist.cosine[i].toFixed(2));
    } else {
      const from = hist.start + i * hist.width;
      const to = from + hist.width - 1;
      out.push(hist.width === 1 ? String(from) : `${from}–${to}`);
    }
  }
  return out;
}

/** The series of the distance chart: labels and both distributions in percent (random null when absent). */
export function distanceSeries(plots, axis) {
  const h = plots.histogram;
  return {
    labels: binLabels(h, axis),
    negatives: percentages(h.negatives),
    random: h.random ? percentages(h.random) : null,
    axisTitle: axis === 'cosine' && h.cosine ? 'estimated cosine similarity cos(πh/b), bin centre' : 'Hamming distance h',
  };
}

/**
 * One sentence comparing the two distributions, e.g. "Mined negatives are at Hamming distance 143
 * on average (estimated cosine 0.41); random pairs at 254 (0.02)."
 */
export function distanceSummary(plots) {
  const b = plots.histogram.bits;
  const cos = (h) => (b > 0 ? ` (estimated cosine ${estimatedCosine(h, b).toFixed(2)})` : '');
  if (plots.negativesMeanHamming === null || plots.negativesMeanHamming === undefined) {
    return 'The job found no negatives.';
  }
  let s = `Mined negatives are at Hamming distance ${plots.negativesMeanHamming.toFixed(1)} on average${cos(plots.negativesMeanHamming)}`;
  if (plots.randomMeanHamming !== null && plots.randomMeanHamming !== undefined) {
    s += `; random pairs at ${plots.randomMeanHamming.toFixed(1)}${cos(plots.randomMeanHamming)}.`;
  } else {
    s += '.';
  }
  return s;
}

/** Anchors short of negatives as counts and a fraction, from a job's result. */
export function shortAnchors(result) {
  const fraction = result.anchors > 0 ? result.shortAnchors / result.anchors : 0;
  return { count: result.shortAnchors, anchors: result.anchors, fraction };
}
