import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatBytes, formatCount, formatDuration, formatPercent, formatRate, formatRatio, formatTime,
  storageSaving, elapsedSeconds, shortId,
} from '../../main/resources/static/js/format.js';

test('counts get thousands separators; missing values a dash', () => {
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(formatCount(0), '0');
  assert.equal(formatCount(null), '–');
  assert.equal(formatCount(NaN), '–');
});

test('bytes use binary units with three significant digits', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1024), '1.0 KiB');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(123.4 * 1024 * 1024), '123 MiB');
  assert.equal(formatBytes(3 * 2 ** 30), '3.0 GiB');
  assert.equal(formatBytes(undefined), '–');
});

test('ratios and percentages', () => {
  assert.equal(formatRatio(32), '32.0×');
  assert.equal(formatRatio(0.97), '1.0×');
  assert.equal(formatRatio(128), '128×');
  assert.equal(formatRatio(Infinity), '–');
  assert.equal(formatRatio(null), '–');
  assert.equal(formatPercent(0.4234), '42%');
  assert.equal(formatPercent(0.4234, 1), '42.3%');
  assert.equal(formatPercent(1), '100%');
});

test('durations pick two units and pad the second', () => {
  assert.equal(formatDuration(0.2), '<1 s');
  assert.equal(formatDuration(42.4), '42 s');
  assert.equal(formatDuration(59.6), '1 min 00 s');
  assert.equal(formatDuration(185), '3 min 05 s');
  assert.equal(formatDuration(2 * 3600 + 3 * 60 + 59), '2 h 03 min');
  assert.equal(formatDuration(3 * 86400 + 4 * 3600), '3 d 04 h');
  assert.equal(formatDuration(null), '–');
  assert.equal(formatDuration(-1), '–');
  assert.equal(formatDuration(Infinity), '–');
});

test('rates scale to k and M', () => {
  assert.equal(formatRate(2.25), '2.3/s');
  assert.equal(formatRate(850.4), '850/s');
  assert.equal(formatRate(1234), '1.23k/s');
  assert.equal(formatRate(12345), '12.3k/s');
  assert.equal(formatRate(2.5e6), '2.5M/s');
  assert.equal(formatRate(null), '–');
});

test('local times print as YYYY-MM-DD HH:MM:SS', () => {
  assert.equal(formatTime(new Date(2025, 0, 2, 3, 4, 5)), '2025-01-02 03:04:05');
  assert.equal(formatTime(new Date(2025, 0, 2, 3, 4, 5).toISOString()), '2025-01-02 03:04:05');
  assert.equal(formatTime('not a time'), '–');
  assert.equal(formatTime(null), '–');
});

test('storage saving compares float32 size with bytes stored', () => {
  const s = storageSaving({ items: 1000, dims: 768, storedBytes: 64 * 1000 + 128 });
  assert.equal(s.floatBytes, 3072000);
  assert.equal(s.storedBytes, 64128);
  assert.ok(Math.abs(s.ratio - 3072000 / 64128) < 1e-12);
  assert.equal(storageSaving({ items: 10, dims: 4, storedBytes: 0 }).ratio, null);
});

test('elapsed runs to now while running and to the end once finished', () => {
  const startedAt = '2025-01-01T00:00:00Z';
  const t0 = Date.parse(startedAt);
  assert.equal(elapsedSeconds({ startedAt, finishedAt: null }, t0 + 12500), 12.5);
  assert.equal(elapsedSeconds({ startedAt, finishedAt: '2025-01-01T00:01:00Z' }, t0 + 999999), 60);
  assert.equal(elapsedSeconds({ startedAt: null }, t0), null);
  // A clock behind the server's never shows a negative time.
  assert.equal(elapsedSeconds({ startedAt, finishedAt: null }, t0 - 5000), 0);
});

test('short ids keep the kind and 8 characters', () => {
  assert.equal(shortId('job_abcdefghijklmnop'), 'job_abcdefgh');
  assert.equal(shortId('nounderscoreatallhere'), 'nounderscore');
});
