package dev.neghash.api;

import static dev.neghash.api.DatasetApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** An API key, small body limits, and what an unexpected server error looks like to a client. */
@WebMvcTest
@Import(ConfiguredLimitsTest.Broken.class)
@TestPropertySource(properties = {"neghash.api-key=s3cret-key", "neghash.uploads.max-bytes=4KB",
    "neghash.uploads.max-small-bytes=1KB"})
class ConfiguredLimitsTest extends ApiTestSupport {

  private static final String KEY = "X-API-Key";

  /** A controller inside the API's packages that fails in a way no client should see. */
  @RestController
  static class Broken {
    @GetMapping("/api/v1/test-broken")
    String broken() {
      throw new IllegalStateException("secret internal detail at /var/lib/neghash");
    }
  }

  @Test
  void everyApiCallNeedsTheKey() {
    assertProblem(mvc.get().uri("/api/v1/datasets").exchange(), 401, "unauthorized", "needs an API key in the X-API-Key header");
    assertProblem(mvc.get().uri("/api/v1/datasets").header(KEY, "wrong").exchange(), 401, "unauthorized", "not valid");
    assertProblem(mvc.post().uri("/api/v1/datasets").contentType(MediaType.APPLICATION_JSON).content("{\"dims\":4}").exchange(),
        401, "unauthorized", null);
    assertThat(mvc.get().uri("/api/v1/datasets").header(KEY, "s3cret-key")).hasStatusOk();
    assertThat(mvc.get().uri("/api/v1/jobs/job_aaaaaaaaaaaaaaaa").header(KEY, "s3cret-key")).hasStatus(404);
  }

  @Test
  void bodiesOverTheLimitsAre413AndStoreNothing() throws Exception {
    MvcTestResult c = mvc.post().uri("/api/v1/datasets").header(KEY, "s3cret-key").contentType(MediaType.APPLICATION_JSON)
        .content("{\"dims\":8,\"bits\":64}").exchange();
    String ds = json(c).get("id").asString();
    byte[] big = npyF32(clustered(200, 8, 2, 1), 200, 8, ByteOrder.LITTLE_ENDIAN);
    assertProblem(mvc.post().uri("/api/v1/datasets/" + ds + "/snapshots").header(KEY, "s3cret-key").contentType(NPY)
        .content(big).exchange(), 413, "too-large", "larger than the limit of 4 KB (4096 bytes)");
    StringBuilder labels = new StringBuilder("[");
    for (int i = 0; i < 600; i++) {
      labels.append(i > 0 ? "," : "").append(i % 2);
    }
    assertProblem(mvc.put().uri("/api/v1/datasets/" + ds + "/labels").header(KEY, "s3cret-key").contentType(MediaType.APPLICATION_JSON)
        .content(labels.append(']').toString()).exchange(), 413, "too-large",
        "larger than the limit of 1 KB (1024 bytes); the limit is configurable");
    assertThat(mvc.post().uri("/api/v1/datasets/" + ds + "/snapshots").header(KEY, "s3cret-key").contentType(NPY)
        .content(npyF32(clustered(20, 8, 2, 1), 20, 8, ByteOrder.LITTLE_ENDIAN))).hasStatus(201);
    MvcTestResult d = mvc.get().uri("/api/v1/datasets/" + ds).header(KEY, "s3cret-key").exchange();
    assertThat(json(d).get("snapshots").asInt()).isEqualTo(1);
    assertThat(json(d).get("labels").asBoolean()).isFalse();
    assertThat(tmpEntries()).allMatch(p -> p.getFileName().toString().equals("spill"));
  }

  @Test
  void internalErrorsShowAReferenceNotTheException() throws Exception {
    MvcTestResult r = mvc.get().uri("/api/v1/test-broken").header(KEY, "s3cret-key").exchange();
    assertProblem(r, 500, "internal", "the server log has the details under reference");
    assertThat(r.getResponse().getContentAsString()).doesNotContain("secret").doesNotContain("IllegalState").doesNotContain("/var/lib");
  }
}
