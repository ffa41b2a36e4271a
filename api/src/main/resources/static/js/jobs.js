// The dashboard's copy of the jobs: a map id -> job view (as GET /api/v1/jobs/{id} returns it),
// merged from the list endpoint and from the event stream, which may arrive in either order.
// Pure functions: tested with node --test (api/src/test/js/jobs.test.js).

/** States no job leaves. */
export const FINAL_STATES = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/** Whether a state is final. */
export function isFinal(state) {
  return FINAL_STATES.has(state);
}

/** Whether a job can still be cancelled. */
export function isActive(job) {
  return job.state === 'QUEUED' || job.state === 'RUNNING';
}

const RANK = { QUEUED: 0, RUNNING: 1, SUCCEEDED: 2, FAILED: 2, CANCELLED: 2 };

/**
 * Merges one job view into `jobs` (a Map) unless it is older than what is there: a job never
 * moves back from RUNNING to QUEUED or from a final state, and its progress never decreases
 * while it runs. A list fetched just before an event, or an event sent just before a list was
 * read, can otherwise undo a newer state. Returns true when the map changed.
 */
export function applyJob(jobs, view) {
  const old = jobs.get(view.id);
  if (old) {
    const ro = RANK[old.state] ?? 0;
    const rn = RANK[view.state] ?? 0;
    if (rn < ro) return false;
    if (rn === ro && ro === 1 && view.progress < old.progress) return false;
    if (ro === 2 && rn === 2 && old.state !== view.state) return false;
  }
  jobs.set(view.id, view);
  return true;
}

/**
 * Merges a complete list (GET /api/v1/jobs) into `jobs`: jobs missing from it were deleted and
 * are removed. Returns true when the map changed.
 */
export function applyList(jobs, list) {
  let changed = false;
  const seen = new Set();
  for (const v of list) {
    seen.add(v.id);
    changed = applyJob(jobs, v) || changed;
  }
  for (const id of [...jobs.keys()]) {
    if (!seen.has(id)) {
      jobs.delete(id);
      changed = true;
    }
  }
  return changed;
}

/** The jobs newest first (by creation time, then id, as the service lists them). */
export function sortedJobs(jobs) {
  return [...jobs.values()].sort((a, b) => {
    const t = Date.parse(b.createdAt) - Date.parse(a.createdAt);
    return t !== 0 ? t : (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });
}

/** Counts by state, for the summary line: {QUEUED: 1, RUNNING: 2, ...}. */
export function countByState(jobs) {
  const c = { QUEUED: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0, CANCELLED: 0 };
  for (const j of jobs.values()) c[j.state] = (c[j.state] || 0) + 1;
  return c;
}

/** Progress as a whole percentage for the bar; a SUCCEEDED job is 100 whatever its last tick said. */
export function progressPercent(job) {
  if (job.state === 'SUCCEEDED') return 100;
  const p = Math.max(0, Math.min(1, job.progress || 0));
  return Math.floor(p * 100);
}
