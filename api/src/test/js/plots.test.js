import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentages, estimatedCosine, binLabels, distanceSeries, distanceSummary, shortAnchors } from '../../main/resources/static/js/plots.js';

const hist = { bits: 128, start: 32, width: 8, negatives: [1, 3, 0, 0], random: [0, 0, 2, 2], cosine: [0.5, 0.3, 0.1, -0.1] };

test('percentages of a total, zeros when empty', () => {
  assert.deepEqual(percentages([1, 3]), [25, 75]);
  assert.deepEqual(percentages([0, 0]), [0, 0]);
});

test('estimated cosine is cos(pi h / b)', () => {
  assert.equal(estimatedCosine(0, 512), 1);
  assert.ok(Math.abs(estimatedCosine(256, 512)) < 1e-12);
  assert.equal(estimatedCosine(512, 512), -1);
});

test('bin labels give inclusive distance ranges or the cosine at the centre', () => {
  assert.deepEqual(binLabels(hist, 'hamming'), ['32–39', '40–47', '48–55', '56–63']);
  assert.deepEqual(binLabels({ ...hist, width: 1 }, 'hamming'), ['32', '33', '34', '35']);
  assert.deepEqual(binLabels(hist, 'cosine'), ['0.50', '0.30', '0.10', '-0.10']);
  assert.deepEqual(binLabels({ ...hist, cosine: null }, 'cosine'), ['32–39', '40–47', '48–55', '56–63'], 'no bits: Hamming');
});

test('series hold both distributions in percent', () => {
  const s = distanceSeries({ histogram: hist }, 'hamming');
  assert.deepEqual(s.negatives, [25, 75, 0, 0]);
  assert.deepEqual(s.random, [0, 0, 50, 50]);
  assert.match(s.axisTitle, /Hamming/);
  assert.equal(distanceSeries({ histogram: { ...hist, random: null } }, 'cosine').random, null);
  assert.match(distanceSeries({ histogram: hist }, 'cosine').axisTitle, /cosine/);
});

test('the summary compares mean distances', () => {
  const s = distanceSummary({ histogram: hist, negativesMeanHamming: 38, randomMeanHamming: 64 });
  assert.equal(s, 'Mined negatives are at Hamming distance 38.0 on average (estimated cosine 0.60); random pairs at 64.0 (estimated cosine 0.00).');
  assert.equal(distanceSummary({ histogram: hist, negativesMeanHamming: null }), 'The job found no negatives.');
  assert.equal(distanceSummary({ histogram: { ...hist, bits: 0 }, negativesMeanHamming: 38, randomMeanHamming: null }),
    'Mined negatives are at Hamming distance 38.0 on average.');
});

test('short anchors as a fraction', () => {
  assert.deepEqual(shortAnchors({ shortAnchors: 5, anchors: 200 }), { count: 5, anchors: 200, fraction: 0.025 });
  assert.equal(shortAnchors({ shortAnchors: 0, anchors: 0 }).fraction, 0);
});
