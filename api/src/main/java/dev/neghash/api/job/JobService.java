package dev.neghash.api.job;

import dev.neghash.api.NeghashProperties;
import dev.neghash.api.dataset.Dataset;
import dev.neghash.api.dataset.DatasetService;
import dev.neghash.api.dataset.SnapshotUsage;
import dev.neghash.api.storage.DataStore;
import dev.neghash.api.storage.Ids;
import dev.neghash.api.problem.ServiceException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Service;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Mining jobs: admission (at most {@code concurrency + queueCapacity} unfinished jobs, then a
 * busy refusal), a bounded executor, lookup, cancellation, deletion and event streams, and
 * shutdown: queued jobs fail at once and running ones get a grace period, then fail. The pieces
 * live beside it: {@link JobParameters} (request checks and defaults), {@link JobExecution} (a
 * job's run and every state move), {@link JobRecovery} (start-up), {@link JobRunner} (the engine
 * work and result files).
 *
 * <p>About 320 lines, most of them admission, lookup and the shutdown sequence, which share the
 * job table and the executor.
 */
@Service
public class JobService extends FlagLifecycle implements SnapshotUsage {

  private static final Logger log = LoggerFactory.getLogger(JobService.class);

  /** The error of jobs found unfinished at start-up. */
  public static final String INTERRUPTED_BY_RESTART = JobRecovery.INTERRUPTED_BY_RESTART;

  private final NeghashProperties props;
  private final DataStore store;
  private final DatasetService datasets;
  private final JobEvents events;
  private final JobExecution execution;
  private final Map<String, Job> jobs;
  private final Semaphore admission;
  private final ThreadPoolExecutor executor;
  private final ScheduledExecutorService ticker;
  private volatile boolean accepting = true;

