package dev.neghash.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neghash.api.support.Http;
import dev.neghash.api.support.Rows;
import dev.neghash.api.support.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Durability: the service runs as its own process, is killed with SIGKILL in the middle of an
 * upload and in the middle of a job, and is started again on the same data folder. What it had
 * reported as stored must be intact; the half upload must leave nothing; the running job must be
 * FAILED with "interrupted by restart".
 */
class CrashRecoveryTest {

  private static final Duration START = Duration.ofSeconds(180);
  private static final List<String> JVM = List.of("-Xmx512m");

  @TempDir Path tmp;

  @Test
  @Timeout(value = 12, unit = TimeUnit.MINUTES)
  void killedMidUploadAndMidJobRecoversCleanly() throws Exception {
    Path data = tmp.resolve("data");
    Path log = tmp.resolve("service.log");
    String ds;
    String sn;
    String job;
    byte[] negatives;
    String bigDs;

    // 1. Store a dataset, labels, a snapshot and a finished job.
    try (ServiceProcess s = ServiceProcess.start(data, log, JVM, List.of(), START)) {
      Http h = new Http(s.base());
      ds = h.postJson("/api/v1/datasets", Map.of("name", "crash", "dims", 16, "bits", 128)).json().get("id").asString();
      int n = 2000;
      StringBuilder labels = new StringBuilder("[");
      for (int i = 0; i < n; i++) {
        labels.append(i > 0 ? "," : "").append(i % 10);
      }
      assertThat(h.send("PUT", "/api/v1/datasets/" + ds + "/labels", "application/json",
          labels.append(']').toString().getBytes()).status()).isEqualTo(201);
      Http.Res up = h.send("POST", "/api/v1/datasets/" + ds + "/snapshots?rows=" + n, "application/octet-stream",
          new Rows(n, 16, 1, -1).readAllBytes());
      assertThat(up.status()).as(up.text()).isEqualTo(201);
      sn = up.json().get("id").asString();
      Http.Res sub = h.postJson("/api/v1/datasets/" + ds + "/jobs", Map.of("k", 16, "negatives", 4));
      assertThat(sub.status()).isEqualTo(202);
      job = sub.json().get("id").asString();
      assertThat(h.awaitJob(job, Duration.ofMinutes(2)).get("state").asString()).isEqualTo("SUCCEEDED");
      negatives = h.get("/api/v1/jobs/" + job + "/negatives", "application/x-npy").body();
      assertThat(negatives.length).isGreaterThan(n * 4 * 4);

      // A second dataset big enough that its job runs for a while.
      bigDs = h.postJson("/api/v1/datasets", Map.of("name", "big", "dims", 8, "bits", 1024)).json().get("id").asString();
      int big = 60_000;
      Http.Res bigUp = h.stream("/api/v1/datasets/" + bigDs + "/snapshots?rows=" + big, "application/octet-stream",
          () -> new Rows(big, 8, 2, -1));
      assertThat(bigUp.status()).as(bigUp.text()).isEqualTo(201);

      // 2. Start an upload that stalls half way, and kill the service while it is in progress.
      Rows stalling = new Rows(n, 16, 3, n * 16 * 4 / 2);
      CompletableFuture<Http.Res> pending = CompletableFuture.supplyAsync(() -> {
        try {
          return h.stream("/api/v1/datasets/" + ds + "/snapshots?rows=" + n, "application/octet-stream", () -> stalling);
        } catch (Exception e) {
          return null;
        }
      });
      assertThat(stalling.stalled().await(60, TimeUnit.SECONDS)).isTrue();
      awaitStagingFolder(data, Duration.ofSeconds(30));
      s.kill9();
      stalling.release();
      pending.cancel(true);
    }

    // 3. Restart: the half upload is gone, everything stored is intact. Then kill it mid-job.
    String bigJob;
    try (ServiceProcess s = ServiceProcess.start(data, log, JVM, List.of(), START)) {
      Http h = new Http(s.base());
      assertThat(tmpEntries(data)).isEmpty();
      JsonNode snaps = h.getJson("/api/v1/datasets/" + ds + "/snapshots");
      assertThat(snaps.size()).isEqualTo(1);
      assertThat(snaps.get(0).get("id").asString()).isEqualTo(sn);
      assertThat(h.getJson("/api/v1/datasets/" + ds).get("labels").asBoolean()).isTrue();
      assertThat(h.getJson("/api/v1/jobs/" + job).get("state").asString()).isEqualTo("SUCCEEDED");
      assertThat(h.get("/api/v1/jobs/" + job + "/negatives", "application/x-npy").body()).isEqualTo(negatives);

      Http.Res sub = h.postJson("/api/v1/datasets/" + bigDs + "/jobs", Map.of("k", 64));
      assertThat(sub.status()).isEqualTo(202);
      bigJob = sub.json().get("id").asString();
      long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      String state;
      do {
        Thread.sleep(50);
        state = h.getJson("/api/v1/jobs/" + bigJob).get("state").asString();
      } while (state.equals("QUEUED") && System.nanoTime() < end);
      assertThat(state).as("the big job must still be running when the service is killed").isEqualTo("RUNNING");
      s.kill9();
    }

    // 4. Restart: the interrupted job is FAILED with the documented reason and left no result.
    String stoppedJob;
    try (ServiceProcess s = ServiceProcess.start(data, log, JVM, List.of("--neghash.jobs.shutdown-grace=1s"), START)) {
      Http h = new Http(s.base());
      JsonNode j = h.getJson("/api/v1/jobs/" + bigJob);
      assertThat(j.get("state").asString()).isEqualTo("FAILED");
      assertThat(j.get("error").asString()).isEqualTo("interrupted by restart");
      assertThat(h.get("/api/v1/jobs/" + bigJob + "/negatives", "application/x-npy").status()).isEqualTo(409);
      assertThat(Files.exists(data.resolve("jobs").resolve(bigJob).resolve("result"))).isFalse();
      assertThat(h.get("/api/v1/jobs/" + job + "/negatives", "application/x-npy").body()).isEqualTo(negatives);
      assertThat(tmpEntries(data)).isEmpty();

      // 5. A graceful stop (SIGTERM) with a job still running past the grace period fails it cleanly.
      stoppedJob = h.postJson("/api/v1/datasets/" + bigDs + "/jobs", Map.of("k", 64)).json().get("id").asString();
      long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (h.getJson("/api/v1/jobs/" + stoppedJob).get("state").asString().equals("QUEUED") && System.nanoTime() < end) {
        Thread.sleep(50);
      }
      assertThat(s.stop(Duration.ofSeconds(90))).isIn(0, 143);
    }
    JsonNode stopped = tools.jackson.databind.json.JsonMapper.builder().build()
        .readTree(data.resolve("jobs").resolve(stoppedJob).resolve("job.json").toFile());
    assertThat(stopped.get("state").asString()).isEqualTo("FAILED");
    assertThat(stopped.get("error").asString()).isEqualTo("interrupted by shutdown");
    assertThat(tmpEntries(data)).isEmpty();
  }

  private static void awaitStagingFolder(Path data, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (tmpEntries(data).stream().anyMatch(p -> p.getFileName().toString().startsWith("upload-"))) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no upload in progress under " + data.resolve("tmp"));
  }

  private static List<Path> tmpEntries(Path data) throws Exception {
    try (Stream<Path> s = Files.list(data.resolve("tmp"))) {
      return s.toList();
    }
  }
}
