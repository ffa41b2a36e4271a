package dev.neghash.api;

import static dev.neghash.api.DatasetApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.neghash.api.job.JobState;
import dev.neghash.api.job.JobView;
import dev.neghash.engine.io.Npy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;

/** Controller tests of item previews, label names, the epoch history, label summaries and exact neighbours. */
@WebMvcTest
class PreviewsHistoryApiTest extends ApiTestSupport {

  private static final int N = 120;
  private static final int D = 8;
  private static final int CLASSES = 4;
  private static final MediaType JSONL = MediaType.parseMediaType("application/x-ndjson");

  private String labelled() {
    String ds = createDataset(D, 64);
    assertThat(putJson("/api/v1/datasets/" + ds + "/labels", labelsJson(N, CLASSES))).hasStatus(201);
    return ds;
  }

  private static byte[] images(int n, int h, int w, boolean rgb) {
    byte[] px = new byte[n * h * w * (rgb ? 3 : 1)];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) (i * 7);
    }
    long[] shape = rgb ? new long[] {n, h, w, 3} : new long[] {n, h, w};
    return Npy.bytes("|u1", shape, px);
  }

  private MvcTestResult putPreviews(String ds, MediaType type, byte[] body) {
    return mvc.put().uri("/api/v1/datasets/" + ds + "/previews").contentType(type).content(body).exchange();
  }

  @Test
  void imagePreviewsAndLabelNames() throws Exception {
    String ds = labelled();
    assertThat(json(mvc.get().uri("/api/v1/datasets/" + ds + "/previews").exchange()).get("kind").isNull()).isTrue();

    MvcTestResult r = putPreviews(ds, NPY, images(N, 5, 4, true));
    assertThat(r).hasStatus(201);
    JsonNode info = json(r);
    assertThat(info.get("kind").asString()).isEqualTo("image");
    assertThat(info.get("items").asInt()).isEqualTo(N);
    assertThat(info.get("height").asInt()).isEqualTo(5);
    assertThat(info.get("width").asInt()).isEqualTo(4);
    assertThat(info.get("channels").asInt()).isEqualTo(3);
    // Stored once: a second upload is refused and changes nothing.
    assertProblem(putPreviews(ds, NPY, images(N, 2, 2, false)), 409, "already-set", "already has previews");

    assertThat(putJson("/api/v1/datasets/" + ds + "/label-names", "[\"zero\",\"one\",\"two\",\"three\"]")).hasStatus(200);
    assertThat(putJson("/api/v1/datasets/" + ds + "/label-names", "{\"1\":\"first\",\"3\":\"third\"}")).hasStatus(200);

    JsonNode items = json(mvc.get().uri("/api/v1/datasets/" + ds + "/previews/items?ids=7,1").exchange());
    assertThat(items.get("kind").asString()).isEqualTo("image");
    JsonNode first = items.get("items").get(0);
    assertThat(first.get("id").asInt()).isEqualTo(7);
    assertThat(first.get("label").asInt()).isEqualTo(3);
    assertThat(first.get("labelName").asString()).isEqualTo("third");
    byte[] px = Base64.getDecoder().decode(first.get("pixels").asString());
    assertThat(px).hasSize(5 * 4 * 3);
    int row = 5 * 4 * 3;
    for (int i = 0; i < px.length; i++) {
      assertThat(px[i]).isEqualTo((byte) ((7 * row + i) * 7));
    }
    // Label 0 has no name since the names were replaced.
    JsonNode zero = json(mvc.get().uri("/api/v1/datasets/" + ds + "/previews/items?ids=0").exchange()).get("items").get(0);
    assertThat(zero.get("labelName").isNull()).isTrue();

    assertProblem(mvc.get().uri("/api/v1/datasets/" + ds + "/previews/items?ids=" + N).exchange(), 400, "invalid-input",
        "item 120 is outside 0..119");
    assertThat(mvc.delete().uri("/api/v1/datasets/" + ds + "/previews")).hasStatus(204);
    assertThat(putPreviews(ds, NPY, images(N, 2, 2, false))).hasStatus(201);
    assertThat(tmpEntries()).isEmpty();
  }

  @Test
  void imagePreviewRefusalsChangeNothing() throws Exception {
    String ds = createDataset(D, 64);
    assertProblem(putPreviews(ds, NPY, images(N, 2, 2, false)), 409, "size-unknown", "upload labels or a snapshot");
    assertThat(putJson("/api/v1/datasets/" + ds + "/labels", labelsJson(N, CLASSES))).hasStatus(201);
    assertProblem(putPreviews(ds, NPY, images(N - 1, 2, 2, false)), 400, "invalid-input",
        "119 image previews but the dataset has N = 120");
    assertProblem(putPreviews(ds, NPY, Npy.bytes("<f4", new long[] {N, 2, 2}, new byte[N * 16])), 400, "invalid-input",
        "must be uint8");
    assertProblem(putPreviews(ds, NPY, Npy.bytes("|u1", new long[] {N, 4}, new byte[N * 4])), 400, "invalid-input",
        "shape (N, h, w) or (N, h, w, 3)");
    assertProblem(putPreviews(ds, NPY, Npy.bytes("|u1", new long[] {N, 300, 2}, new byte[0])), 400, "invalid-input",
        "between 1 and 256");
    byte[] truncated = images(N, 3, 3, false);
    assertProblem(putPreviews(ds, NPY, java.util.Arrays.copyOf(truncated, truncated.length - 5)), 400, "invalid-input",
        "needs " + N * 9);
    assertThat(json(mvc.get().uri("/api/v1/datasets/" + ds + "/previews").exchange()).get("kind").isNull()).isTrue();
    assertThat(Files.exists(store.root().resolve("datasets").resolve(ds).resolve("previews.npy"))).isFalse();
    assertThat(tmpEntries()).isEmpty();
    assertProblem(putJson("/api/v1/datasets/" + ds + "/label-names", "{\"x\":\"a\"}"), 400, "invalid-input",
        "'x' is not an integer label");
    assertProblem(putJson("/api/v1/datasets/" + ds + "/label-names", "[1, 2]"), 400, "invalid-input", "must be a string");
    assertThat(json(mvc.get().uri("/api/v1/datasets/" + ds + "/previews").exchange()).get("labelNames").isNull()).isTrue();
  }

  @Test
  void textPreviews() throws Exception {
    String ds = labelled();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < N; i++) {
      b.append(i % 2 == 0 ? "\"item " + i + " \\u00e9\"" : "{\"text\":\"line " + i + "\",\"extra\":1}").append('\n');
    }
    assertProblem(putPreviews(ds, JSONL, "\"only one\"\n".getBytes(StandardCharsets.UTF_8)), 400, "invalid-input",
        "1 lines of text previews but the dataset has N = 120");
    assertProblem(putPreviews(ds, JSONL, b.toString().replace("\"item 4 \\u00e9\"", "{\"t\":1}")
        .getBytes(StandardCharsets.UTF_8)), 400, "invalid-input", "line 5 must be a JSON string");
    MvcTestResult r = putPreviews(ds, JSONL, b.toString().getBytes(StandardCharsets.UTF_8));
    assertThat(r).hasStatus(201);
    assertThat(json(r).get("kind").asString()).isEqualTo("text");
    JsonNode items = json(mvc.get().uri("/api/v1/datasets/" + ds + "/previews/items?ids=4,119,0").exchange()).get("items");
    assertThat(items.get(0).get("text").asString()).isEqualTo("item 4 é");
    assertThat(items.get(1).get("text").asString()).isEqualTo("line 119");
    assertThat(items.get(2).get("text").asString()).isEqualTo("item 0 é");
    assertThat(items.get(1).get("pixels").isNull()).isTrue();
  }

  @Test
  void historyLabelsAndExactNeighbours() throws Exception {
    String ds = labelled();
    List<String> snaps = new ArrayList<>();
    List<String> jobIds = new ArrayList<>();
    for (int e = 0; e < 3; e++) {
      snaps.add(uploadOk(ds, clustered(N, D, CLASSES, 10 + e), N, D, e != 1));
      String body = e != 1 ? "{\"k\":10,\"negatives\":4,\"qualitySample\":30}" : "{\"k\":10,\"negatives\":4}";
      MvcTestResult r = mvc.post().uri("/api/v1/datasets/" + ds + "/jobs").contentType(MediaType.APPLICATION_JSON)
          .content(body).exchange();
      assertThat(r).hasStatus(202);
      JobView v = await(json(r).get("id").asString());
      assertThat(v.state()).isEqualTo(JobState.SUCCEEDED);
      jobIds.add(v.id());
    }
    JsonNode h = json(mvc.get().uri("/api/v1/dashboard/datasets/" + ds + "/history").exchange());
    JsonNode epochs = h.get("epochs");
    assertThat(epochs).hasSize(3);
    for (int e = 0; e < 3; e++) {
      JsonNode ep = epochs.get(e);
      JobView v = jobs.get(jobIds.get(e));
      assertThat(ep.get("epoch").asInt()).isEqualTo(e + 1);
      assertThat(ep.get("snapshotId").asString()).isEqualTo(snaps.get(e));
      assertThat(ep.get("succeededJobs").asInt()).isEqualTo(1);
      JsonNode j = ep.get("job");
      assertThat(j.get("jobId").asString()).isEqualTo(v.id());
      assertThat(j.get("shortAnchors").asInt()).isEqualTo(v.result().shortAnchors());
      assertThat(j.get("totalSeconds").asDouble()).isEqualTo(v.result().totalSeconds());
      JsonNode plots = json(mvc.get().uri("/api/v1/dashboard/jobs/" + v.id() + "/plots").exchange());
      assertThat(j.get("negativesMeanHamming").asDouble()).isEqualTo(plots.get("negativesMeanHamming").asDouble());
      assertThat(j.get("randomMeanHamming").asDouble()).isEqualTo(plots.get("randomMeanHamming").asDouble());
      if (e == 1) {
        assertThat(j.get("overlap").isNull()).isTrue();
      } else {
        assertThat(j.get("overlap").asDouble()).isEqualTo(v.result().quality().overlap(), within(0.0));
      }
    }

    JsonNode labels = json(mvc.get().uri("/api/v1/dashboard/datasets/" + ds + "/labels").exchange());
    assertThat(labels.get("classes").asInt()).isEqualTo(CLASSES);
    assertThat(labels.get("largestClass").asInt()).isEqualTo(N / CLASSES);

    // Exact neighbours of row 5 of the last job, against a brute-force cosine over the same rows.
    float[] x = clustered(N, D, CLASSES, 12);
    JsonNode ex = json(mvc.get().uri("/api/v1/dashboard/jobs/" + jobIds.get(2) + "/rows/5/exact?count=6").exchange());
    assertThat(ex.get("anchor").asInt()).isEqualTo(5);
    assertThat(ex.get("candidates").asInt()).isEqualTo(N - N / CLASSES);
    Integer[] order = new Integer[N];
    double[] cos = new double[N];
    for (int c = 0; c < N; c++) {
      order[c] = c;
      double dot = 0;
      double na = 0;
      double nc = 0;
      for (int i = 0; i < D; i++) {
        dot += (double) x[5 * D + i] * x[c * D + i];
        na += (double) x[5 * D + i] * x[5 * D + i];
        nc += (double) x[c * D + i] * x[c * D + i];
      }
      cos[c] = dot / Math.sqrt(na * nc);
    }
    List<Integer> want = java.util.Arrays.stream(order).filter(c -> c % CLASSES != 5 % CLASSES)
        .sorted((p, q) -> Double.compare(cos[q], cos[p])).limit(6).toList();
    List<Integer> got = new ArrayList<>();
    for (JsonNode nb : ex.get("neighbours")) {
      got.add(nb.get("id").asInt());
      assertThat(nb.get("cosine").asDouble()).isCloseTo(cos[nb.get("id").asInt()], within(1e-9));
    }
    assertThat(got).isEqualTo(want);

    assertProblem(mvc.get().uri("/api/v1/dashboard/jobs/" + jobIds.get(1) + "/rows/5/exact").exchange(), 409,
        "no-floats", "without keepFloats=true");
    assertProblem(mvc.get().uri("/api/v1/dashboard/jobs/" + jobIds.get(2) + "/rows/" + N + "/exact").exchange(), 404,
        "not-found", "row 120 is past the last row (119)");
    assertProblem(mvc.get().uri("/api/v1/dashboard/jobs/" + jobIds.get(2) + "/rows/0/exact?count=0").exchange(), 400,
        "invalid-input", "count must be between 1 and 128");
  }
}
