package dev.neghash.api.job;

import dev.neghash.api.storage.DataStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the stored jobs at start-up. A job that was queued or running when the service stopped is
 * not run again (its inputs are intact; the client submits it again): it is marked FAILED with
 * {@link #INTERRUPTED_BY_RESTART} and its partial result is removed.
 */
final class JobRecovery {

  private static final Logger log = LoggerFactory.getLogger(JobRecovery.class);

  /** The error of jobs found unfinished at start-up. */
  static final String INTERRUPTED_BY_RESTART = "interrupted by restart";

  private JobRecovery() {}

  /** Every stored job by id, unfinished ones failed first. */
  static Map<String, Job> load(DataStore store) {
    Map<String, Job> jobs = new ConcurrentHashMap<>();
    try {
      for (DataStore.Stored<JobManifest> stored : store.manifests(store.jobsDir(), "job.json", JobManifest.class)) {
        JobManifest m = stored.manifest();
        Job j = new Job(m, stored.dir());
        if (!m.state().isFinal()) {
          DataStore.deleteRecursively(j.resultDir());
          JobManifest failed = m.with(JobState.FAILED, m.startedAt(), Instant.now(), INTERRUPTED_BY_RESTART, null);
          store.writeJson(stored.dir().resolve("job.json"), failed);
          j.manifest(failed);
          log.warn("job {} was {} when the service stopped: now FAILED ({})", m.id(), m.state(), INTERRUPTED_BY_RESTART);
        }
        jobs.put(m.id(), j);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the jobs in " + store.jobsDir(), e);
    }
    log.info("{} jobs loaded", jobs.size());
    return jobs;
  }
}
