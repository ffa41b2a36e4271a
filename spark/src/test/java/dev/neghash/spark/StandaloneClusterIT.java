package dev.neghash.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neghash.engine.NegHash;
import dev.neghash.engine.io.IdxImages;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.search.SearchOptions;
import java.io.File;
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
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * NegHash on a real standalone Spark cluster on 127.0.0.1: a master and two worker JVMs started
 * here, executors launched by the workers with the module's shaded jar shipped through {@code
 * spark.jars}. Results must equal the engine's on one machine (Fashion-MNIST, first 3,000 images).
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class StandaloneClusterIT {

  static final int N = 3000;
  static final int D = SparkTestData.FASHION_DIMS;
  static final int K = 24;

  static final List<Process> daemons = new ArrayList<>();
  static Path home;
  static SparkSession spark;
  static IdxImages data;
  static NegHash engine;
  static PackedCodes codes;

  @BeforeAll
  static void startCluster() throws Exception {
    data = SparkTestData.fashion(N);
    engine = NegHash.builder().bits(512).seed(42).build();
    codes = engine.encode(data.images(), N, D);
    String jar = System.getProperty("neghash.spark.jar");
    assertThat(jar).as("the shaded jar (run through Maven's failsafe)").isNotNull();
    assertThat(Path.of(jar)).exists();
    String flags = System.getProperty("neghash.spark.jvmFlags", "");

    // A Spark home for the workers: jars/ holds Spark and its dependencies (links to the test
    // classpath, not NegHash itself), as a Spark distribution does.
    home = Path.of("target", "spark-home").toAbsolutePath();
    stopLeftovers();
    deleteTree(home);
    Files.createDirectories(home.resolve("jars"));
    Files.createDirectories(home.resolve("conf"));
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    for (String entry : cp.split(File.pathSeparator)) {
      Path p = Path.of(entry);
      if (entry.endsWith(".jar") && Files.isRegularFile(p) && !p.getFileName().toString().startsWith("neghash-")) {
        Path link = home.resolve("jars").resolve(p.getFileName());
        if (!Files.exists(link)) {
          Files.createSymbolicLink(link, p.toAbsolutePath());
        }
      }
    }
    Runtime.getRuntime().addShutdownHook(new Thread(StandaloneClusterIT::stopDaemons));
    int masterPort = freePort();
    String master = "spark://127.0.0.1:" + masterPort;
    int masterUi = freePort();
    daemons.add(start("master", flags, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
        String.valueOf(masterPort), "--webui-port", String.valueOf(masterUi)));
    for (int w = 1; w <= 2; w++) {
      Path work = home.resolve("work-" + w);
      Files.createDirectories(work);
      daemons.add(start("worker-" + w, flags, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
          "--cores", "1", "--memory", "1g", "--webui-port", String.valueOf(freePort()), "--work-dir",
          work.toString(), master));
    }
    awaitWorkers(masterUi, 2, Duration.ofSeconds(90));

    spark = SparkSession.builder().master(master).appName("neghash-standalone-test")
        .config("spark.jars", Path.of(jar).toAbsolutePath().toString())
        .config("spark.executor.memory", "768m")
        .config("spark.executor.cores", "1")
        .config("spark.cores.max", "2")
        .config("spark.executor.extraJavaOptions", flags)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (spark.sparkContext().getExecutorMemoryStatus().size() < 3 && System.nanoTime() < end) {
      Thread.sleep(250);
    }
  }

  @AfterAll
  static void stopCluster() throws Exception {
    try {
      if (spark != null) {
        spark.stop();
      }
    } finally {
      stopDaemons();
    }
  }

  /** Stops the master and workers this test started, and the executors they launched. */
  static synchronized void stopDaemons() {
    for (Process p : daemons.reversed()) {
      List<ProcessHandle> children = p.descendants().toList();
      p.destroy();
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      for (ProcessHandle c : children) {
        c.destroyForcibly();
      }
    }
    daemons.clear();
  }

  /** Daemons a killed earlier run left behind: the pids it recorded, if they still run from this Spark home. */
  private static void stopLeftovers() throws IOException {
    Path pids = home.resolveSibling("spark-home.pids");
    if (Files.exists(pids)) {
      for (String line : Files.readAllLines(pids)) {
        ProcessHandle.of(Long.parseLong(line.trim())).ifPresent(h -> {
          if (h.info().arguments().map(a -> String.join(" ", a).contains(home.toString())).orElse(false)) {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
          }
        });
      }
      Files.delete(pids);
    }
  }

  @Test
  void bothStrategiesEqualTheEngineOnTheCluster() throws Exception {
    assertThat(spark.sparkContext().getExecutorMemoryStatus().size()).as("driver + 2 executors").isEqualTo(3);
    Path dir = home.resolve("data");
    Path in = dir.resolve("embeddings.parquet");
    spark.createDataFrame(SparkTestData.rows(data.images(), data.labels(), N, D, 1, 0), SparkTestData.SCHEMA)
        .repartition(4).write().mode("overwrite").parquet(in.toString());
    Neighbours want = engine.search(codes, SearchOptions.k(K).labels(data.labels()));

    Dataset<Row> table = spark.read().parquet(in.toString());
    Dataset<Row> blocked = NegHashSpark.mine(spark, table, SparkOptions.k(K).withLabels("label")
        .withStrategy(SparkOptions.Strategy.BLOCKED).withPartitions(3).withCandidateBlocks(2));
    SparkTestData.assertSame(want, null, blocked.collectAsList(), 1, 0);
    blocked.unpersist();

    // The spark-submit main, Parquet in and out, broadcast search.
    Path out = dir.resolve("neighbours.parquet");
    long anchors = NegHashSparkMain.run(spark, new String[] {"--input", in.toString(), "--output", out.toString(),
        "--k", String.valueOf(K), "--labels", "label", "--strategy", "broadcast", "--partitions", "4"});
    assertThat(anchors).isEqualTo(N);
    SparkTestData.assertSame(want, null, spark.read().parquet(out.toString()).collectAsList(), 1, 0);
  }

  private static Process start(String name, String flags, String mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(flags.trim().split("\\s+")));
    cmd.add("-Xmx256m");
    cmd.add("-cp");
    cmd.add(home.resolve("conf") + File.pathSeparator + home.resolve("jars") + File.separator + "*");
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.redirectErrorStream(true);
    pb.redirectOutput(home.resolve(name + ".log").toFile());
    Process p = pb.start();
    Files.writeString(home.resolveSibling("spark-home.pids"), p.pid() + "\n", java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    return p;
  }

  private static void awaitWorkers(int masterUi, int workers, Duration limit) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long end = System.nanoTime() + limit.toNanos();
    String last = "";
    while (System.nanoTime() < end) {
      for (Process p : daemons) {
        if (!p.isAlive()) {
          throw new IllegalStateException("a Spark daemon exited; see " + home + "/*.log");
        }
      }
      try {
        last = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterUi + "/json/")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        if (last.replaceAll("\\s", "").contains("\"aliveworkers\":" + workers)) {
          return;
        }
      } catch (IOException e) {
        // the master is still starting
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("workers did not register within " + limit + ": " + last);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }
}
