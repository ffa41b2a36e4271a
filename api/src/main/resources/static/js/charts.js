// Draws the job-detail charts with Chart.js (served from its WebJar by the service; the page loads
// its UMD bundle, which defines the global Chart).
import { distanceSeries } from './plots.js';

const NEGATIVES = '#d9480f';
const RANDOM = '#868e96';
const LSH = '#1c7ed6';

function chartLib() {
  if (!globalThis.Chart) throw new Error('Chart.js did not load (/webjars/chart.js/dist/chart.umd.min.js)');
  return globalThis.Chart;
}

function replace(canvas, config) {
  const Chart = chartLib();
  const old = Chart.getChart(canvas);
  if (old) old.destroy();
  return new Chart(canvas, config);
}

const common = {
  animation: false, // updates arrive live; redrawing from zero each time would only flicker
  responsive: true,
  maintainAspectRatio: false,
};

/** Histogram of the mined negatives' distances against random pairs, in percent of each series. */
export function drawDistances(canvas, plots, axis) {
  const s = distanceSeries(plots, axis);
  const datasets = [{
    label: `mined negatives (${plots.negatives.toLocaleString('en-US')})`,
    data: s.negatives,
    backgroundColor: NEGATIVES,
    categoryPercentage: 0.9,
    barPercentage: 1.0,
  }];
  if (s.random) {
    datasets.push({
      label: `random pairs (${plots.randomPairs.toLocaleString('en-US')}, ${plots.randomPairsKind})`,
      data: s.random,
      backgroundColor: RANDOM,
      categoryPercentage: 0.9,
      barPercentage: 1.0,
    });
  }
  return replace(canvas, {
    type: 'bar',
    data: { labels: s.labels, datasets },
    options: {
      ...common,
      plugins: {
        legend: { position: 'top', align: 'end' },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${c.parsed.y.toFixed(2)}%` } },
      },
      scales: {
        x: { title: { display: true, text: s.axisTitle }, ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 8 } },
        y: { title: { display: true, text: '% of pairs' }, beginAtZero: true },
      },
    },
  });
}

/** Writes each bar's value (percent) just past its end: a chart plugin of this page. */
const barValues = {
  id: 'barValues',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    ctx.save();
    ctx.fillStyle = '#1f2328';
    ctx.font = '12px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    const meta = chart.getDatasetMeta(0);
    meta.data.forEach((bar, i) => {
      const v = chart.data.datasets[0].data[i];
      const text = `${v < 1 ? v.toFixed(2) : v.toFixed(1)}%`;
      const inside = bar.x + ctx.measureText(text).width + 8 > chart.chartArea.right;
      ctx.fillStyle = inside ? '#ffffff' : '#1f2328';
      ctx.textAlign = inside ? 'right' : 'left';
      ctx.fillText(text, inside ? bar.x - 4 : bar.x + 4, bar.y);
    });
    ctx.restore();
  },
};

/** Overlap@k of LSH against what a random choice would reach, in percent. */
export function drawOverlap(canvas, quality, randomOverlap) {
  const labels = ['LSH top-k'];
  const data = [100 * quality.overlap];
  const colors = [LSH];
  if (randomOverlap !== null && randomOverlap !== undefined) {
    labels.push('random choice');
    data.push(100 * randomOverlap);
    colors.push(RANDOM);
  }
  return replace(canvas, {
    type: 'bar',
    // minBarLength keeps a bar of 0.1% visible; the value written beside each bar says what it is.
    data: { labels, datasets: [{ label: `overlap@${quality.k} with exact cosine top-${quality.k}`, data, backgroundColor: colors, minBarLength: 3 }] },
    plugins: [barValues],
    options: {
      ...common,
      indexAxis: 'y',
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (c) => `${c.parsed.x.toFixed(1)}%` } },
      },
      scales: {
        x: { min: 0, max: 100, title: { display: true, text: `overlap@${quality.k} (%)` } },
      },
    },
  });
}

/**
 * A line chart over epochs: series of {label, data, color, axis ('y' or 'y2'), dashed}; null
 * values leave gaps. `y` and `y2` are the axis titles (y2 omitted for one axis).
 */
export function drawLines(canvas, labels, series, y, y2) {
  const scales = {
    x: { title: { display: true, text: 'epoch (snapshot)' } },
    y: { title: { display: true, text: y }, beginAtZero: true },
  };
  if (y2) scales.y2 = { position: 'right', title: { display: true, text: y2 }, beginAtZero: true, grid: { drawOnChartArea: false } };
  return replace(canvas, {
    type: 'line',
    data: {
      labels,
      datasets: series.map((s) => ({
        label: s.label,
        data: s.data,
        borderColor: s.color,
        backgroundColor: s.color,
        borderDash: s.dashed ? [6, 4] : [],
        yAxisID: s.axis || 'y',
        pointRadius: 4,
        spanGaps: true,
      })),
    },
    options: {
      ...common,
      plugins: { legend: { position: 'top', align: 'end' } },
      scales,
    },
  });
}

/** Colours of the history charts. */
export const COLORS = { lsh: LSH, random: RANDOM, negatives: NEGATIVES, time: '#5f3dc4' };