  JobService(NeghashProperties props, DataStore store, DatasetService datasets, JobEvents events,
      ObjectProvider<MeterRegistry> meters) {
    this.props = props;
    this.store = store;
    this.datasets = datasets;
    this.events = events;
    int workers = props.jobs().concurrency();
    this.admission = new Semaphore(workers + props.jobs().queueCapacity());
    AtomicInteger tn = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
        r -> new Thread(r, "neghash-job-" + tn.incrementAndGet()));
    MeterRegistry reg = meters.getIfAvailable(SimpleMeterRegistry::new);
    for (JobState s : JobState.values()) {
      Gauge.builder("neghash.jobs", this, js -> js.count(s)).tag("state", s.name())
          .description("Jobs by state").register(reg);
    }
    this.execution = new JobExecution(store, events, new JobRunner(datasets, props.threads(), props.jobs().searchBlock()),
        Counter.builder("neghash.mining.anchors").description("Anchors searched by finished jobs").register(reg),
        Timer.builder("neghash.job.duration").description("Wall time of jobs that ran").register(reg));
    Gauge.builder("neghash.mining.throughput", this, js -> js.execution.lastThroughput()).baseUnit("anchors/s")
        .description("Search throughput of the last finished job").register(reg);
    this.jobs = JobRecovery.load(store);
    this.ticker = every(props.events().progressInterval(), "neghash-job-progress", this::publishProgress);
  }

  // ------------------------------------------------------------------ API

  /**
   * Validates a request against the dataset and queues the job.
   *
   * @throws ServiceException.NotFound for an unknown dataset or snapshot, 400 for parameters that do not fit
   *     the data, 429 when the queue is full, 503 while shutting down
   */
  public JobView submit(String datasetId, JobRequest r) throws IOException {
    Dataset d = datasets.require(datasetId);
    JobParams p = JobParameters.resolve(datasets, d, r);
    if (!accepting) {
      throw ServiceException.shuttingDown();
    }
    if (!admission.tryAcquire()) {
      throw ServiceException.busy("queue-full", "the job queue is full (" + props.jobs().concurrency() + " running, "
          + props.jobs().queueCapacity() + " queued); retry later", props.jobs().retryAfter());
    }
    boolean queued = false;
    try {
      String id = Ids.next("job");
      JobManifest m = new JobManifest(id, datasetId, p, JobState.QUEUED, Instant.now(), null, null, null, null);
      Path staging = store.newStaging("job-");
      Path dir = store.jobsDir().resolve(id);
      try {
        store.writeJson(staging.resolve("job.json"), m);
        store.commit(staging, dir);
      } catch (IOException | RuntimeException e) {
        DataStore.deleteQuietly(staging);
        throw e;
      }
      Job j = new Job(m, dir);
      jobs.put(id, j);
      executor.execute(() -> execution.execute(j, admission::release));
      queued = true;
      log.info("job {} queued on dataset {} snapshot {}: k={} negatives={} strategy={} mode={}", id, datasetId,
          p.snapshotId(), p.k(), p.negatives(), p.strategy(), p.mode());
      JobView v = j.view();
      events.publish(v);
      return v;
    } finally {
      if (!queued) {
        admission.release();
      }
    }
  }

  /** The job with this id. @throws ServiceException 404 */
  public JobView get(String id) {
    return require(id).view();
  }

  Job require(String id) {
    Job j = Ids.wellFormed(id) ? jobs.get(id) : null;
    if (j == null) {
      throw ServiceException.notFound("job", id);
    }
    return j;
  }

  /** Jobs, newest first, optionally of one dataset and/or in one state. */
  public List<JobView> list(String datasetId, JobState state) {
    List<Job> all = new ArrayList<>(jobs.values());
    all.sort(Comparator.comparing((Job j) -> j.manifest().createdAt()).reversed().thenComparing(Job::id));
    List<JobView> out = new ArrayList<>();
    for (Job j : all) {
      JobManifest m = j.manifest();
      if ((datasetId == null || datasetId.equals(m.datasetId())) && (state == null || state == m.state())) {
        out.add(j.view());
      }
    }
    return out;
  }

  /**
   * Cancels a job: a queued one at once, a running one at its next chunk boundary.
   *
   * @throws ServiceException 409 when the job is already final
   */
  public JobView cancel(String id) throws IOException {
    Job j = require(id);
    synchronized (j) {
      JobState s = j.manifest().state();
      if (s == JobState.QUEUED) {
        execution.move(j, JobState.CANCELLED, "cancelled by request", null);
      } else {
        if (!s.canMoveTo(JobState.CANCELLED)) {
          throw JobExecution.illegal(s, JobState.CANCELLED);
        }
        j.requestCancel("cancelled by request", false);
      }
    }
    JobView v = j.view();
    events.publish(v);
    return v;
  }

  /** Deletes a final job and its results. @throws ServiceException 409 while it is unfinished */
  public void delete(String id) throws IOException {
    Job j = require(id);
    synchronized (j) {
      if (!j.manifest().state().isFinal()) {
        throw ServiceException.conflict("job-unfinished", "job " + id + " is " + j.manifest().state() + "; cancel it before deleting it");
      }
      jobs.remove(id);
      store.delete(j.dir());
    }
  }

  /** Opens an event stream for one job, or for all jobs when {@code id} is null. */
  public SseEmitter events(String id) {
    if (id != null) {
      return events.subscribe(id, List.of(require(id).view()));
    }
    return events.subscribe(null, list(null, null).stream().filter(v -> !v.state().isFinal()).toList());
  }

  /**
   * The result folder of a SUCCEEDED job (its files: {@link ResultFiles}).
   *
   * @throws ServiceException.NotFound for an unknown job
   * @throws ServiceException.Conflict when the job has not succeeded
   */
  public Path results(String id) {
    Job j = require(id);
    JobManifest m = j.manifest();
    if (m.state() != JobState.SUCCEEDED) {
      throw ServiceException.conflict("no-results", "job " + id + " is " + m.state() + "; results exist once it has SUCCEEDED");
    }
    return j.resultDir();
  }

  /** Jobs in a state. */
  int count(JobState s) {
    int c = 0;
    for (Job j : jobs.values()) {
      if (j.manifest().state() == s) {
        c++;
      }
    }
    return c;
  }

  @Override
  public boolean inUse(String datasetId, String snapshotId) {
    for (Job j : jobs.values()) {
      JobManifest m = j.manifest();
      if (!m.state().isFinal() && m.datasetId().equals(datasetId)
          && (snapshotId == null || snapshotId.equals(m.params().snapshotId()))) {
        return true;
      }
    }
    return false;
  }

  private void publishProgress() {
    try {
      for (Job j : jobs.values()) {
        if (j.manifest().state() == JobState.RUNNING && j.markPublished(j.progressStamp())) {
          events.publish(j.view());
        }
      }
    } catch (RuntimeException e) {
      log.warn("progress events failed: {}", e.toString());
    }
  }

  // ------------------------------------------------------------------ lifecycle

  /**
   * Not stopped when a context is only paused (as the test framework pauses cached contexts):
   * stopping fails queued jobs and ends the executor for good.
   */
  @Override
  public boolean isPauseable() {
    return false;
  }

  /** Stops before the web server does, so clients can still watch jobs finish. */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE;
  }

  @Override
  public void stop() {
    accepting = false;
    for (Job j : jobs.values()) {
      synchronized (j) {
        if (j.manifest().state() == JobState.QUEUED) {
          execution.fail(j, "the service shut down before the job started");
          events.publish(j.view());
        }
      }
    }
    executor.shutdown();
    try {
      long grace = props.jobs().shutdownGrace().toMillis();
      if (!executor.awaitTermination(grace, TimeUnit.MILLISECONDS)) {
        for (Job j : jobs.values()) {
          if (j.manifest().state() == JobState.RUNNING) {
            log.warn("job {} still running after the {} ms shutdown grace: stopping it", j.id(), grace);
            j.requestCancel("interrupted by shutdown", true);
          }
        }
        if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
          executor.shutdownNow();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ticker.shutdownNow();
    markStopped();
  }
}
