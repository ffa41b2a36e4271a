package dev.neghash.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neghash.api.NeghashApplication;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What a dashboard needs from the all-jobs event stream beyond its events: on an idle service the
 * stream must open at once (the page shows itself live only then), and an open stream must not hold
 * up the service's shutdown.
 */
class EventStreamLifecycleTest {

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void idleStreamOpensAtOnceAndEndsWhenTheServiceStops() throws Exception {
    Path data = Tools.tempDir("neghash-sse-lifecycle-");
    ConfigurableApplicationContext ctx = NeghashApplication.start("--server.port=0", "--neghash.data-dir=" + data,
        "--neghash.threads=1",
        // A heartbeat would eventually send the headers too; make sure it cannot within this test.
        "--neghash.events.heartbeat=10m");
    boolean closed = false;
    try {
      int port = Integer.parseInt(ctx.getEnvironment().getProperty("local.server.port"));
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/jobs/events"))
          .header("Accept", "text/event-stream").build();
      // No job exists, so the stream has no event to send: its headers must come anyway.
      HttpResponse<InputStream> res = http.sendAsync(req, HttpResponse.BodyHandlers.ofInputStream()).get(90, TimeUnit.SECONDS);
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(res.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
      BufferedReader body = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8));
      // What comes first is a comment (a line starting with ':'), which clients skip.
      assertThat(body.readLine()).startsWith(":");

      // Stopping the service ends the stream, and the graceful shutdown (60 s per phase) does not
      // wait for it: the close returns before that even on a busy machine.
      long t0 = System.nanoTime();
      CompletableFuture<Void> closing = CompletableFuture.runAsync(ctx::close);
      CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> {
        try {
          StringBuilder b = new StringBuilder();
          for (String line; (line = body.readLine()) != null; ) {
            b.append(line).append('\n');
          }
          return b.toString();
        } catch (java.io.IOException e) {
          return "closed: " + e.getMessage();
        }
      });
      rest.get(50, TimeUnit.SECONDS);
      closing.get(50, TimeUnit.SECONDS);
      closed = true;
      assertThat((System.nanoTime() - t0) / 1e9).as("seconds to stop").isLessThan(50);
    } finally {
      if (!closed) {
        ctx.close();
      }
    }
  }
}
