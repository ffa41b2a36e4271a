import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJob, applyList, sortedJobs, countByState, progressPercent, isActive, isFinal } from '../../main/resources/static/js/jobs.js';

const job = (id, state, progress = 0, createdAt = '2025-01-01T00:00:00Z') => ({ id, state, progress, createdAt });

test('a new job is added, a newer view replaces the old one', () => {
  const m = new Map();
  assert.equal(applyJob(m, job('a', 'QUEUED')), true);
  assert.equal(applyJob(m, job('a', 'RUNNING', 0.2)), true);
  assert.equal(applyJob(m, job('a', 'RUNNING', 0.5)), true);
  assert.equal(applyJob(m, job('a', 'SUCCEEDED', 1)), true);
  assert.equal(m.get('a').state, 'SUCCEEDED');
});

test('stale views never move a job back', () => {
  const m = new Map();
  applyJob(m, job('a', 'RUNNING', 0.5));
  assert.equal(applyJob(m, job('a', 'QUEUED')), false);
  assert.equal(applyJob(m, job('a', 'RUNNING', 0.4)), false, 'progress does not go down');
  assert.equal(m.get('a').progress, 0.5);
  applyJob(m, job('a', 'CANCELLED', 0.5));
  assert.equal(applyJob(m, job('a', 'RUNNING', 0.9)), false, 'a final state is final');
  assert.equal(applyJob(m, job('a', 'FAILED', 0.5)), false, 'and does not turn into another one');
  assert.equal(m.get('a').state, 'CANCELLED');
});

test('a view with the same progress but a new flag is taken (cancel requested)', () => {
  const m = new Map();
  applyJob(m, job('a', 'RUNNING', 0.5));
  assert.equal(applyJob(m, { ...job('a', 'RUNNING', 0.5), cancelRequested: true }), true);
  assert.equal(m.get('a').cancelRequested, true);
});

test('a list merges like events and drops jobs it no longer holds', () => {
  const m = new Map();
  applyJob(m, job('a', 'RUNNING', 0.7));
  applyJob(m, job('gone', 'SUCCEEDED', 1));
  const changed = applyList(m, [job('a', 'RUNNING', 0.6), job('b', 'QUEUED')]);
  assert.equal(changed, true);
  assert.deepEqual([...m.keys()].sort(), ['a', 'b']);
  assert.equal(m.get('a').progress, 0.7, 'the older progress in the list is ignored');
  assert.equal(applyList(m, [m.get('a'), m.get('b')]), true, 'equal views still count as applied');
});

test('jobs sort newest first, ties by id', () => {
  const m = new Map();
  applyJob(m, job('b', 'QUEUED', 0, '2025-01-01T00:00:01Z'));
  applyJob(m, job('a', 'QUEUED', 0, '2025-01-01T00:00:01Z'));
  applyJob(m, job('c', 'QUEUED', 0, '2025-01-01T00:00:02Z'));
  applyJob(m, job('d', 'QUEUED', 0, '2024-12-31T23:59:59Z'));
  assert.deepEqual(sortedJobs(m).map((j) => j.id), ['c', 'a', 'b', 'd']);
});

test('counts, progress and activity', () => {
  const m = new Map();
  applyJob(m, job('a', 'RUNNING', 0.5));
  applyJob(m, job('b', 'SUCCEEDED', 0.999));
  applyJob(m, job('c', 'FAILED', 0.3));
  assert.deepEqual(countByState(m), { QUEUED: 0, RUNNING: 1, SUCCEEDED: 1, FAILED: 1, CANCELLED: 0 });
  assert.equal(progressPercent(job('x', 'RUNNING', 0.999)), 99, 'a running job never shows 100');
  assert.equal(progressPercent(job('x', 'SUCCEEDED', 0.999)), 100);
  assert.equal(progressPercent(job('x', 'RUNNING', 1.7)), 100);
  assert.equal(progressPercent(job('x', 'QUEUED', undefined)), 0);
  assert.equal(isActive(job('x', 'QUEUED')), true);
  assert.equal(isActive(job('x', 'CANCELLED')), false);
  assert.equal(isFinal('FAILED'), true);
  assert.equal(isFinal('RUNNING'), false);
});
