package dev.neghash.api.job;

import dev.neghash.api.problem.ServiceException;
import dev.neghash.api.storage.DataStore;
import dev.neghash.engine.InvalidInputException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one job on a worker thread and records every change of its state: the one place a job's
 * state moves ({@link #move}: check the move against {@link JobState}, write the manifest, then
 * update memory), including failure and cancellation.
 */
final class JobExecution {

  private static final Logger log = LoggerFactory.getLogger(JobExecution.class);

  private final DataStore store;
  private final JobEvents events;
  private final JobRunner runner;
  private final Counter anchorsMined;
  private final Timer jobTimer;
  private volatile double lastThroughput;

  JobExecution(DataStore store, JobEvents events, JobRunner runner, Counter anchorsMined, Timer jobTimer) {
    this.store = store;
    this.events = events;
    this.runner = runner;
    this.anchorsMined = anchorsMined;
    this.jobTimer = jobTimer;
  }

  /** Search throughput of the last job that succeeded, anchors per second. */
  double lastThroughput() {
    return lastThroughput;
  }

  /** Runs {@code j} if it is still queued; {@code done} runs last, whatever happened. */
  void execute(Job j, Runnable done) {
    try {
      run(j);
    } finally {
      done.run();
    }
  }

  private void run(Job j) {
    Path staging = null;
    long t0 = System.nanoTime();
    boolean ran = false;
    try {
      synchronized (j) {
        if (j.manifest().state() != JobState.QUEUED) {
          return; // cancelled or failed while it waited
        }
        move(j, JobState.RUNNING, null, null);
        j.started();
        ran = true;
      }
      events.publish(j.view());
      staging = store.newStaging("result-");
      JobResult r = runner.run(j, staging);
      synchronized (j) {
        if (j.cancelled()) {
          throw new CancellationException();
        }
        store.commit(staging, j.resultDir());
        staging = null;
        move(j, JobState.SUCCEEDED, null, r);
      }
      anchorsMined.increment(r.anchors());
      lastThroughput = r.anchorsPerSecond();
      log.info("job {} SUCCEEDED in {}s: {} anchors, search {}s ({} anchors/s)", j.id(),
          String.format("%.2f", r.totalSeconds()), r.anchors(), String.format("%.2f", r.searchSeconds()),
          String.format("%.0f", r.anchorsPerSecond()));
    } catch (CancellationException e) {
      finishAfterCancel(j);
    } catch (InvalidInputException | ServiceException e) {
      fail(j, e.getMessage());
    } catch (Throwable e) {
      if (j.cancelled() && rootIsCancellation(e)) {
        finishAfterCancel(j);
      } else {
        String ref = UUID.randomUUID().toString().substring(0, 8);
        log.error("job {} failed (reference {})", j.id(), ref, e);
        fail(j, "internal error; the server log has the details under reference " + ref);
      }
    } finally {
      DataStore.deleteQuietly(staging);
      if (ran) {
        jobTimer.record(Duration.ofNanos(System.nanoTime() - t0));
      }
    }
    if (ran) {
      events.publish(j.view());
    }
  }

  private static boolean rootIsCancellation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CancellationException || t instanceof InterruptedException) {
        return true;
      }
    }
    return false;
  }

  private void finishAfterCancel(Job j) {
    synchronized (j) {
      if (j.manifest().state() != JobState.RUNNING) {
        return;
      }
      try {
        if (j.cancelledByShutdown()) {
          move(j, JobState.FAILED, j.cancelReason(), null);
        } else {
          move(j, JobState.CANCELLED, j.cancelReason(), null);
        }
      } catch (IOException e) {
        log.error("cannot record the end of job {}", j.id(), e);
      }
    }
    log.info("job {} stopped: {}", j.id(), j.cancelReason());
  }

  void fail(Job j, String reason) {
    synchronized (j) {
      if (j.manifest().state().isFinal()) {
        return;
      }
      try {
        move(j, JobState.FAILED, reason, null);
      } catch (IOException e) {
        log.error("cannot record the failure of job {}", j.id(), e);
      }
    }
    log.info("job {} FAILED: {}", j.id(), reason);
  }

  /** The one place a job changes state: checks the move, writes the manifest, then updates memory. */
  void move(Job j, JobState to, String error, JobResult result) throws IOException {
    JobManifest m = j.manifest();
    if (!m.state().canMoveTo(to)) {
      throw illegal(m.state(), to);
    }
    Instant now = Instant.now();
    JobManifest next = m.with(to, to == JobState.RUNNING ? now : m.startedAt(), to.isFinal() ? now : null, error, result);
    store.writeJson(j.dir().resolve("job.json"), next);
    j.manifest(next);
  }

  static ServiceException illegal(JobState from, JobState to) {
    return ServiceException.conflict("illegal-transition", "a " + from + " job cannot move to " + to);
  }
}
