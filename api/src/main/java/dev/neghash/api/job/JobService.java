package dev.neghash.api.job;

import dev.neghash.api.NeghashProperties;
import dev.neghash.api.dataset.Dataset;
import dev.neghash.api.dataset.DatasetService;
import dev.neghash.api.dataset.SnapshotManifest;
import dev.neghash.api.dataset.SnapshotUsage;
import dev.neghash.api.storage.DataStore;
import dev.neghash.api.storage.Ids;
import dev.neghash.api.web.ApiException;
import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.search.SearchOptions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
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
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Mining jobs: admission (at most {@code concurrency + queueCapacity} unfinished jobs, then 429),
 * a bounded executor, the state machine of {@link JobState}, durable manifests, progress events,
 * and recovery: at start-up a job that was queued or running is marked FAILED ("interrupted by
 * restart"); at shutdown queued jobs fail at once and running ones get a grace period, then fail.
 */
@Service
public class JobService implements SnapshotUsage, SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(JobService.class);

  /** The error of jobs found unfinished at start-up. */
  public static final String INTERRUPTED_BY_RESTART = "interrupted by restart";

  private final NeghashProperties props;
  private final DataStore store;
  private final DatasetService datasets;
  private final JobEvents events;
  private final JobRunner runner;
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final Semaphore admission;
  private final ThreadPoolExecutor executor;
  private final ScheduledExecutorService ticker;
  private final Counter anchorsMined;
  private final Timer jobTimer;
  private volatile double lastThroughput;
  private volatile boolean accepting = true;
  private volatile boolean running;

  JobService(NeghashProperties props, DataStore store, DatasetService datasets, JobEvents events,
      ObjectProvider<MeterRegistry> meters) {
    this.props = props;
    this.store = store;
    this.datasets = datasets;
    this.events = events;
    this.runner = new JobRunner(datasets, props.threads());
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
    this.anchorsMined = Counter.builder("neghash.mining.anchors").description("Anchors searched by finished jobs").register(reg);
    this.jobTimer = Timer.builder("neghash.job.duration").description("Wall time of jobs that ran").register(reg);
    Gauge.builder("neghash.mining.throughput", this, js -> js.lastThroughput).baseUnit("anchors/s")
        .description("Search throughput of the last finished job").register(reg);
    recover();
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "neghash-job-progress");
      t.setDaemon(true);
      return t;
    });
    long every = props.events().progressInterval().toMillis();
    ticker.scheduleWithFixedDelay(this::publishProgress, every, every, TimeUnit.MILLISECONDS);
  }

  private void recover() {
    try {
      for (Path dir : store.idFolders(store.jobsDir())) {
        Path mf = dir.resolve("job.json");
        if (!Files.isRegularFile(mf)) {
          log.warn("ignoring {}: no job.json", dir);
          continue;
        }
        JobManifest m = store.readJson(mf, JobManifest.class);
        Job j = new Job(m, dir);
        if (!m.state().isFinal()) {
          DataStore.deleteRecursively(j.resultDir());
          JobManifest failed = m.with(JobState.FAILED, m.startedAt(), Instant.now(), INTERRUPTED_BY_RESTART, null);
          store.writeJson(mf, failed);
          j.manifest(failed);
          log.warn("job {} was {} when the service stopped: now FAILED ({})", m.id(), m.state(), INTERRUPTED_BY_RESTART);
        }
        jobs.put(m.id(), j);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the jobs in " + store.jobsDir(), e);
    }
    log.info("{} jobs loaded", jobs.size());
  }

  // ------------------------------------------------------------------ API

  /**
   * Validates a request against the dataset and queues the job.
   *
   * @throws ApiException 404 for an unknown dataset or snapshot, 400 for parameters that do not fit
   *     the data, 429 when the queue is full, 503 while shutting down
   */
  public JobView submit(String datasetId, JobRequest r) throws IOException {
    Dataset d = datasets.require(datasetId);
    JobParams p = resolve(d, r);
    if (!accepting) {
      throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "shutting-down", "the service is shutting down");
    }
    if (!admission.tryAcquire()) {
      throw ApiException.busy("queue-full", "the job queue is full (" + props.jobs().concurrency() + " running, "
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
      executor.execute(() -> execute(j));
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

  private JobParams resolve(Dataset d, JobRequest r) throws IOException {
    SnapshotManifest s = datasets.snapshot(d, r.snapshotId() == null ? "latest" : r.snapshotId());
    String mode = r.mode() == null ? "all" : r.mode();
    boolean queries = mode.equals("queries");
    int n = s.items();
    int candidates;
    if (queries) {
      if (!d.hasSplit()) {
        throw ApiException.badRequest("invalid-request", "mode 'queries' needs the dataset's query/reference split (PUT .../split)");
      }
      candidates = n - d.queries();
    } else {
      candidates = n - 1;
    }
    int k = r.k() == null ? Math.min(128, candidates) : r.k();
    if (k < 1 || k > candidates || k > SearchOptions.MAX_K) {
      throw new InvalidInputException("k must be between 1 and " + candidates + (queries ? " (the number of reference items)"
          : " (N - 1)") + ", got " + k);
    }
    int negatives = r.negatives() == null ? Math.min(8, k) : r.negatives();
    if (negatives > k) {
      throw new InvalidInputException("negatives (" + negatives + ") must not exceed k (" + k + ")");
    }
    int rankMin = r.rankMin() == null ? 0 : r.rankMin();
    int rankMax = r.rankMax() == null ? k : r.rankMax();
    if (rankMin >= Math.min(rankMax, k)) {
      throw new InvalidInputException("the rank window [rankMin, rankMax) = [" + rankMin + ", " + rankMax
          + ") must hold at least one rank below k = " + k);
    }
    boolean hard = Boolean.TRUE.equals(r.hardPositives());
    if (hard && !d.hasLabels()) {
      throw ApiException.badRequest("invalid-request", "hardPositives needs the dataset's labels (PUT .../labels)");
    }
    if (r.batchSize() != null) {
      if (queries) {
        throw ApiException.badRequest("invalid-request", "batches are built in mode 'all' only");
      }
      if (r.batchSize() > n) {
        throw new InvalidInputException("batchSize (" + r.batchSize() + ") exceeds the number of items (" + n + ")");
      }
      BatchJobs.checkFeasible(r, datasets.labels(d), n);
    } else if (r.itemsPerLabel() != null || r.randomShare() != null) {
      throw new InvalidInputException("itemsPerLabel and randomShare shape batches: set batchSize too");
    }
    if (r.qualitySample() != null) {
      if (!s.floatsKept()) {
        throw ApiException.badRequest("invalid-request", "a quality report needs the floats: upload the snapshot with keepFloats=true");
      }
      if (queries) {
        throw ApiException.badRequest("invalid-request", "the quality report is available in mode 'all' only");
      }
    }
    return new JobParams(s.id(), k, r.strategy() == null ? "top" : r.strategy(), negatives, rankMin, rankMax,
        r.maxCosine(), hard, r.batchSize(), r.batchNeighbours(), r.seed() == null ? 42 : r.seed(), mode,
        r.qualitySample(), r.itemsPerLabel(), r.randomShare());
  }

  /** The job with this id. @throws ApiException 404 */
  public JobView get(String id) {
    return require(id).view();
  }

  Job require(String id) {
    Job j = Ids.wellFormed(id) ? jobs.get(id) : null;
    if (j == null) {
      throw ApiException.notFound("job", id);
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
   * @throws ApiException 409 when the job is already final
   */
  public JobView cancel(String id) throws IOException {
    Job j = require(id);
    synchronized (j) {
      JobState s = j.manifest().state();
      if (s == JobState.QUEUED) {
        move(j, JobState.CANCELLED, "cancelled by request", null);
      } else {
        if (!s.canMoveTo(JobState.CANCELLED)) {
          throw illegal(s, JobState.CANCELLED);
        }
        j.requestCancel("cancelled by request", false);
      }
    }
    JobView v = j.view();
    events.publish(v);
    return v;
  }

  /** Deletes a final job and its results. @throws ApiException 409 while it is unfinished */
  public void delete(String id) throws IOException {
    Job j = require(id);
    synchronized (j) {
      if (!j.manifest().state().isFinal()) {
        throw ApiException.conflict("job-unfinished", "job " + id + " is " + j.manifest().state() + "; cancel it before deleting it");
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

  /** Result folder of a SUCCEEDED job. @throws ApiException 409 when it has not succeeded */
  Path results(String id) {
    Job j = require(id);
    JobManifest m = j.manifest();
    if (m.state() != JobState.SUCCEEDED) {
      throw ApiException.conflict("no-results", "job " + id + " is " + m.state() + "; results exist once it has SUCCEEDED");
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

  // ------------------------------------------------------------------ execution

  private void execute(Job j) {
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
    } catch (InvalidInputException | ApiException e) {
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
      admission.release();
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

  private void fail(Job j, String reason) {
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
  private void move(Job j, JobState to, String error, JobResult result) throws IOException {
    JobManifest m = j.manifest();
    if (!m.state().canMoveTo(to)) {
      throw illegal(m.state(), to);
    }
    Instant now = Instant.now();
    JobManifest next = m.with(to, to == JobState.RUNNING ? now : m.startedAt(), to.isFinal() ? now : null, error, result);
    store.writeJson(j.dir().resolve("job.json"), next);
    j.manifest(next);
  }

  private static ApiException illegal(JobState from, JobState to) {
    return ApiException.conflict("illegal-transition", "a " + from + " job cannot move to " + to);
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

  @Override
  public void start() {
    running = true;
  }

  @Override
  public boolean isRunning() {
    return running;
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
          fail(j, "the service shut down before the job started");
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
    running = false;
  }
}
