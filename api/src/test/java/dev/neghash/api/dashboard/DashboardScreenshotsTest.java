package dev.neghash.api.dashboard;

import dev.neghash.cli.FashionMnist;
import dev.neghash.engine.io.IdxImages;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neghash.api.support.Http;
import dev.neghash.engine.io.Npy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Writes the README's screenshots of the history view and of an anchor with image previews
 * ({@code docs/dashboard-history.png}, {@code docs/dashboard-anchor-previews.png}) from
 * Fashion-MNIST: the first 10,000 training images with their previews and class names, three
 * epochs whose embeddings are the pixel vectors plus Gaussian noise that shrinks from epoch to
 * epoch (standing in for a model that improves), one job with a quality report per epoch. Runs
 * only with {@code -Dneghash.docs.screenshots=true} and the Debian package dataset-fashion-mnist.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "neghash.threads=2", "neghash.jobs.concurrency=1"})
@Timeout(600)
class DashboardScreenshotsTest {

  private static final int N = 10_000;
  private static final double[] NOISE = {0.08, 0.05, 0.02};
  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry r) throws Exception {
    Tools.tempDataDir(r, "neghash-screenshots-");
  }

  @LocalServerPort int port;

  private Http http;

  private Http.Res send(String method, String path, String type, byte[] body) throws Exception {
    Http.Res r = http.send(method, "/" + path, type, body);
    assertThat(r.status()).as(path + ": " + r.text()).isBetween(200, 299);
    return r;
  }

  @Test
  void historyAndAnchorScreenshots() throws Exception {
    Assumptions.assumeTrue(Boolean.getBoolean("neghash.docs.screenshots"), "set -Dneghash.docs.screenshots=true");
    Assumptions.assumeTrue(FashionMnist.available(), "Fashion-MNIST not installed");
    http = new Http("http://127.0.0.1:" + port);
    IdxImages fm = FashionMnist.train().head(N);
    int d = FashionMnist.DIMS;
    String ds = send("POST", "api/v1/datasets", "application/json",
        "{\"name\":\"Fashion-MNIST (first 10,000)\",\"dims\":784,\"bits\":512}".getBytes(StandardCharsets.UTF_8))
        .json().get("id").asString();
    ByteBuffer lb = ByteBuffer.allocate(N * 4).order(ByteOrder.LITTLE_ENDIAN);
    lb.asIntBuffer().put(fm.labels(), 0, N);
    send("PUT", "api/v1/datasets/" + ds + "/labels", "application/x-npy", Npy.bytes("<i4", new long[] {N}, lb.array()));
    byte[] px = new byte[N * d];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) Math.round(fm.images()[i] * 255f);
    }
    send("PUT", "api/v1/datasets/" + ds + "/previews", "application/x-npy", Npy.bytes("|u1", new long[] {N, 28, 28}, px));
    send("PUT", "api/v1/datasets/" + ds + "/label-names", "application/json",
        "[\"T-shirt/top\",\"Trouser\",\"Pullover\",\"Dress\",\"Coat\",\"Sandal\",\"Shirt\",\"Sneaker\",\"Bag\",\"Ankle boot\"]"
            .getBytes(StandardCharsets.UTF_8));
    String lastJob = null;
    for (int e = 0; e < NOISE.length; e++) {
      SplittableRandom r = new SplittableRandom(100 + e);
      ByteBuffer bb = ByteBuffer.allocate(N * d * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < N * d; i++) {
        bb.putFloat(fm.images()[i] + (float) (NOISE[e] * r.nextGaussian()));
      }
      send("POST", "api/v1/datasets/" + ds + "/snapshots?keepFloats=true", "application/x-npy",
          Npy.bytes("<f4", new long[] {N, d}, bb.array()));
      lastJob = send("POST", "api/v1/datasets/" + ds + "/jobs", "application/json",
          "{\"k\":32,\"negatives\":8,\"qualitySample\":500,\"hardPositives\":true}".getBytes(StandardCharsets.UTF_8))
          .json().get("id").asString();
      assertThat(http.awaitJob(lastJob, Duration.ofMinutes(5)).get("state").asString())
          .isEqualTo("SUCCEEDED");
    }

    Path docs = Path.of("..", "docs");
    try (HeadlessChromium chromium = HeadlessChromium.start()) {
      chromium.driver().manage().window().setSize(new Dimension(1366, 900));
      chromium.driver().get("http://127.0.0.1:" + port + "/#/datasets/" + ds + "/history");
      chromium.await(60, dr -> dr.findElements(By.cssSelector("#history-table tbody tr")).size() == NOISE.length);
      Thread.sleep(500);
      Files.copy(chromium.screenshot("docs-history"), docs.resolve("dashboard-history.png"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);

      chromium.driver().get("http://127.0.0.1:" + port + "/#/jobs/" + lastJob);
      chromium.await(60, dr -> dr.findElements(By.cssSelector("#anchor-lsh figure.tile")).size() > 1);
      chromium.showAnchor(42, 60, "Row 42 ");
      chromium.await(60, dr -> dr.findElements(By.cssSelector("#anchor-exact figure.tile")).size() == 8);
      chromium.js("document.getElementById('anchor-card').scrollIntoView()");
      Thread.sleep(300);
      Files.copy(chromium.screenshot("docs-anchor-previews"), docs.resolve("dashboard-anchor-previews.png"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      assertThat(chromium.scriptErrors()).isEmpty();
    }
  }
}
