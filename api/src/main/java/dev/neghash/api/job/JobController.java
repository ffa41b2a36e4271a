package dev.neghash.api.job;

import dev.neghash.api.storage.NpyFiles;
import dev.neghash.engine.io.JsonResults;
import dev.neghash.api.problem.ServiceException;
import dev.neghash.api.web.MediaTypes;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.json.JsonMapper;

/** Mining jobs: launch, watch (polling or Server-Sent Events), cancel, and download results. */
@RestController
@Tag(name = "jobs", description = "Mining jobs, their progress and their results")
class JobController {

  private static final String JSON = MediaType.APPLICATION_JSON_VALUE;
  private static final String NPY = MediaTypes.NPY_VALUE;

  private final JobService jobs;
  private final JsonMapper json;

  JobController(JobService jobs, JsonMapper json) {
    this.jobs = jobs;
    this.json = json;
  }

  @PostMapping(path = "/api/v1/datasets/{id}/jobs", consumes = JSON, produces = JSON)
  @Operation(summary = "Launch a mining job on a snapshot (default: the newest); 202 with the job's Location")
  ResponseEntity<JobView> submit(@PathVariable String id, @Valid @RequestBody(required = false) JobRequest request)
      throws IOException {
    JobRequest r = request != null ? request
        : new JobRequest(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    JobView v = jobs.submit(id, r);
    return ResponseEntity.accepted().location(URI.create("/api/v1/jobs/" + v.id())).body(v);
  }

  @GetMapping(path = "/api/v1/jobs", produces = JSON)
  @Operation(summary = "List jobs, newest first")
  List<JobView> list(@RequestParam(required = false) String datasetId, @RequestParam(required = false) JobState state) {
    return jobs.list(datasetId, state);
  }

  @GetMapping(path = "/api/v1/jobs/{jobId}", produces = JSON)
  @Operation(summary = "Get a job: state, phase, progress, items per second, ETA, result summary")
  JobView get(@PathVariable String jobId) {
    return jobs.get(jobId);
  }

  @PostMapping(path = "/api/v1/jobs/{jobId}/cancel", produces = JSON)
  @Operation(summary = "Cancel a job: a queued one at once (200), a running one at its next chunk (202); 409 when final")
  ResponseEntity<JobView> cancel(@PathVariable String jobId) throws IOException {
    JobView v = jobs.cancel(jobId);
    return ResponseEntity.status(v.state() == JobState.CANCELLED ? HttpStatus.OK : HttpStatus.ACCEPTED).body(v);
  }

  @DeleteMapping("/api/v1/jobs/{jobId}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(summary = "Delete a finished job and its results (409 while it is queued or running)")
  void delete(@PathVariable String jobId) throws IOException {
    jobs.delete(jobId);
  }

  @GetMapping(path = "/api/v1/jobs/{jobId}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  @Operation(summary = "Server-Sent Events of one job: 'job' events carrying the job's JSON; ends after its final state")
  SseEmitter events(@PathVariable String jobId) {
    return jobs.events(jobId);
  }

  @GetMapping(path = "/api/v1/jobs/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  @Operation(summary = "Server-Sent Events of all jobs: 'job' events carrying each changed job's JSON")
  SseEmitter allEvents() {
    return jobs.events(null);
  }

  @GetMapping(path = "/api/v1/jobs/{jobId}/negatives", produces = JSON)
  @Operation(summary = "Negatives as JSON, one page of anchors at a time (Accept: application/x-npy for the int32 "
      + "matrix, application/x-ndjson for JSON Lines)")
  NegativesPage negativesPage(@PathVariable String jobId,
      @Parameter(description = "Page number, from 0") @RequestParam(defaultValue = "0") @Min(0) int page,
      @Parameter(description = "Anchors per page") @RequestParam(defaultValue = "100") @Min(1) @Max(10000) int size)
      throws IOException {
    Path dir = jobs.results(jobId);
    try (ResultReader r = new ResultReader(dir)) {
      int total = r.anchors();
      int pages = (total + size - 1) / size;
      long from = (long) page * size;
      if (from >= total && total > 0) {
        throw ServiceException.notFound("page " + page + " is past the last page (" + (pages - 1) + ")");
      }
      return new NegativesPage(jobId, page, size, total, pages, r.rows((int) from, (int) Math.min(total, from + size)));
    }
  }

  @GetMapping(path = "/api/v1/jobs/{jobId}/negatives", produces = NPY)
  @Operation(summary = "Negatives as an int32 .npy matrix (anchors x negatives, item ids, -1 padding)")
  ResponseEntity<Resource> negativesNpy(@PathVariable String jobId) {
    return MediaTypes.npyFile(jobs.results(jobId).resolve(ResultFiles.NEGATIVES), jobId + ".negatives.npy");
  }

  @GetMapping(path = "/api/v1/jobs/{jobId}/negatives", produces = MediaTypes.JSONL_VALUE)
  @Operation(summary = "Negatives as JSON Lines: one anchor per line, with labels")
  ResponseEntity<StreamingResponseBody> negativesJsonl(@PathVariable String jobId) {
    Path dir = jobs.results(jobId);
    StreamingResponseBody body = out -> {
      try (ResultReader r = new ResultReader(dir);
          Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
        int total = r.anchors();
        for (int from = 0; from < total; from += 1024) {
          for (NegativeRow row : r.rows(from, Math.min(total, from + 1024))) {
            row.line().appendTo(w);
          }
        }
      }
    };
    return ResponseEntity.ok().contentType(MediaTypes.JSONL).body(body);
  }

  @GetMapping(path = "/api/v1/jobs/{jobId}/negatives/hamming", produces = NPY)
  @Operation(summary = "Hamming distance of each negative, int32 .npy (anchors x negatives, -1 padding)")
  ResponseEntity<Resource> hamming(@PathVariable String jobId) {
    return MediaTypes.npyFile(jobs.results(jobId).resolve(ResultFiles.HAMMING), jobId + ".hamming.npy");
  }

  @GetMapping(path = "/api/v1/jobs/{jobId}/negatives/cosine", produces = NPY)
  @Operation(summary = "Estimated cosine of each negative, float32 .npy (anchors x negatives, NaN padding)")
  ResponseEntity<Resource> cosine(@PathVariable String jobId) {
    return MediaTypes.npyFile(jobs.results(jobId).resolve(ResultFiles.COSINE), jobId + ".cosine.npy");
  }

  @GetMapping(path = "/api/v1/jobs/{jobId}/anchors", produces = NPY)
  @Operation(summary = "Item id of each result row, int32 .npy (0..N-1, or the query items in mode queries)")
  ResponseEntity<Resource> anchors(@PathVariable String jobId) {
    return MediaTypes.npyFile(jobs.results(jobId).resolve(ResultFiles.ANCHORS), jobId + ".anchors.npy");
  }

  @GetMapping(path = "/api/v1/jobs/{jobId}/hard-positives", produces = NPY)
  @Operation(summary = "Hard positive of each anchor (farthest same-label item, -1 if none), int32 .npy")
  ResponseEntity<Resource> hardPositives(@PathVariable String jobId) {
    return MediaTypes.npyFile(file(jobId, ResultFiles.HARD_POSITIVES, "hard positives (set hardPositives)"),
        jobId + ".hard_positives.npy");
  }

  @GetMapping(path = "/api/v1/jobs/{jobId}/batches", produces = NPY)
  @Operation(summary = "The next epoch's batches as an int32 .npy matrix (batches x batchSize, item ids)")
  ResponseEntity<Resource> batchesNpy(@PathVariable String jobId) {
    return MediaTypes.npyFile(file(jobId, ResultFiles.BATCHES, "batches (set batchSize)"), jobId + ".batches.npy");
  }

  @GetMapping(path = "/api/v1/jobs/{jobId}/batches", produces = JSON)
  @Operation(summary = "The next epoch's batches as JSON: {batch_size, left_out, batches: [[ids...], ...]}")
  ResponseEntity<StreamingResponseBody> batchesJson(@PathVariable String jobId) throws IOException {
    Path f = file(jobId, ResultFiles.BATCHES, "batches (set batchSize)");
    JobResult res = jobs.get(jobId).result();
    StreamingResponseBody body = out -> {
      try (NpyFiles.Rows rows = new NpyFiles.Rows(f);
          Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
        int s = rows.cols();
        int leftOut = res.batchLeftOut() == null ? 0 : res.batchLeftOut();
        JsonResults.batches(w, s, leftOut, new java.util.Iterator<int[]>() {
          private long b;

          @Override
          public boolean hasNext() {
            return b < rows.rows();
          }

          @Override
          public int[] next() {
            try {
              java.nio.ByteBuffer bb = rows.read(b++, 1);
              int[] batch = new int[s];
              bb.asIntBuffer().get(batch);
              return batch;
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
        });
      }
    };
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
  }

  private Path file(String jobId, String name, String what) {
    Path f = jobs.results(jobId).resolve(name);
    if (!Files.isRegularFile(f)) {
      throw ServiceException.notFound("job " + jobId + " has no " + what);
    }
    return f;
  }
}
