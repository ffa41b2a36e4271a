package dev.neghash.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import dev.neghash.engine.NegHash;
import dev.neghash.engine.io.IdxImages;
import dev.neghash.engine.lsh.Encoder;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.search.SearchOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.ml.feature.BucketedRandomProjectionLSH;
import org.apache.spark.ml.feature.BucketedRandomProjectionLSHModel;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Side by side on one data set: NegHash on one machine, NegHash on Spark and MLlib's {@code
 * BucketedRandomProjectionLSH} (the approximate self-join a Spark user would reach for), each
 * producing k neighbours for every item; time, and overlap@k against exact cosine neighbours on a
 * seeded sample of anchors. Rows are scaled to unit length first, so Euclidean order (MLlib) is
 * cosine order.
 *
 * <pre>
 * java ... dev.neghash.spark.MllibComparison fashion 10000 [k] [master]
 * java ... dev.neghash.spark.MllibComparison synthetic 20000 [k] [master]   (d = 768)
 * </pre>
 *
 * <p>MLlib runs with {@code -Dneghash.mllib.tables} hash tables (default 8) and bucket lengths of
 * {@code -Dneghash.mllib.widths} (default 1,2,4) times threshold / sqrt(d).
 */
public final class MllibComparison {

  private MllibComparison() {}

  public static void main(String[] args) throws Exception {
    String which = args.length > 0 ? args[0] : "fashion";
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 10000;
    int k = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    String master = args.length > 3 ? args[3] : "local[2]";
    boolean mllib = args.length <= 4 || !args[4].equals("no-mllib");
    int d;
    float[] x;
    if (which.equals("fashion")) {
      java.nio.file.Path dir = java.nio.file.Path.of("/usr/share/datasets/fashion-mnist");
      IdxImages f = IdxImages.load(dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"))
          .head(n);
      x = f.images();
      d = f.dims();
    } else {
      d = 768;
      x = synthetic(n, d, 200, 42);
    }
    Encoder.normalizeRows(x, n, d);
    int sample = Math.min(500, n);
    int[] anchors = new Random(7).ints(0, n).distinct().limit(sample).sorted().toArray();
    NegHash engine = NegHash.builder().bits(512).seed(42).threads(2).build();
    Neighbours exact = engine.exactSearch(x, d, SearchOptions.k(k).anchors(anchors));

    engine.search(engine.encode(Arrays.copyOf(x, Math.min(n, 4000) * d), Math.min(n, 4000), d), SearchOptions.k(k));
    long t0 = System.nanoTime();
    PackedCodes codes = engine.encode(x, n, d);
    double oneEncode = (System.nanoTime() - t0) / 1e9;
    Neighbours one = engine.search(codes, SearchOptions.k(k));
    double oneSec = (System.nanoTime() - t0) / 1e9;
    double oneSearch = oneSec - oneEncode;
    Map<Long, long[]> oneLists = new HashMap<>();
    for (int a : anchors) {
      oneLists.put((long) a, Arrays.stream(one.row(a)).asLongStream().toArray());
    }

    SparkSession spark = SparkSession.builder().master(master).appName("neghash-vs-mllib")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.memory", "6g").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    int cores = spark.sparkContext().defaultParallelism();
    List<Row> rows = new ArrayList<>(n);
    List<Row> vecRows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      float[] e = Arrays.copyOfRange(x, i * d, (i + 1) * d);
      rows.add(RowFactory.create((long) i, e));
      if (mllib) {
        double[] v = new double[d];
        for (int j = 0; j < d; j++) {
          v[j] = e[j];
        }
        vecRows.add(RowFactory.create((long) i, Vectors.dense(v)));
      }
    }
    Dataset<Row> table = spark.createDataFrame(spark.sparkContext().parallelize(
        scala.jdk.javaapi.CollectionConverters.asScala(rows).toSeq(), 16, scala.reflect.ClassTag.apply(Row.class)),
        new StructType().add("id", DataTypes.LongType).add("embedding",
            DataTypes.createArrayType(DataTypes.FloatType))).cache();
    table.count();
    // A first run warms the JIT and builds every executor's projection; the timed runs follow.
    NegHashSpark.mine(spark, table, SparkOptions.k(k).withPartitions(2 * cores)).unpersist();
    t0 = System.nanoTime();
    NegHashSpark.codes(spark, table, SparkOptions.k(k)).count();
    double sparkEncode = (System.nanoTime() - t0) / 1e9;
    t0 = System.nanoTime();
    Dataset<Row> nb = NegHashSpark.mine(spark, table, SparkOptions.k(k).withPartitions(2 * cores));
    double sparkSec = (System.nanoTime() - t0) / 1e9;
    double pairs = (double) n * (n - 1);
    Map<Long, long[]> sparkLists = new HashMap<>();
    Set<Long> wanted = new HashSet<>();
    for (int a : anchors) {
      wanted.add((long) a);
    }
    for (Row r : nb.collectAsList()) {
      if (wanted.contains(r.getLong(0))) {
        sparkLists.put(r.getLong(0), r.getList(1).stream().mapToLong(o -> (Long) o).toArray());
      }
    }
    boolean same = true;
    for (int a : anchors) {
      same &= Arrays.equals(sparkLists.get((long) a), oneLists.get((long) a));
    }

    Dataset<Row> vectors = spark.createDataFrame(vecRows, new StructType().add("id", DataTypes.LongType)
        .add("features", new VectorUDT())).repartition(16);
    if (mllib) {
      vectors = vectors.cache();
      vectors.count();
    }
    System.out.printf("| data | N | d | k | method | wall s | overlap@%d | note |%n|---|---|---|---|---|---|---|---|%n", k);
    String data = which.equals("fashion") ? "Fashion-MNIST" : "synthetic (200 clusters)";
    System.out.printf("| %s | %d | %d | %d | NegHash, one machine (2 threads) | %.1f | %.3f | b = 512; encode %.1f s,"
        + " search %.1f s = %.2e pairs/s/core |%n", data, n, d, k, oneSec, overlap(exact, anchors, oneLists, k),
        oneEncode, oneSearch, pairs / oneSearch / 2);
    double sparkSearch = sparkSec - sparkEncode;
    System.out.printf("| %s | %d | %d | %d | NegHash on Spark (%s) | %.1f | %.3f | lists identical to one machine: %s;"
        + " encode alone %.1f s, %s |%n", data, n, d, k, master, sparkSec,
        overlap(exact, anchors, sparkLists, k), same, sparkEncode, sparkSearch > 0.1 * sparkSec
            ? String.format("search ~%.1f s = %.2e pairs/s/core", sparkSearch, pairs / sparkSearch / cores)
            : "search too short at this N to separate from encoding");
    double[] kth = new double[anchors.length];
    for (int i = 0; i < anchors.length; i++) {
      kth[i] = Math.sqrt(Math.max(0, 2 - 2 * exact.similarity()[i * k + k - 1]));
    }
    Arrays.sort(kth);
    double threshold = kth[(int) (0.9 * (kth.length - 1))];
    // Two points at distance t differ along one random unit direction by about t / sqrt(d), so
    // buckets are sized in that unit: a bucket as long as the threshold itself puts nearly every
    // unit vector of a high-dimensional set into one bucket, and the join degenerates into a full
    // cross product.
    double unit = threshold / Math.sqrt(d);
    int tables = Integer.getInteger("neghash.mllib.tables", 8);
    double[] widthList = java.util.Arrays.stream(System.getProperty("neghash.mllib.widths", "1,2,4").split(","))
        .mapToDouble(Double::parseDouble).toArray();
    for (double width : mllib ? widthList : new double[0]) {
      double bucket = width * unit;
      t0 = System.nanoTime();
      BucketedRandomProjectionLSHModel model = new BucketedRandomProjectionLSH().setInputCol("features")
          .setOutputCol("hashes").setBucketLength(bucket).setNumHashTables(tables).setSeed(42).fit(vectors);
      Dataset<Row> joined = model.approxSimilarityJoin(vectors, vectors, threshold, "dist")
          .select(col("datasetA.id").as("a"), col("datasetB.id").as("b"), col("dist"))
          .where(col("a").notEqual(col("b")));
      Dataset<Row> top = joined.withColumn("r", row_number().over(Window.partitionBy("a").orderBy("dist", "b")))
          .where(col("r").leq(k)).select("a", "b", "r");
      List<Row> got = top.where(col("a").isin(wanted.toArray())).collectAsList();
      long listed = top.count();
      double sec = (System.nanoTime() - t0) / 1e9;
      Map<Long, long[]> lists = new HashMap<>();
      for (Row r : got) {
        long[] l = lists.computeIfAbsent(r.getLong(0), z -> filled(k));
        l[r.getInt(2) - 1] = r.getLong(1);
      }
      System.out.printf("| %s | %d | %d | %d | MLlib BucketedRandomProjectionLSH, %d tables (%s) | %.1f | %.3f |"
          + " bucket length %.4f (%.2f x threshold / sqrt(d)), join threshold %.3f (90th percentile of the exact"
          + " k-th distance); %.2f of k listed |%n",
          data, n, d, k, tables, master, sec, overlap(exact, anchors, lists, k), bucket, width, threshold,
          (double) listed / ((double) n * k));
    }
    spark.stop();
  }

