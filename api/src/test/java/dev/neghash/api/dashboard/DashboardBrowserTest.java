package dev.neghash.api.dashboard;

import dev.neghash.api.support.TestData;
import dev.neghash.engine.Defaults;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neghash.engine.io.Npy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard in a real headless Chromium against the running service on a random loopback
 * port: empty states, an upload by file chooser and drag and drop, a job watched to 100% through
 * the event stream, its detail page with the plots drawn, an error from the service shown as the
 * service wrote it, and a second job cancelled from the table. The steps run in order on one page
 * and leave screenshots in target/screenshots.
 *
 * <p>About 370 lines: the steps run in order on one page, each building on the previous one's
 * state, so they stay in one class.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "neghash.threads=2",
    "neghash.jobs.concurrency=1",
    "neghash.events.progress-interval=100ms",
    // Far beyond the waits below: the stream must show itself open without a heartbeat's help.
    "neghash.events.heartbeat=10m"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(240)
class DashboardBrowserTest {

  private static final int N = 20_000;
  private static final int D = 64;
  private static final int CLASSES = 10;

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry r) throws Exception {
    Tools.tempDataDir(r, "neghash-browser-test-");
  }

  @LocalServerPort int port;

  private HeadlessChromium chromium;
  private Path files;
  private String jobId;

  @BeforeAll
  void start() throws Exception {
    chromium = HeadlessChromium.start();
    files = Tools.tempDir("neghash-browser-files-");
  }

  @AfterAll
  void stop() throws Exception {
    if (chromium != null) {
      chromium.close();
    }
  }

  private String base() {
    return "http://127.0.0.1:" + port + "/";
  }

  /** Seeded clustered embeddings (item i in cluster i % CLASSES) and their labels. */
  private static float[] clustered(int n, int d, long seed) {
    return TestData.clustered(n, d, CLASSES, 0.7f, new SplittableRandom(seed));
  }

  private static byte[] labelsNpy(int n) {
    ByteBuffer bb = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      bb.putLong(i % CLASSES);
    }
    return Npy.bytes("<i8", new long[] {n}, bb.array());
  }

  private String text(String id) {
    return chromium.byId(id).getText();
  }

  private WebElement row(String job) {
    return chromium.driver().findElement(By.cssSelector("tr[data-job-id='" + job + "']"));
  }

  @Test
  @Order(1)
  void opensWithEmptyStatesAndGoesLive() throws Exception {
    chromium.driver().get(base());
    assertThat(chromium.viewport()).containsEntry("width", (long) HeadlessChromium.WIDTH);
    chromium.await(30, d -> "live".equals(chromium.byId("live").getDomAttribute("data-status")));
    chromium.await(10, d -> chromium.byId("datasets-empty").isDisplayed());
    assertThat(text("datasets-empty")).startsWith("No datasets yet.");
    assertThat(chromium.byId("jobs-empty").isDisplayed()).isTrue();
    assertThat(chromium.byId("start-empty").isDisplayed()).isTrue();
    assertThat(chromium.byId("jobs-table").isDisplayed()).isFalse();
    assertThat(text("live")).isEqualTo("Live");
    // Every asset came from this service: Chart.js from its WebJar.
    assertThat(chromium.js("return typeof Chart === 'function' && Chart.version")).isEqualTo("4.5.1");
    chromium.screenshot("01-empty");
  }

  @Test
  @Order(2)
  void uploadChecksTheFilesThenStoresTheDataset() throws Exception {
    Path emb = files.resolve("clusters.npy");
    Npy.writeFloat32(emb, clustered(N, D, 3), N, D);

    // Embeddings through the file chooser (the drop zone's input), labels by drag and drop.
    chromium.byId("up-embeddings").sendKeys(emb.toAbsolutePath().toString());
    chromium.await(10, d -> text("up-embeddings-info").contains("20,000 × 64"));
    // Labels of the wrong length are refused in the page, before anything is sent.
    chromium.dropFile("drop-labels", "labels.npy", labelsNpy(N - 1));
    chromium.await(10, d -> text("up-labels-info").contains("19,999 labels"));
    chromium.byId("up-submit").click();
    chromium.await(10, d -> chromium.byId("up-error").isDisplayed());
    assertThat(text("up-error")).isEqualTo("labels: 19999 labels for 20000 embedding rows; they must match");
    assertThat(chromium.js("return document.querySelectorAll('#datasets article').length")).isEqualTo(0L);

    chromium.dropFile("drop-labels", "labels.npy", labelsNpy(N));
    chromium.await(10, d -> text("up-labels-info").contains("20,000 labels (<i8)"));
    assertThat(chromium.byId("up-error").isDisplayed()).isFalse();
    chromium.byId("up-name").sendKeys("browser clusters");
    new Select(chromium.byId("up-bits")).selectByVisibleText("256");
    chromium.byId("up-submit").click();
    chromium.await(60, d -> text("up-status").startsWith("Stored browser clusters"));

    WebElement card = chromium.await(10, d -> d.findElement(By.cssSelector("#datasets article.dataset")));
    assertThat(card.getText()).contains("browser clusters", "N 20,000", "d 64", "bits 256", "labels yes");
    // 256-bit codes are 32 B per item against 256 B of float32.
    assertThat(card.findElement(By.cssSelector(".saving")).getText())
        .isEqualTo("Codes take 32 B per item against 256 B as float32: 8.0× smaller.");
    List<WebElement> cells = card.findElements(By.cssSelector("table.snapshots tbody tr td"));
    assertThat(cells.get(0).getText()).startsWith("1").contains("floats");
    assertThat(cells.get(2).getText()).isEqualTo("20,000");
    assertThat(cells.get(4).getText()).isEqualTo("4.9 MiB");
    // The job form now offers the new dataset with defaults that fit it.
    assertThat(new Select(chromium.byId("jf-dataset")).getFirstSelectedOption().getText()).startsWith("browser clusters");
    assertThat(chromium.byId("jf-k").getDomProperty("value")).isEqualTo("128");
    assertThat(chromium.byId("jf-quality").getDomProperty("value")).isEqualTo(String.valueOf(Defaults.QUALITY_SAMPLE));
    chromium.screenshot("02-uploaded");
  }

  @Test
  @Order(3)
  void serviceRefusalsShowTheirProblemDetail() throws Exception {
    WebElement k = chromium.byId("jf-k");
    k.clear();
    k.sendKeys("50000");
    chromium.byId("jf-submit").click();
    chromium.await(20, d -> chromium.byId("jf-error").isDisplayed());
    assertThat(text("jf-error")).isEqualTo("k must be between 1 and 19999 (N - 1), got 50000");
    chromium.screenshot("03-error");
    k.clear();
    k.sendKeys("64");
  }

  @Test
  @Order(4)
  void jobReaches100PercentThroughLiveUpdates() throws Exception {
    // Record, in the page, every request it makes and every state and progress value it shows
    // from now on, so the test can tell live updates from reloads or polling.
    chromium.js("""
        window.__marker = 'same page';
        window.__requests = [];
        const realFetch = window.fetch;
        window.fetch = (url, init) => {
          window.__requests.push(((init && init.method) || 'GET') + ' ' + url);
          return realFetch(url, init);
        };
        window.__states = [];
        window.__progress = [];
        new MutationObserver((records) => {
          for (const r of records) {
            const el = r.target;
            if (r.type === 'attributes' && el.getAttribute('role') === 'progressbar') {
              window.__progress.push(el.closest('tr').dataset.jobId + ' ' + el.getAttribute('aria-valuenow'));
            }
            for (const n of r.addedNodes || []) {
              const badge = n.classList && n.classList.contains('state') ? n
                : n.querySelector ? n.querySelector('.state') : null;
              if (badge) window.__states.push(badge.closest('tr').dataset.jobId + ' ' + badge.textContent);
            }
          }
        }).observe(document.querySelector('#jobs-table tbody'),
          { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
        """);
    chromium.byId("jf-submit").click();
    WebElement link = chromium.await(20, d -> d.findElement(By.cssSelector("#jf-status a")));
    jobId = link.getDomAttribute("href").substring("#/jobs/".length());
    assertThat(jobId).matches("job_[a-z2-7]{16}");

    WebElement bar = row(jobId).findElement(By.cssSelector("[role=progressbar]"));
    chromium.await(90, d -> "100".equals(bar.getDomAttribute("aria-valuenow")));
    chromium.await(10, d -> row(jobId).findElement(By.cssSelector(".state")).getText().equals("SUCCEEDED"));
    assertThat(row(jobId).findElement(By.cssSelector(".p-text")).getText()).isEqualTo("100%");
    assertThat(row(jobId).findElement(By.cssSelector(".c-rate")).getText()).endsWith("/s");
    assertThat(row(jobId).findElement(By.cssSelector(".c-elapsed")).getText()).isNotEqualTo("–");

    assertThat(chromium.js("return window.__marker")).as("the page was not reloaded").isEqualTo("same page");
    @SuppressWarnings("unchecked")
    List<String> requests = (List<String>) chromium.js("return window.__requests");
    // The only call after the start is the start itself: the states came over the event stream.
    assertThat(requests).containsExactly("POST api/v1/datasets/" + chromium.js(
        "return document.getElementById('jf-dataset').value") + "/jobs");
    @SuppressWarnings("unchecked")
    List<String> states = (List<String>) chromium.js("return window.__states");
    assertThat(states).contains(jobId + " RUNNING", jobId + " SUCCEEDED");
    assertThat(states.indexOf(jobId + " RUNNING")).isLessThan(states.indexOf(jobId + " SUCCEEDED"));
    @SuppressWarnings("unchecked")
    List<String> progress = (List<String>) chromium.js("return window.__progress");
    assertThat(progress).last().isEqualTo(jobId + " 100");
    System.out.println("progress values the table showed for " + jobId + ": " + progress.stream()
        .filter(p -> p.startsWith(jobId)).map(p -> p.substring(jobId.length() + 1)).distinct().toList());
    assertThat(chromium.byId("jobs-summary").getText()).startsWith("0 running · 0 queued · 1 succeeded");
    chromium.screenshot("04-job-succeeded");
  }

  @Test
  @Order(5)
  void jobDetailDrawsThePlots() throws Exception {
    row(jobId).findElement(By.cssSelector("a.details-link")).click();
    chromium.await(10, d -> chromium.byId("detail").isDisplayed());
    // Both charts exist, with data, and have painted something on their canvas.
    String chartState = """
        const c = Chart.getChart(document.getElementById(arguments[0]));
        if (!c) return null;
        const canvas = c.canvas;
        const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) painted++;
        return { datasets: c.data.datasets.length, bars: c.data.labels.length, painted,
          sums: c.data.datasets.map((s) => s.data.reduce((a, x) => a + x, 0)), labels: c.data.labels };
        """;
    @SuppressWarnings("unchecked")
    Map<String, Object> dist = (Map<String, Object>) chromium.await(30, d -> chromium.js(chartState, "dist-chart"));
    assertThat(dist.get("datasets")).isEqualTo(2L);
    assertThat((Long) dist.get("bars")).isBetween(5L, (long) JobPlotsService.MAX_BINS);
    assertThat((Long) dist.get("painted")).isGreaterThan(5000L);
    for (Object sum : (List<?>) dist.get("sums")) {
      assertThat(((Number) sum).doubleValue()).isCloseTo(100.0, org.assertj.core.api.Assertions.within(1e-6));
    }
    assertThat(((List<?>) dist.get("labels")).get(0).toString()).matches("\\d+(–\\d+)?");
    @SuppressWarnings("unchecked")
    Map<String, Object> overlap = (Map<String, Object>) chromium.await(10, d -> chromium.js(chartState, "overlap-chart"));
    assertThat(overlap.get("bars")).isEqualTo(2L);
    assertThat((Long) overlap.get("painted")).isGreaterThan(500L);
    chromium.js("window.scrollTo(0, 0)");
    chromium.screenshot("05-job-detail");

    String summary = chromium.driver().findElement(By.cssSelector(".d-dist-summary")).getText();
    assertThat(summary).matches("Mined negatives are at Hamming distance [0-9.]+ on average \\(estimated cosine [0-9.-]+\\); "
        + "random pairs at [0-9.]+ \\(estimated cosine [0-9.-]+\\)\\.");
    assertThat(chromium.driver().findElement(By.cssSelector(".d-quality")).getText())
        .matches("On [0-9,]+ sampled anchors, [0-9.]+% of the exact cosine top-64 is in the LSH top-64 "
            + "\\(a random choice: 0\\.4%\\)\\. Mean positional distance: [0-9.]+ ranks: .* It can exceed k = 64, .*");
    assertThat(chromium.driver().findElement(By.cssSelector(".d-short")).getText())
        .contains("of 20,000 anchors", "got fewer than 8 negatives");
    assertThat(chromium.driver().findElements(By.cssSelector(".d-downloads a.download")))
        .extracting(e -> e.getText()).containsExactly("negatives .npy", "negatives .jsonl", "Hamming .npy",
            "est. cosine .npy", "anchors .npy");
    // A download link gives the file in its format.
    Object npyStatus = chromium.jsAsync("""
        const done = arguments[arguments.length - 1];
        const a = document.querySelector('.d-downloads a.download');
        fetch(a.getAttribute('href')).then(async (r) => done(r.status + ' ' + r.headers.get('content-type')
          + ' ' + new Uint8Array(await r.arrayBuffer()).slice(1, 6).reduce((s, c) => s + String.fromCharCode(c), '')));
        """);
    assertThat(npyStatus).isEqualTo("200 application/x-npy NUMPY");

    // One anchor's negatives: other labels only, nearest first.
    chromium.showAnchor(17, 20, "Row 17 of 20,000: anchor item 17 (label 7)");
    List<WebElement> negRows = chromium.driver().findElements(By.cssSelector(".anchor-table tbody tr"));
    assertThat(negRows).hasSize(8);
    int last = -1;
    for (WebElement r : negRows) {
      List<WebElement> td = r.findElements(By.tagName("td"));
      assertThat(td.get(2).getText()).startsWith("label ").isNotEqualTo("label 7");
      int ham = Integer.parseInt(td.get(3).getText());
      assertThat(ham).isGreaterThanOrEqualTo(last);
      last = ham;
    }
    assertThat(negRows.get(0).findElement(By.cssSelector("td.spark")).getDomAttribute("title")).contains("of the random-pair mean");

    // The axis switches to the estimated cosine, by keyboard.
    WebElement cosine = chromium.driver().findElement(By.cssSelector(".toggle button[data-axis=cosine]"));
    cosine.sendKeys(Keys.ENTER);
    chromium.await(10, d -> "true".equals(cosine.getDomAttribute("aria-pressed")));
    @SuppressWarnings("unchecked")
    Map<String, Object> cos = (Map<String, Object>) chromium.js(chartState, "dist-chart");
    assertThat(((List<?>) cos.get("labels")).get(0).toString()).matches("-?[01]\\.\\d\\d");
    chromium.js("document.getElementById('anchor-card').scrollIntoView()");
    chromium.screenshot("06-job-detail-anchor");

    // Opened from its address in a fresh page, the detail fills in once the lists have arrived.
    chromium.driver().navigate().refresh();
    chromium.await(30, d -> d.findElement(By.cssSelector("#detail .d-dataset")).getText().equals("browser clusters"));
    chromium.await(30, d -> chromium.js(chartState, "dist-chart"));
    chromium.driver().findElement(By.cssSelector("#detail a.back")).click();
    chromium.await(10, d -> chromium.byId("overview").isDisplayed());
  }

  @Test
  @Order(6)
  void secondJobIsCancelledFromTheTable() throws Exception {
    // A dataset large enough that its job runs for minutes, stored through the API.
    HttpClient http = HttpClient.newHttpClient();
    JsonMapper json = JsonMapper.builder().build();
    String ds = json.readTree(http.send(HttpRequest.newBuilder(URI.create(base() + "api/v1/datasets"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"large\",\"dims\":8,\"bits\":512}")).build(),
        HttpResponse.BodyHandlers.ofString()).body()).get("id").asString();
    int big = 200_000;
    float[] x = clustered(big, 8, 9);
    ByteBuffer bb = ByteBuffer.allocate(x.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bb.asFloatBuffer().put(x);
    HttpResponse<String> up = http.send(HttpRequest.newBuilder(URI.create(base() + "api/v1/datasets/" + ds + "/snapshots"))
        .header("Content-Type", "application/x-npy")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Npy.bytes("<f4", new long[] {big, 8}, bb.array()))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(up.statusCode()).as(up.body()).isEqualTo(201);

    chromium.byId("datasets-refresh").click();
    chromium.await(20, d -> d.findElements(By.cssSelector("#jf-dataset option[value='" + ds + "']")).size() == 1);
    new Select(chromium.byId("jf-dataset")).selectByValue(ds);
    assertThat(chromium.byId("jf-quality").isEnabled()).as("no floats kept, no quality report").isFalse();
    WebElement k = chromium.byId("jf-k");
    k.clear();
    k.sendKeys("16");
    chromium.byId("jf-submit").click();
    WebElement link = chromium.await(20, d -> {
      WebElement a = d.findElement(By.cssSelector("#jf-status a"));
      return a.getDomAttribute("href").endsWith(jobId) ? null : a;
    });
    String second = link.getDomAttribute("href").substring("#/jobs/".length());
    chromium.await(60, d -> row(second).findElement(By.cssSelector(".state")).getText().equals("RUNNING"));
    chromium.await(30, d -> !row(second).findElement(By.cssSelector(".c-eta")).getText().equals("–"));
    chromium.js("window.scrollTo(0, 0)");
    chromium.screenshot("07-second-running");
    row(second).findElement(By.cssSelector("button.cancel")).click();
    chromium.await(60, d -> row(second).findElement(By.cssSelector(".state")).getText().equals("CANCELLED"));
    WebElement bar = row(second).findElement(By.cssSelector("[role=progressbar]"));
    assertThat(bar.getDomAttribute("data-state")).isEqualTo("CANCELLED");
    assertThat(Integer.parseInt(bar.getDomAttribute("aria-valuenow"))).isLessThan(100);
    assertThat(row(second).findElements(By.cssSelector("button.cancel"))).isEmpty();
    // The first job is untouched.
    assertThat(row(jobId).findElement(By.cssSelector(".state")).getText()).isEqualTo("SUCCEEDED");
    assertThat(chromium.byId("jobs-summary").getText()).isEqualTo("0 running · 0 queued · 1 succeeded · 0 failed · 1 cancelled");
    chromium.screenshot("08-second-cancelled");
    assertThat(chromium.scriptErrors()).isEmpty();
  }
}
