package dev.neghash.api.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for tests that talk to a running service. */
public final class Http {
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final JsonMapper json = JsonMapper.builder().build();
  private final String base;

  /** A client for {@code base} (e.g. {@code http://127.0.0.1:8080}). */
  public Http(String base) {
    this.base = base;
  }

  /** A response: status and body bytes. */
  public record Res(int status, byte[] body, HttpResponse<byte[]> raw) {
    /** The body as JSON. */
    public JsonNode json() {
      return JsonMapper.builder().build().readTree(body);
    }

    /** The body as text. */
    public String text() {
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** GET with an Accept header. */
  public Res get(String path, String accept) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", accept).GET());
  }

  /** GET JSON. */
  public JsonNode getJson(String path) throws IOException, InterruptedException {
    Res r = get(path, "application/json");
    if (r.status() != 200) {
      throw new IllegalStateException("GET " + path + " -> " + r.status() + " " + r.text());
    }
    return r.json();
  }

  /** POST or PUT a body. */
  public Res send(String method, String path, String contentType, byte[] body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
        .method(method, HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  /** POST a JSON value. */
  public Res postJson(String path, Object value) throws IOException, InterruptedException {
    return send("POST", path, "application/json", json.writeValueAsBytes(value));
  }

  /** POST a streamed body (chunked). */
  public Res stream(String path, String contentType, Supplier<InputStream> body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofInputStream(body)));
  }

  private Res send(HttpRequest.Builder b) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = client.send(b.timeout(Duration.ofMinutes(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Res(r.statusCode(), r.body(), r);
  }

  /** The underlying client. */
  public HttpClient client() {
    return client;
  }

  /** The base URL. */
  public String base() {
    return base;
  }

  /** Polls a job until it is final or {@code timeout} passes, and returns its last view. */
  public JsonNode awaitJob(String jobId, Duration timeout) throws IOException, InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    JsonNode j;
    do {
      j = getJson("/api/v1/jobs/" + jobId);
      String s = j.get("state").asString();
      if (s.equals("SUCCEEDED") || s.equals("FAILED") || s.equals("CANCELLED")) {
        return j;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < end);
    throw new IllegalStateException("job " + jobId + " not final after " + timeout + ": " + j);
  }
}
