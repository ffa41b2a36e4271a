// Number, size and time formatting for the dashboard. Pure functions: tested with node --test
// (api/src/test/js/format.test.js).

const DASH = '–';

/** 12345 -> "12,345"; null or NaN -> "–". */
export function formatCount(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return DASH;
  return Math.round(n).toLocaleString('en-US');
}

/** Bytes in binary units: 512 -> "512 B", 1536 -> "1.5 KiB", 3 * 2^30 -> "3.0 GiB". */
export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined || Number.isNaN(bytes)) return DASH;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${Math.round(v)} B`;
  // Three significant digits at most: "12.3 MiB", "123 MiB".
  return `${Math.abs(v) >= 100 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

/** A ratio as "32.0×" (no decimal from 100 on); null, NaN or infinite -> "–". */
export function formatRatio(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  return `${x >= 100 ? Math.round(x) : x.toFixed(1)}×`;
}

/** A fraction as a percentage: 0.4234 -> "42%" (or "42.3%" with digits = 1). */
export function formatPercent(fraction, digits = 0) {
  if (fraction === null || fraction === undefined || Number.isNaN(fraction)) return DASH;
  return `${(fraction * 100).toFixed(digits)}%`;
}

/**
 * A duration for ETA and elapsed columns: "<1 s", "42 s", "3 min 05 s", "2 h 03 min", "3 d 04 h".
 * Null, negative or non-finite seconds -> "–".
 */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return DASH;
  if (seconds < 1) return '<1 s';
  const s = Math.round(seconds);
  const pad = (x) => String(x).padStart(2, '0');
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${pad(s % 60)} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${pad(Math.floor((s % 3600) / 60))} min`;
  return `${Math.floor(s / 86400)} d ${pad(Math.floor((s % 86400) / 3600))} h`;
}

/** Items per second: 850 -> "850/s", 12345 -> "12.3k/s", 2.5e6 -> "2.5M/s"; null -> "–". */
export function formatRate(perSecond) {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond) || perSecond < 0) return DASH;
  if (perSecond < 10) return `${perSecond.toFixed(1)}/s`;
  if (perSecond < 1000) return `${Math.round(perSecond)}/s`;
  if (perSecond < 1e6) return `${(perSecond / 1e3).toFixed(perSecond < 1e4 ? 2 : 1)}k/s`;
  return `${(perSecond / 1e6).toFixed(1)}M/s`;
}

/** A Date (or ISO string) as local "YYYY-MM-DD HH:MM:SS"; null -> "–". */
export function formatTime(t) {
  if (t === null || t === undefined) return DASH;
  const d = t instanceof Date ? t : new Date(t);
  if (Number.isNaN(d.getTime())) return DASH;
  const p = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * Memory saving of a snapshot: its float32 size (4 d bytes per item) against the bytes it
 * occupies on disk (codes, plus the floats when they were kept).
 */
export function storageSaving(snapshot) {
  const floatBytes = snapshot.items * snapshot.dims * 4;
  const storedBytes = snapshot.storedBytes;
  return { floatBytes, storedBytes, ratio: storedBytes > 0 ? floatBytes / storedBytes : null };
}

/** Seconds a job has run: to its end when finished, to `nowMs` while running; null before it starts. */
export function elapsedSeconds(job, nowMs) {
  if (!job.startedAt) return null;
  const start = Date.parse(job.startedAt);
  const end = job.finishedAt ? Date.parse(job.finishedAt) : nowMs;
  if (Number.isNaN(start) || Number.isNaN(end)) return null;
  return Math.max(0, (end - start) / 1000);
}

/** The short form of an id for tables: "job_abcdefghijklmnop" -> "job_abcdefgh". */
export function shortId(id) {
  const i = id.indexOf('_');
  return i < 0 ? id.slice(0, 12) : id.slice(0, i + 9);
}