  private static long[] filled(int k) {
    long[] l = new long[k];
    Arrays.fill(l, -1);
    return l;
  }

  /** Mean share of the exact top-k found in the lists (a missing list counts 0). */
  static double overlap(Neighbours exact, int[] anchors, Map<Long, long[]> lists, int k) {
    double s = 0;
    for (int i = 0; i < anchors.length; i++) {
      Set<Long> truth = new HashSet<>();
      for (int r = 0; r < k; r++) {
        truth.add((long) exact.id(i, r));
      }
      long[] l = lists.get((long) anchors[i]);
      int hit = 0;
      if (l != null) {
        for (long v : l) {
          if (v >= 0 && truth.contains(v)) {
            hit++;
          }
        }
      }
      s += (double) hit / k;
    }
    return s / anchors.length;
  }

  /** {@code n} points around {@code clusters} random centres in {@code d} dimensions, seeded. */
  static float[] synthetic(int n, int d, int clusters, long seed) {
    Random r = new Random(seed);
    float[] c = new float[clusters * d];
    for (int i = 0; i < c.length; i++) {
      c[i] = (float) r.nextGaussian();
    }
    float[] x = new float[n * d];
    for (int i = 0; i < n; i++) {
      int m = r.nextInt(clusters);
      for (int j = 0; j < d; j++) {
        x[i * d + j] = c[m * d + j] + 0.8f * (float) r.nextGaussian();
      }
    }
    return x;
  }
}
