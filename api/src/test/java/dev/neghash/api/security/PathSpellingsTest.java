package dev.neghash.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Over real HTTP (Tomcat's own URI handling included): every spelling of an API path, with every
 * method, is refused without a key, with a problem detail, before any handler runs, and changes
 * nothing; with a key, the spellings that name the same route are served.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"neghash.api-key=first-key", "neghash.api-keys=second-key,third-key", "neghash.threads=1",
        "logging.level.dev.neghash.api.requests=INFO"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PathSpellingsTest {

  static final Path DATA;

  static {
    try {
      DATA = Files.createTempDirectory("neghash-security-test-");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry r) {
    r.add("neghash.data-dir", DATA::toString);
  }

  /** Counts every arriving request that reaches a Spring MVC handler (controller, resource or error handler). */
  @TestConfiguration
  static class HandlerCounter implements WebMvcConfigurer {
    static final AtomicInteger CALLS = new AtomicInteger();

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
      registry.addInterceptor(new HandlerInterceptor() {
        @Override
        public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
          // Requests as they arrive; the later dispatch of an event stream that a test with a key
          // opened and closed belongs to that earlier request.
          if (request.getDispatcherType() == jakarta.servlet.DispatcherType.REQUEST) {
            CALLS.incrementAndGet();
          }
          return true;
        }
      });
    }
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Map<String, String> KEY = Map.of("X-API-Key", "second-key");
  private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE"};

  @LocalServerPort int port;

  private RawHttp http;
  private String datasetId;
  private String datasetsBefore;
  private String jobsBefore;

  @BeforeAll
  void createOneDataset() throws IOException {
    http = new RawHttp(port);
    RawHttp.Res created = http.send("POST", "/api/v1/datasets",
        Map.of("X-API-Key", "first-key", "Content-Type", "application/json"), "{\"name\":\"kept\",\"dims\":4,\"bits\":64}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    datasetId = JSON.readTree(created.body()).get("id").asString();
    datasetsBefore = http.send("GET", "/api/v1/datasets", KEY, null).body();
    jobsBefore = http.send("GET", "/api/v1/jobs", KEY, null).body();
  }

  @AfterAll
  void nothingChanged() throws IOException {
    assertThat(http.send("GET", "/api/v1/datasets", KEY, null).body()).isEqualTo(datasetsBefore);
    assertThat(http.send("GET", "/api/v1/jobs", KEY, null).body()).isEqualTo(jobsBefore);
    assertThat(http.send("GET", "/api/v1/datasets/" + datasetId + "/labels", KEY, null).status()).isEqualTo(404);
    assertThat(http.send("GET", "/api/v1/datasets/" + datasetId + "/snapshots", KEY, null).body()).isEqualTo("[]");
    dev.neghash.api.storage.DataStore.deleteQuietly(DATA);
  }

  /** The routes tried, {@code {id}} standing for the dataset made before the tests. */
  static final List<String> ROUTES = List.of("/api/v1/datasets", "/api/v1/datasets/{id}",
      "/api/v1/datasets/{id}/labels", "/api/v1/datasets/{id}/snapshots", "/api/v1/jobs/events",
      "/api/v1/datasets/{id}/jobs");

  /** Ways to write {@code path} that a server might read as {@code path}, or as another path. */
  static List<String> spellings(String path) {
    Set<String> out = new LinkedHashSet<>();
    String[] seg = path.substring(1).split("/");
    out.add(path);
    for (int i = 0; i < seg.length; i++) {
      out.add(join(seg, i, seg[i] + ";x=1"));
      out.add(join(seg, i, seg[i] + ";"));
      out.add(join(seg, i, seg[i] + "%3Bx=1"));
      out.add(join(seg, i, pct(seg[i].charAt(0), false) + seg[i].substring(1)));
      out.add(join(seg, i, encodeAll(seg[i])));
      out.add(join(seg, i, "%25" + Integer.toHexString(seg[i].charAt(0)) + seg[i].substring(1)));
      out.add(join(seg, i, seg[i].toUpperCase(Locale.ROOT)));
    }
    for (int i = 1; i < seg.length; i++) {
      String head = "/" + String.join("/", List.of(seg).subList(0, i));
      String tail = String.join("/", List.of(seg).subList(i, seg.length));
      for (String sep : List.of("%2F", "%2f", "%5C", "%5c", "\\", "//", "/./", "/%2E/", "/%2e/", "/x/../",
          "/x/%2E%2E/", "/x/..;/", "/x/.%2E/", "/;/", "/%3B/")) {
        out.add(head + sep + tail);
      }
    }
    String rest = path.substring(1);
    for (String prefix : List.of("//", "/./", "/js/../", "/js/..;/", "/css/%2e%2e/", "/webjars/..%2F",
        "/actuator/health/../../", "/actuator/health;/../../", "/v3/api-docs/..;/..;/", "/index.html/../",
        "/swagger-ui/%2E%2E/")) {
      out.add(prefix + rest);
    }
    out.add(path.toUpperCase(Locale.ROOT));
    out.add(path + "/");
    out.add(path + "/.");
    out.add(path + ";");
    out.add(path + "%2F");
    out.add(path + "/..;/" + seg[seg.length - 1]);
    out.add(path + "?x=1");
    return new ArrayList<>(out);
  }

  private static String join(String[] seg, int i, String replacement) {
    String[] copy = seg.clone();
    copy[i] = replacement;
    return "/" + String.join("/", copy);
  }

  private static String pct(char c, boolean upper) {
    String hex = Integer.toHexString(c);
    return "%" + (upper ? hex.toUpperCase(Locale.ROOT) : hex);
  }

  private static String encodeAll(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(c == '{' || c == '}' ? String.valueOf(c) : pct(c, true));
    }
    return b.toString();
  }

  static Stream<Arguments> spellingsAndMethods() {
    return ROUTES.stream().flatMap(r -> spellings(r).stream()).distinct()
        .flatMap(s -> Stream.of(METHODS).map(m -> Arguments.of(m, s)));
  }

  private String target(String spelling) {
    // The id may have been percent-encoded letter by letter above; encode it the same way.
    return spelling.replace("{id}", datasetId).replace("%7B%69%64%7D", encodeAll(datasetId)).replace("{%69%64}",
        encodeAll(datasetId));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("spellingsAndMethods")
  void withoutAKeyNoSpellingReachesAHandler(String method, String spelling) throws IOException {
    int before = HandlerCounter.CALLS.get();
    String body = method.equals("POST") || method.equals("PUT") ? "{\"name\":\"intruder\",\"dims\":4}" : null;
    Map<String, String> headers = body == null ? Map.of() : Map.of("Content-Type", "application/json");
    RawHttp.Res r = http.send(method, target(spelling), headers, body);
    assertThat(r.status()).as("%s %s -> %s", method, spelling, r.body()).isIn(400, 401);
    assertProblem(r, method + " " + spelling);
    assertThat(HandlerCounter.CALLS.get()).as("handlers reached by %s %s", method, spelling).isEqualTo(before);
  }

  static Stream<String> listSpellings() {
    return Stream.concat(spellings("/api/v1/datasets").stream(), spellings("/api/v1/jobs/events").stream());
  }

  @ParameterizedTest(name = "GET {0}")
  @MethodSource("listSpellings")
  void withAKeyASpellingIsServedOrRefusedWithAProblem(String spelling) throws IOException {
    RawHttp.Res r = http.send("GET", target(spelling), KEY, null);
    assertThat(r.status()).as("%s -> %s", spelling, r.body()).isIn(200, 400, 404);
    if (r.status() != 200) {
      assertProblem(r, spelling);
    }
  }

  @Test
  void theSameRouteSpeltWithEncodedLettersIsServedWithAKey() throws IOException {
    for (String s : List.of("/api/v1/datasets", "/%61pi/v1/datasets", "/api/%76%31/datasets", "/api/v1/%64atasets",
        "/api/v1/datasets?x=1")) {
      RawHttp.Res r = http.send("GET", s, KEY, null);
      assertThat(r.status()).as(s).isEqualTo(200);
      assertThat(r.body()).as(s).contains(datasetId);
    }
    assertThat(http.send("GET", "/%61pi/v1/jobs/events", KEY, null).contentType()).startsWith("text/event-stream");
  }

  @Test
  void everyConfiguredKeyIsAcceptedAndNoOther() throws IOException {
    for (String key : List.of("first-key", "second-key", "third-key")) {
      assertThat(http.send("GET", "/api/v1/datasets", Map.of("X-API-Key", key), null).status()).isEqualTo(200);
    }
    for (String key : List.of("", "first-ke", "first-key.", "FIRST-KEY", "first-key,second-key", "x".repeat(4096))) {
      RawHttp.Res r = http.send("GET", "/api/v1/datasets", Map.of("X-API-Key", key), null);
      assertThat(r.status()).as("key '%s'", key).isEqualTo(401);
      assertProblem(r, "wrong key");
    }
    RawHttp.Res missing = http.send("GET", "/api/v1/datasets", Map.of(), null);
    assertThat(JSON.readTree(missing.body()).get("detail").asString()).contains("needs an API key in the X-API-Key header");
    RawHttp.Res wrong = http.send("GET", "/api/v1/datasets", Map.of("X-API-Key", "nope"), null);
    assertThat(JSON.readTree(wrong.body()).get("detail").asString()).contains("not valid");
  }

  @Test
  void theOpenListIsOpenAndNothingElse() throws IOException {
    for (String open : List.of("/", "/index.html", "/js/app.js", "/css/dashboard.css", "/actuator/health",
        "/actuator/health/liveness", "/actuator/health/readiness", "/v3/api-docs", "/swagger-ui/index.html")) {
      assertThat(http.send("GET", open, Map.of(), null).status()).as(open).isEqualTo(200);
    }
    for (String closed : List.of("/actuator/prometheus", "/actuator/metrics", "/actuator/info", "/actuator",
        "/no-such-page", "/api", "/api/v1")) {
      RawHttp.Res r = http.send("GET", closed, Map.of(), null);
      assertThat(r.status()).as(closed).isEqualTo(401);
      assertProblem(r, closed);
    }
    assertThat(http.send("GET", "/actuator/prometheus", KEY, null).body()).contains("neghash_");
  }

  @Test
  void responsesCarrySecurityHeadersAndNoSession() throws IOException {
    for (String path : List.of("/", "/api/v1/datasets", "/actuator/health")) {
      RawHttp.Res r = http.send("GET", path, KEY, null);
      assertThat(r.headers()).as(path)
          .containsEntry("x-content-type-options", "nosniff")
          .containsEntry("x-frame-options", "DENY")
          .containsEntry("content-security-policy", SecurityConfig.CONTENT_SECURITY_POLICY)
          .doesNotContainKey("set-cookie");
    }
    assertThat(http.send("GET", "/api/v1/datasets", Map.of(), null).headers()).doesNotContainKey("set-cookie");
  }

  @Test
  void crossOriginCallsAreRefusedWithoutAnAllowList() throws IOException {
    RawHttp.Res preflight = http.send("OPTIONS", "/api/v1/datasets", Map.of("Origin", "http://evil.example",
        "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "X-API-Key"), null);
    // No Access-Control-Allow-* headers: the browser refuses to send the call.
    assertThat(preflight.headers()).doesNotContainKeys("access-control-allow-origin", "access-control-allow-headers");
    RawHttp.Res simple = http.send("GET", "/api/v1/datasets", Map.of("Origin", "http://evil.example", "X-API-Key",
        "first-key"), null);
    assertThat(simple.headers()).doesNotContainKey("access-control-allow-origin");
  }

  @Test
  @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
  void keysNeverReachTheLog(org.springframework.boot.test.system.CapturedOutput output) throws IOException {
    http.send("GET", "/api/v1/datasets", Map.of("X-API-Key", "third-key"), null);
    http.send("GET", "/api/v1/datasets", Map.of("X-API-Key", "a-wrong-key"), null);
    http.send("GET", "/api;x=1/v1/datasets", Map.of("X-API-Key", "another-wrong-key"), null);
    // The request log saw all three requests, and none of the keys.
    assertThat(output.getAll()).contains("GET /api/v1/datasets 200").contains("GET /api/v1/datasets 401");
    assertThat(output.getAll()).doesNotContain("third-key").doesNotContain("a-wrong-key").doesNotContain("another-wrong-key");
  }

  static void assertProblem(RawHttp.Res r, String what) {
    assertThat(r.contentType()).as(what).startsWith("application/problem+json");
    JsonNode p = JSON.readTree(r.body());
    // A framework 404 (no such route) has no type of its own: RFC 9457 reads that as about:blank.
    if (r.status() != 404 || p.has("type")) {
      assertThat(p.get("type").asString()).as(what).startsWith("urn:neghash:problem:");
    }
    assertThat(p.get("status").asInt()).as(what).isEqualTo(r.status());
    assertThat(p.get("detail").asString()).as(what).isNotBlank();
  }
}
