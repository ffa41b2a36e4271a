package dev.neghash.api.job;

import dev.neghash.engine.Progress;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A job held in memory: its manifest (changed only by {@link JobService} under this object's
 * monitor), live progress, and the cancel flag the engine polls at chunk boundaries.
 */
final class Job implements Progress {

  private volatile JobManifest manifest;
  private final Path dir;
  private final AtomicLong done = new AtomicLong();
  private volatile long total = 1;
  private volatile String phase;
  private volatile double phaseStart;
  private volatile double phaseWeight;
  private volatile long phaseStartNanos;
  private volatile long runStartNanos;
  private volatile String cancelReason;
  private volatile boolean shutdown;
  private volatile long published = -1;

  Job(JobManifest manifest, Path dir) {
    this.manifest = manifest;
    this.dir = dir;
    this.phase = manifest.state() == JobState.QUEUED ? "queued" : manifest.state().isFinal() ? "done" : "running";
  }

  JobManifest manifest() {
    return manifest;
  }

  void manifest(JobManifest m) {
    this.manifest = m;
    if (m.state().isFinal()) {
      phase = "done";
    }
  }

  String id() {
    return manifest.id();
  }

  Path dir() {
    return dir;
  }

  Path resultDir() {
    return dir.resolve("result");
  }

  /** Marks the start of running. */
  void started() {
    runStartNanos = System.nanoTime();
  }

  /**
   * Enters a phase that covers {@code [start, start + weight)} of the whole job and counts {@code
   * units} of work.
   */
  void phase(String name, double start, double weight, long units) {
    checkCancelled();
    done.set(0);
    total = Math.max(1, units);
    phaseStart = start;
    phaseWeight = weight;
    phaseStartNanos = System.nanoTime();
    phase = name;
  }

  @Override
  public void advance(long units) {
    done.addAndGet(units);
  }

  @Override
  public boolean cancelled() {
    return cancelReason != null;
  }

  /** Asks the running computation to stop; {@code byShutdown} makes it end FAILED rather than CANCELLED. */
  void requestCancel(String reason, boolean byShutdown) {
    this.shutdown = byShutdown;
    this.cancelReason = reason;
  }

  String cancelReason() {
    return cancelReason;
  }

  boolean cancelledByShutdown() {
    return shutdown;
  }

  /** Units done in the current phase. */
  long done() {
    return done.get();
  }

  /** The view the API and the event stream show. */
  JobView view() {
    JobManifest m = manifest;
    double progress;
    Double rate = null;
    Double eta = null;
    switch (m.state()) {
      case QUEUED -> progress = 0;
      case SUCCEEDED -> progress = 1;
      case RUNNING -> {
        double f = Math.min(1.0, (double) done.get() / total);
        progress = Math.min(0.999, phaseStart + phaseWeight * f);
        long now = System.nanoTime();
        double phaseSecs = (now - phaseStartNanos) / 1e9;
        if (phaseSecs > 0.05 && done.get() > 0) {
          rate = done.get() / phaseSecs;
        }
        double runSecs = (now - runStartNanos) / 1e9;
        if (progress > 0.01 && runSecs > 0.2) {
          eta = runSecs * (1 - progress) / progress;
        }
      }
      default -> progress = lastProgress();
    }
    return new JobView(m.id(), m.datasetId(), m.params().snapshotId(), m.state(), phase, progress, rate, eta,
        cancelReason != null && !m.state().isFinal(), m.params(), m.createdAt(), m.startedAt(), m.finishedAt(),
        m.error(), m.result());
  }

  private double lastProgress() {
    return runStartNanos == 0 ? 0 : Math.min(0.999, phaseStart + phaseWeight * Math.min(1.0, (double) done.get() / total));
  }

  /** A fingerprint of the progress, so unchanged progress is not published twice. */
  long progressStamp() {
    return done.get() * 31 + phase.hashCode();
  }

  boolean markPublished(long stamp) {
    if (stamp == published) {
      return false;
    }
    published = stamp;
    return true;
  }
}
