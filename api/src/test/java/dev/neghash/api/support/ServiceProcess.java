package dev.neghash.api.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The service as a separate JVM ({@code neghash serve} from the test classpath), bound to a free
 * loopback port, so tests can kill it with SIGKILL and start it again on the same data folder.
 */
public final class ServiceProcess implements AutoCloseable {

  private final Process process;
  private final int port;
  private final Path log;

  private ServiceProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts the service on {@code dataDir} with extra JVM flags and waits until it is healthy. */
  public static ServiceProcess start(Path dataDir, Path log, List<String> jvmArgs, List<String> appArgs, Duration timeout)
      throws IOException, InterruptedException {
    int port = freePort();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--add-modules=jdk.incubator.vector");
    cmd.add("-XX:+UseParallelGC");
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.neghash.api.NeghashApplication");
    cmd.add("serve");
    cmd.add("--port=" + port);
    cmd.add("--data-dir=" + dataDir);
    cmd.add("--neghash.threads=2");
    cmd.addAll(appArgs);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    ServiceProcess s = new ServiceProcess(p, port, log);
    s.awaitHealthy(timeout);
    return s;
  }

  private void awaitHealthy(Duration timeout) throws IOException, InterruptedException {
    HttpClient c = HttpClient.newHttpClient();
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the service exited with " + process.exitValue() + "; log:\n" + tail());
      }
      try {
        HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(base() + "/actuator/health"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    process.destroyForcibly();
    throw new IllegalStateException("the service did not become healthy in " + timeout + "; log:\n" + tail());
  }

  /** The last lines of the log. */
  public String tail() throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  /** {@code http://127.0.0.1:port}. */
  public String base() {
    return "http://127.0.0.1:" + port;
  }

  /** The process id. */
  public long pid() {
    return process.pid();
  }

  /** Kills the JVM with SIGKILL (no shutdown hooks run) and waits for it to be gone. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Stops the JVM with SIGTERM (graceful shutdown) and waits up to {@code timeout}. */
  public int stop(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
