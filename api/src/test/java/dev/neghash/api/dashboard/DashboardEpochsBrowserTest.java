package dev.neghash.api.dashboard;

import dev.neghash.api.support.TestData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.neghash.engine.io.Npy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard's views across epochs and of single items, in headless Chromium against the
 * running service: a dataset with three epochs and image previews, a dataset with text previews,
 * the history view against the API's numbers, an anchor's negatives as images and as text with
 * its exact neighbours, the download menu on the first and last job rows, the batch-size warning,
 * and deletes with their confirmation. Data is stored through the HTTP API first.
 *
 * <p>About 530 lines: the steps share one browser page and one set of stored data (starting
 * Chromium and the service per class costs seconds), so they are one ordered class.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "neghash.threads=2",
    "neghash.jobs.concurrency=1",
    "neghash.events.progress-interval=100ms"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class DashboardEpochsBrowserTest {

  private static final int N = 1500;
  private static final int D = 24;
  private static final int CLASSES = 10;
  private static final int SIDE = 10;
  private static final int TEXT_N = 200;
  private static final int TEXT_CLASSES = 4;
  private static final String[] NAMES = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry r) throws Exception {
    Tools.tempDataDir(r, "neghash-epochs-browser-test-");
  }

  @LocalServerPort int port;

  private final HttpClient http = HttpClient.newHttpClient();
  private HeadlessChromium chromium;
  private String images;
  private String texts;
  private final List<String> epochJobs = new ArrayList<>();
  private String textJob;

  // ------------------------------------------------------------------ set-up through the API

  private String base() {
    return "http://127.0.0.1:" + port + "/";
  }

  private HttpResponse<String> send(String method, String path, String type, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofMinutes(2));
    if (type != null) {
      b.header("Content-Type", type);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode ok(String method, String path, String type, byte[] body) throws Exception {
    HttpResponse<String> r = send(method, path, type, body);
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isBetween(200, 299);
    return r.body().isEmpty() ? null : JSON.readTree(r.body());
  }

  private JsonNode get(String path) throws Exception {
    return ok("GET", path, null, null);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private String dataset(String name, int dims, int n, int classes) throws Exception {
    String id = ok("POST", "api/v1/datasets", "application/json",
        utf8("{\"name\":\"" + name + "\",\"dims\":" + dims + ",\"bits\":256}")).get("id").asString();
    ok("PUT", "api/v1/datasets/" + id + "/labels", "application/json", utf8(TestData.labelsJson(n, classes)));
    return id;
  }

  /** Clustered rows (item i in cluster i % classes) with noise of the given size: less noise, a better model. */
  private static byte[] embeddings(int n, int d, int classes, double noise, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] centres = TestData.centres(new SplittableRandom(99), classes, d);
    ByteBuffer bb = ByteBuffer.allocate(n * d * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        bb.putFloat(centres[(i % classes) * d + j] + (float) (noise * r.nextGaussian()));
      }
    }
    return Npy.bytes("<f4", new long[] {n, d}, bb.array());
  }

  /** The grey value of pixel (y, x) of item i's preview image. */
  private static int pixel(int i, int y, int x) {
    return (i * 31 + y * 23 + x * 7 + (i % CLASSES) * 20) & 0xFF;
  }

  private static String text(int i) {
    return "item " + i + ": a sentence about topic " + (i % TEXT_CLASSES) + " — ünïcode";
  }

  private String job(String ds, String body) throws Exception {
    String id = ok("POST", "api/v1/datasets/" + ds + "/jobs", "application/json", utf8(body)).get("id").asString();
    long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < end) {
      String state = get("api/v1/jobs/" + id).get("state").asString();
      if (!state.equals("QUEUED") && !state.equals("RUNNING")) {
        assertThat(state).isEqualTo("SUCCEEDED");
        return id;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("job " + id + " did not finish");
  }

  @BeforeAll
  void start() throws Exception {
    images = dataset("fabric thumbnails", D, N, CLASSES);
    byte[] px = new byte[N * SIDE * SIDE];
    for (int i = 0; i < N; i++) {
      for (int y = 0; y < SIDE; y++) {
        for (int x = 0; x < SIDE; x++) {
          px[(i * SIDE + y) * SIDE + x] = (byte) pixel(i, y, x);
        }
      }
    }
    ok("PUT", "api/v1/datasets/" + images + "/previews", "application/x-npy",
        Npy.bytes("|u1", new long[] {N, SIDE, SIDE}, px));
    ok("PUT", "api/v1/datasets/" + images + "/label-names", "application/json", JSON.writeValueAsBytes(NAMES));
    double[] noise = {1.6, 1.1, 0.7};
    for (int e = 0; e < 3; e++) {
      ok("POST", "api/v1/datasets/" + images + "/snapshots?keepFloats=true", "application/x-npy",
          embeddings(N, D, CLASSES, noise[e], 20 + e));
      epochJobs.add(job(images, "{\"k\":16,\"negatives\":6,\"qualitySample\":150}"));
    }

    texts = dataset("sentences", 8, TEXT_N, TEXT_CLASSES);
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < TEXT_N; i++) {
      lines.append(JSON.writeValueAsString(text(i))).append('\n');
    }
    ok("PUT", "api/v1/datasets/" + texts + "/previews", "application/x-ndjson", utf8(lines.toString()));
    ok("POST", "api/v1/datasets/" + texts + "/snapshots?keepFloats=true", "application/x-npy",
        embeddings(TEXT_N, 8, TEXT_CLASSES, 0.5, 7));
    // Batches of 8 with 4 labels cannot be filled: the service refuses such a job with the reason.
    HttpResponse<String> refused = send("POST", "api/v1/datasets/" + texts + "/jobs", "application/json",
        utf8("{\"k\":8,\"batchSize\":8}"));
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("batch size 8 needs at least 8 distinct labels");
    textJob = job(texts, "{\"k\":8,\"negatives\":4,\"hardPositives\":true,\"batchSize\":4}");

    chromium = HeadlessChromium.start();
  }

  @AfterAll
  void stop() throws Exception {
    if (chromium != null) {
      chromium.close();
    }
  }

  private WebElement find(String css) {
    return chromium.driver().findElement(By.cssSelector(css));
  }

  private List<WebElement> findAll(String css) {
    return chromium.driver().findElements(By.cssSelector(css));
  }

  private void open(String hash) {
    chromium.driver().get(base() + hash);
    chromium.await(30, d -> "live".equals(chromium.byId("live").getDomAttribute("data-status")));
  }

  private static String pct(double fraction, int digits) {
    return String.format(Locale.ROOT, "%." + digits + "f%%", 100 * fraction);
  }

  // ------------------------------------------------------------------ tests

  @Test
  @Order(1)
  void jobsTableNamesEpochsWithKAndOverlap() throws Exception {
    open("");
    chromium.await(20, d -> d.findElements(By.cssSelector("#jobs-table tbody tr")).size() == 4);
    for (int e = 0; e < 3; e++) {
      String id = epochJobs.get(e);
      WebElement row = chromium.await(10, d -> d.findElement(By.cssSelector("tr[data-job-id='" + id + "']")));
      chromium.await(10, d -> row.findElement(By.cssSelector(".c-epoch")).getText().startsWith("epoch"));
      assertThat(row.findElement(By.cssSelector(".c-epoch")).getText()).isEqualTo("epoch " + (e + 1));
      assertThat(row.findElement(By.cssSelector(".c-k")).getText()).isEqualTo("16");
      double overlap = get("api/v1/jobs/" + id).get("result").get("quality").get("overlap").asDouble();
      assertThat(row.findElement(By.cssSelector(".c-overlap")).getText()).isEqualTo(pct(overlap, 1));
    }
    WebElement text = find("tr[data-job-id='" + textJob + "']");
    assertThat(text.findElement(By.cssSelector(".c-epoch")).getText()).isEqualTo("epoch 1");
    // The snapshot table compares float32 with the codes alone and with all that is stored.
    WebElement snap = find("article[data-dataset-id='" + images + "'] table.snapshots tbody tr");
    // 24 floats (96 B) against 256 bits (32 B) of code per item.
    assertThat(snap.findElement(By.cssSelector(".c-codes-ratio")).getText()).isEqualTo("3.0× smaller");
    double stored = Double.parseDouble(snap.findElement(By.cssSelector(".c-stored-ratio")).getText().replace("×", ""));
    assertThat(stored).isLessThan(1.0);
  }

  @Test
  @Order(2)
  void historyShowsThreeEpochsWithTheApisValues() throws Exception {
    chromium.driver().findElement(By.cssSelector("article[data-dataset-id='" + images + "'] a.history-link")).click();
    chromium.await(30, d -> d.findElements(By.cssSelector("#history-table tbody tr")).size() == 3);
    JsonNode api = get("api/v1/dashboard/datasets/" + images + "/history");
    assertThat(find("#history-summary").getText()).startsWith("3 epochs (snapshots), 3 with a succeeded job.");
    List<WebElement> rows = findAll("#history-table tbody tr");
    for (int e = 0; e < 3; e++) {
      JsonNode j = api.get("epochs").get(e).get("job");
      assertThat(j.get("jobId").asString()).isEqualTo(epochJobs.get(e));
      WebElement r = rows.get(e);
      assertThat(r.findElement(By.tagName("th")).getText()).isEqualTo("epoch " + (e + 1));
      assertThat(r.findElement(By.cssSelector(".h-overlap")).getText()).isEqualTo(pct(j.get("overlap").asDouble(), 1));
      assertThat(r.findElement(By.cssSelector(".h-neg")).getText())
          .isEqualTo(String.format(Locale.ROOT, "%.1f", j.get("negativesMeanHamming").asDouble()));
      assertThat(r.findElement(By.cssSelector(".h-rnd")).getText())
          .isEqualTo(String.format(Locale.ROOT, "%.1f", j.get("randomMeanHamming").asDouble()));
      assertThat(r.findElement(By.cssSelector(".h-short")).getText()).startsWith(j.get("shortAnchors").asInt() + " (");
      assertThat(r.findElement(By.cssSelector(".h-total")).getText())
          .isEqualTo(String.format(Locale.ROOT, "%.2f s", j.get("totalSeconds").asDouble()));
      // The same numbers as the job's own plots and result.
      JsonNode plots = get("api/v1/dashboard/jobs/" + epochJobs.get(e) + "/plots");
      assertThat(j.get("negativesMeanHamming").asDouble()).isEqualTo(plots.get("negativesMeanHamming").asDouble());
    }
    // Less noise each epoch: the mined negatives are closer to their anchors than random pairs each time.
    String series = """
        const c = Chart.getChart(document.getElementById(arguments[0]));
        return c ? c.data.datasets.map((s) => s.data) : null;
        """;
    List<?> overlap = (List<?>) chromium.await(10, d -> chromium.js(series, "h-overlap-chart"));
    List<?> distance = (List<?>) chromium.js(series, "h-distance-chart");
    List<?> time = (List<?>) chromium.js(series, "h-time-chart");
    for (int e = 0; e < 3; e++) {
      JsonNode j = api.get("epochs").get(e).get("job");
      assertThat(((Number) ((List<?>) overlap.get(0)).get(e)).doubleValue()).isCloseTo(100 * j.get("overlap").asDouble(), within(1e-9));
      assertThat(((Number) ((List<?>) overlap.get(1)).get(e)).doubleValue())
          .isCloseTo(100 * j.get("randomOverlap").asDouble(), within(1e-9));
      assertThat(((Number) ((List<?>) distance.get(0)).get(e)).doubleValue())
          .isCloseTo(j.get("negativesMeanHamming").asDouble(), within(1e-9));
      assertThat(((Number) ((List<?>) distance.get(1)).get(e)).doubleValue())
          .isCloseTo(j.get("randomMeanHamming").asDouble(), within(1e-9));
      assertThat(((Number) ((List<?>) time.get(1)).get(e)).doubleValue())
          .isCloseTo(j.get("anchorsPerSecond").asDouble(), within(1e-6));
    }
    chromium.js("window.scrollTo(0, 0)");
    chromium.screenshot("10-history");
  }

  @SuppressWarnings("unchecked")
  private List<Long> canvasGrey(String css) {
    return (List<Long>) chromium.js("""
        const c = document.querySelector(arguments[0]);
        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const out = [];
        for (let i = 0; i < px.length; i += 4) out.push(px[i]);
        return out;
        """, css);
  }

  @Test
  @Order(3)
  void anchorShowsImagePreviewsAndExactNeighbours() throws Exception {
    String id = epochJobs.get(2);
    open("#/jobs/" + id);
    chromium.await(30, d -> d.findElements(By.cssSelector("#anchor-lsh figure.tile")).size() > 1);
    chromium.showAnchor(13, 30, "Row 13 of 1,500: anchor item 13");
    chromium.await(30, d -> d.findElements(By.cssSelector("#anchor-exact figure.tile")).size() == 6);
    JsonNode page = get("api/v1/jobs/" + id + "/negatives?page=13&size=1").get("items").get(0);
    List<WebElement> tiles = findAll("#anchor-lsh figure.tile");
    assertThat(tiles).hasSize(7);
    assertThat(tiles.get(0).getDomAttribute("data-item")).isEqualTo("13");
    assertThat(tiles.get(0).getText()).contains("anchor", "item 13", "label 3 · three");
    for (int i = 0; i < 6; i++) {
      int item = page.get("negatives").get(i).asInt();
      WebElement t = tiles.get(i + 1);
      assertThat(t.getDomAttribute("data-item")).isEqualTo(String.valueOf(item));
      assertThat(t.getText()).contains("#" + (i + 1), "item " + item, "label " + item % CLASSES + " · " + NAMES[item % CLASSES],
          "Hamming " + page.get("hamming").get(i).asInt());
      // The thumbnail holds the item's own pixels.
      List<Long> grey = canvasGrey("#anchor-lsh figure.tile[data-item='" + item + "'] canvas");
      assertThat(grey).hasSize(SIDE * SIDE);
      for (int p = 0; p < SIDE * SIDE; p++) {
        assertThat(grey.get(p)).isEqualTo(pixel(item, p / SIDE, p % SIDE));
      }
    }
    // The exact cosine neighbours beside them, as the API computes them.
    JsonNode exact = get("api/v1/dashboard/jobs/" + id + "/rows/13/exact?count=6");
    List<WebElement> exactTiles = findAll("#anchor-exact figure.tile");
    int both = 0;
    for (int i = 0; i < 6; i++) {
      JsonNode nb = exact.get("neighbours").get(i);
      assertThat(exactTiles.get(i).getDomAttribute("data-item")).isEqualTo(nb.get("id").asString());
      assertThat(exactTiles.get(i).getText()).contains(String.format(Locale.ROOT, "cos %.3f", nb.get("cosine").asDouble()));
      for (JsonNode n : page.get("negatives")) {
        if (n.asInt() == nb.get("id").asInt()) {
          both++;
          assertThat(exactTiles.get(i).getText()).contains("✓");
        }
      }
    }
    assertThat(find(".d-exact-summary").getText()).startsWith(both + " of them are among the 6 LSH negatives");
    // "vs random" bars carry their value.
    assertThat(find(".anchor-table tbody tr td.spark .spark-value").getText()).matches("\\d+%");
    assertThat(find(".anchor-table thead").getText()).contains("= 100%");

    // A row past the end is spoken of as a row.
    WebElement row = chromium.byId("anchor-row");
    row.clear();
    row.sendKeys("5000", Keys.ENTER);
    chromium.await(10, d -> chromium.byId("anchor-error").isDisplayed());
    assertThat(chromium.byId("anchor-error").getText()).isEqualTo("Row 5000 is past the last row (1499): rows go from 0 to 1499.");
    row.clear();
    row.sendKeys("13", Keys.ENTER);
    chromium.await(30, d -> d.findElements(By.cssSelector("#anchor-exact figure.tile")).size() == 6);
    // Metrics explained: phases and what items/s counts.
    assertThat(find(".d-metrics").getText()).startsWith("Times: search ").contains("quality ", "whole job ",
        "Items/s is anchors searched per second of search");
    assertThat(find(".d-phase").getText()).isEqualTo("done");
    chromium.js("document.getElementById('anchor-card').scrollIntoView()");
    chromium.screenshot("11-anchor-images");
  }

  @Test
  @Order(4)
  void anchorShowsTextPreviewsAndWhyThereAreNoBatches() throws Exception {
    open("#/jobs/" + textJob);
    chromium.await(30, d -> d.findElements(By.cssSelector("#anchor-lsh figure.tile")).size() > 1);
    JsonNode page = get("api/v1/jobs/" + textJob + "/negatives?page=0&size=1").get("items").get(0);
    assertThat(find("#anchor-lsh figure.tile-anchor .text-preview").getText()).isEqualTo(text(0));
    List<WebElement> negs = findAll("#anchor-lsh figure.tile-neg");
    assertThat(negs).hasSize(4);
    for (int i = 0; i < 4; i++) {
      int item = page.get("negatives").get(i).asInt();
      assertThat(negs.get(i).findElement(By.cssSelector(".text-preview")).getText()).isEqualTo(text(item));
      assertThat(negs.get(i).getText()).contains("label " + item % TEXT_CLASSES);
    }
    int hard = page.get("hard_positive").asInt();
    WebElement pos = find("#anchor-lsh figure.tile-pos");
    assertThat(pos.getDomAttribute("data-item")).isEqualTo(String.valueOf(hard));
    assertThat(pos.findElement(By.cssSelector(".text-preview")).getText()).isEqualTo(text(hard));
    // Batches of 4 on 4 labels: the page offers them for download.
    chromium.await(10, d -> findAll(".d-downloads a.download").stream().anyMatch(a -> a.getText().equals("batches .npy")));
    assertThat(findAll(".d-downloads a.download")).extracting(WebElement::getText).contains("batches .npy", "batches .json");
    chromium.screenshot("12-anchor-text");
  }

  @SuppressWarnings("unchecked")
  private void assertMenuFullyVisible(String jobId) {
    WebElement row = find("tr[data-job-id='" + jobId + "']");
    WebElement summary = row.findElement(By.cssSelector("details.menu > summary"));
    summary.click();
    chromium.await(5, d -> row.findElement(By.cssSelector(".menu-items")).isDisplayed());
    Map<String, Object> r = (Map<String, Object>) chromium.js("""
        const menu = arguments[0].querySelector('.menu-items');
        const box = menu.getBoundingClientRect();
        const links = [...menu.querySelectorAll('a')];
        // Every link is on top at its centre: nothing (no scroll box, no other element) covers or clips it.
        const onTop = links.every((a) => {
          const b = a.getBoundingClientRect();
          const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
          return hit === a || a.contains(hit);
        });
        // The menu's box lies inside the box of every ancestor that clips its overflow.
        let clipped = false;
        for (let el = menu.parentElement; el; el = el.parentElement) {
          const s = getComputedStyle(el);
          if (s.position === 'fixed') break;
          if (s.overflowX !== 'visible' || s.overflowY !== 'visible') {
            const c = el.getBoundingClientRect();
            const fixedChild = getComputedStyle(menu).position === 'fixed';
            if (!fixedChild && (box.top < c.top || box.bottom > c.bottom || box.left < c.left || box.right > c.right)) clipped = true;
          }
        }
        return { top: box.top, bottom: box.bottom, left: box.left, right: box.right, width: box.width, height: box.height,
          vw: window.innerWidth, vh: window.innerHeight, links: links.length, onTop, clipped };
        """, row);
    assertThat(((Number) r.get("links")).intValue()).isGreaterThanOrEqualTo(5);
    assertThat(((Number) r.get("height")).doubleValue()).isGreaterThan(100);
    assertThat(((Number) r.get("top")).doubleValue()).isGreaterThanOrEqualTo(0);
    assertThat(((Number) r.get("left")).doubleValue()).isGreaterThanOrEqualTo(0);
    assertThat(((Number) r.get("bottom")).doubleValue()).isLessThanOrEqualTo(((Number) r.get("vh")).doubleValue());
    assertThat(((Number) r.get("right")).doubleValue()).isLessThanOrEqualTo(((Number) r.get("vw")).doubleValue());
    assertThat(r.get("onTop")).as("every link visible at its centre: %s", r).isEqualTo(true);
    assertThat(r.get("clipped")).as("clipped by a scroll box: %s", r).isEqualTo(false);
    summary.click();
  }

  @Test
  @Order(5)
  void downloadMenuIsFullyVisibleOnTheFirstAndLastRows() throws Exception {
    open("");
    chromium.await(20, d -> d.findElements(By.cssSelector("#jobs-table tbody tr details.menu")).size() == 4);
    List<WebElement> rows = findAll("#jobs-table tbody tr");
    String first = rows.get(0).getDomAttribute("data-job-id");
    String last = rows.get(rows.size() - 1).getDomAttribute("data-job-id");
    chromium.js("window.scrollTo(0, 0)");
    assertMenuFullyVisible(first);
    // The last row at the very bottom of the window: the menu has to open upwards.
    chromium.js("arguments[0].scrollIntoView({block: 'end'})", rows.get(rows.size() - 1));
    assertMenuFullyVisible(last);
    chromium.js("arguments[0].scrollIntoView({block: 'center'})", rows.get(rows.size() - 1));
    assertMenuFullyVisible(last);
    find("tr[data-job-id='" + last + "'] details.menu > summary").click();
    chromium.screenshot("13-download-menu-last-row");
    chromium.js("window.scrollTo(0, 0)");
  }

  @Test
  @Order(6)
  void batchSizeTheLabelsCannotMeetIsRefusedBeforeStarting() throws Exception {
    int jobsBefore = get("api/v1/jobs").size();
    new Select(chromium.byId("jf-dataset")).selectByValue(images);
    find("#job-form details > summary").click();
    WebElement batch = chromium.byId("jf-batch");
    batch.clear();
    batch.sendKeys("64");
    chromium.await(10, d -> chromium.byId("jf-batch-warning").isDisplayed());
    assertThat(chromium.byId("jf-batch-warning").getText()).isEqualTo("A batch holds at most one item per label, and this "
        + "dataset has 10 labels: no batch of 64 can be filled, so every item would be left out. Use a batch size of at "
        + "most 10, or leave it empty.");
    chromium.byId("jf-submit").click();
    chromium.await(10, d -> chromium.byId("jf-error").isDisplayed());
    assertThat(chromium.byId("jf-error").getText()).isEqualTo("Not started: fix the batch size first (see the warning above).");
    assertThat(get("api/v1/jobs").size()).isEqualTo(jobsBefore);
    chromium.screenshot("14-batch-warning");
    // P x K batches: 8 labels x 8 items fit the 10 labels; 63 is no multiple of 8; 96 needs 12 labels.
    WebElement perLabel = chromium.byId("jf-per-label");
    perLabel.sendKeys("8");
    chromium.await(10, d -> !chromium.byId("jf-batch-warning").isDisplayed());
    batch.clear();
    batch.sendKeys("63");
    chromium.await(10, d -> chromium.byId("jf-batch-warning").getText().contains("must be a multiple of 8"));
    batch.clear();
    batch.sendKeys("96");
    chromium.await(10, d -> chromium.byId("jf-batch-warning").getText().contains("needs 12 labels"));
    perLabel.clear();
    batch.clear();
    batch.sendKeys("10");
    chromium.await(10, d -> !chromium.byId("jf-batch-warning").isDisplayed());
    // How hard batches are: a random share needs items per label; the rank window must start below k.
    WebElement share = chromium.byId("jf-random-share");
    WebElement rankFrom = chromium.byId("jf-batch-rank-from");
    share.sendKeys("0.25");
    chromium.await(10, d -> chromium.byId("jf-batch-warning").getText().contains("set items per label too"));
    batch.clear();
    batch.sendKeys("8");
    perLabel.sendKeys("4");
    chromium.await(10, d -> !chromium.byId("jf-batch-warning").isDisplayed());
    String k = chromium.byId("jf-k").getDomProperty("value");
    rankFrom.sendKeys(k);
    chromium.await(10, d -> chromium.byId("jf-batch-warning").getText().contains("k is " + k));
    chromium.byId("jf-submit").click();
    chromium.await(10, d -> chromium.byId("jf-error").isDisplayed());
    assertThat(get("api/v1/jobs").size()).isEqualTo(jobsBefore);
    rankFrom.clear();
    rankFrom.sendKeys("2");
    chromium.await(10, d -> !chromium.byId("jf-batch-warning").isDisplayed());
    chromium.screenshot("15-batch-hardness-settings");
    // The job starts with both settings.
    List<String> known = new ArrayList<>();
    get("api/v1/jobs").forEach(j -> known.add(j.get("id").asString()));
    chromium.byId("jf-submit").click();
    JsonNode started = chromium.await(20, d -> {
      try {
        for (JsonNode j : get("api/v1/jobs")) {
          if (!known.contains(j.get("id").asString()) && j.get("state").asString().equals("SUCCEEDED")) {
            return j;
          }
        }
        return null;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(started.get("params").get("itemsPerLabel").asInt()).isEqualTo(4);
    assertThat(started.get("params").get("randomShare").asDouble()).isEqualTo(0.25);
    assertThat(started.get("params").get("batchRankFrom").asInt()).isEqualTo(2);
    assertThat(send("DELETE", "api/v1/jobs/" + started.get("id").asString(), null, null).statusCode()).isBetween(200, 299);
    for (WebElement e : List.of(share, rankFrom, perLabel, batch)) {
      e.clear();
    }
  }

  private void confirm(boolean yes) {
    WebElement dialog = chromium.await(5, d -> {
      WebElement e = chromium.byId("confirm-dialog");
      return e.isDisplayed() ? e : null;
    });
    chromium.byId(yes ? "confirm-ok" : "confirm-cancel").click();
    chromium.await(5, d -> !dialog.isDisplayed());
  }

  @Test
  @Order(7)
  void deletesAskFirstAndThenDelete() throws Exception {
    // A job: cancelling the question keeps it.
    String victim = epochJobs.get(0);
    find("tr[data-job-id='" + victim + "'] button.delete").click();
    assertThat(chromium.byId("confirm-text").getText()).startsWith("Delete job " + victim + " (fabric thumbnails, epoch 1)");
    confirm(false);
    assertThat(send("GET", "api/v1/jobs/" + victim, null, null).statusCode()).isEqualTo(200);
    assertThat(findAll("tr[data-job-id='" + victim + "']")).hasSize(1);
    find("tr[data-job-id='" + victim + "'] button.delete").click();
    confirm(true);
    chromium.await(10, d -> d.findElements(By.cssSelector("tr[data-job-id='" + victim + "']")).isEmpty());
    assertThat(send("GET", "api/v1/jobs/" + victim, null, null).statusCode()).isEqualTo(404);

    // A snapshot: the newest epoch of the image dataset.
    String sid = get("api/v1/datasets/" + images + "/snapshots/latest").get("id").asString();
    find("article[data-dataset-id='" + images + "'] tr[data-snapshot-id='" + sid + "'] button").click();
    assertThat(chromium.byId("confirm-text").getText()).startsWith("Delete epoch 3 (" + sid + ")");
    confirm(true);
    chromium.await(10, d -> d.findElements(By.cssSelector("tr[data-snapshot-id='" + sid + "']")).isEmpty());
    assertThat(send("GET", "api/v1/datasets/" + images + "/snapshots/" + sid, null, null).statusCode()).isEqualTo(404);
    // Its job stays, now on a deleted snapshot.
    chromium.await(10, d -> d.findElement(By.cssSelector("tr[data-job-id='" + epochJobs.get(2) + "'] .c-epoch"))
        .getText().equals("deleted snapshot"));

    // A dataset.
    find("article[data-dataset-id='" + texts + "'] .head-actions button.delete").click();
    assertThat(chromium.byId("confirm-text").getText()).startsWith("Delete dataset “sentences”");
    confirm(true);
    chromium.await(10, d -> d.findElements(By.cssSelector("article[data-dataset-id='" + texts + "']")).isEmpty());
    assertThat(send("GET", "api/v1/datasets/" + texts, null, null).statusCode()).isEqualTo(404);
    assertThat(chromium.scriptErrors()).isEmpty();
  }
}
