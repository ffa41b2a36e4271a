package dev.neghash.spark;

import dev.neghash.engine.io.Npy;
import dev.neghash.engine.mining.MiningOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code spark-submit} entry point: reads embeddings (Parquet, or a float32 {@code .npy} on the
 * driver), mines neighbour lists and optionally negatives, writes Parquet.
 *
 * <pre>
 * spark-submit --class dev.neghash.spark.NegHashSparkMain neghash-spark.jar \
 *   --input embeddings.parquet --output neighbours.parquet --k 128 --labels label
 * </pre>
 */
public final class NegHashSparkMain {

  static final String USAGE = """
      usage: NegHashSparkMain --input PATH --output PATH [options]
        --input PATH              Parquet table (id long, embedding array<float>, label long?) or a
                                  float32 .npy matrix read on the driver (ids are row numbers)
        --npy-labels PATH         int labels (.npy) for a .npy input
        --output PATH             Parquet output: id, neighbours array<long>, distances array<int>
        --k N                     neighbours per anchor (default 128)
        --bits B                  code length, a multiple of 64 (default 512)
        --seed S                  seed of the hyperplanes (default 42)
        --no-center               plain sign codes, no per-bit centring
        --no-normalize            do not scale rows to unit length
        --id-column C             (default id)
        --embedding-column C      (default embedding)
        --labels C                label column: same-label items are never neighbours
        --anchors C               boolean column: rows searched for (default all)
        --candidates C            boolean column: rows searched among (default all)
        --strategy S              auto | broadcast | blocked (default auto)
        --broadcast-budget-mb M   candidate codes broadcast under auto up to this (default 1024)
        --partitions N            anchor partitions (default: Spark's default parallelism)
        --candidate-blocks N      candidate blocks of the blocked search (default: same)
        --task-threads N          threads per task (default 1)
        --negatives N             also write N negatives per anchor to --negatives-output
        --negatives-output PATH   Parquet: id, negatives, distances, ranks
        --hard-positives PATH     also write each anchor's hard positive (needs --labels):
                                  Parquet: id, hard_positive, distance
      """;

  private NegHashSparkMain() {}

  /** Runs under spark-submit (the master and resources come from its configuration). */
  public static void main(String[] args) throws IOException {
    if (args.length == 0 || Arrays.asList(args).contains("--help")) {
      System.out.print(USAGE);
      return;
    }
    SparkSession spark = SparkSession.builder().appName("neghash").getOrCreate();
    try {
      run(spark, args);
    } finally {
      spark.stop();
    }
  }

  /** Parses {@code args} and does the work in {@code spark}; returns the number of anchors written. */
  public static long run(SparkSession spark, String[] args) throws IOException {
    String input = null;
    String npyLabels = null;
    String output = null;
    String negativesOutput = null;
    String hardPositives = null;
    int negatives = 0;
    SparkOptions o = SparkOptions.defaults();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--no-center" -> o = o.withCenter(false);
        case "--no-normalize" -> o = o.withNormalize(false);
        default -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("missing value after " + a + "\n" + USAGE);
          }
          String v = args[++i];
          switch (a) {
            case "--input" -> input = v;
            case "--npy-labels" -> npyLabels = v;
            case "--output" -> output = v;
            case "--k" -> o = o.withK(Integer.parseInt(v));
            case "--bits" -> o = o.withBits(Integer.parseInt(v));
            case "--seed" -> o = o.withSeed(Long.parseLong(v));
            case "--id-column" -> o = o.withIdColumn(v);
            case "--embedding-column" -> o = o.withEmbeddingColumn(v);
            case "--labels" -> o = o.withLabels(v);
            case "--anchors" -> o = o.withAnchors(v);
            case "--candidates" -> o = o.withCandidates(v);
            case "--strategy" -> o = o.withStrategy(SparkOptions.Strategy.valueOf(v.toUpperCase(Locale.ROOT)));
            case "--broadcast-budget-mb" -> o = o.withBroadcastBudget(Long.parseLong(v) << 20);
            case "--partitions" -> o = o.withPartitions(Integer.parseInt(v));
            case "--candidate-blocks" -> o = o.withCandidateBlocks(Integer.parseInt(v));
            case "--task-threads" -> o = o.withTaskThreads(Integer.parseInt(v));
            case "--negatives" -> negatives = Integer.parseInt(v);
            case "--negatives-output" -> negativesOutput = v;
            case "--hard-positives" -> hardPositives = v;
            default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
          }
        }
      }
    }
    if (input == null || output == null) {
      throw new IllegalArgumentException("--input and --output are required\n" + USAGE);
    }
    if (negatives > 0 && negativesOutput == null) {
      throw new IllegalArgumentException("--negatives needs --negatives-output");
    }
    Dataset<Row> table;
    if (input.endsWith(".npy")) {
      table = readNpy(spark, Path.of(input), npyLabels == null ? null : Path.of(npyLabels));
      o = o.withIdColumn("id").withEmbeddingColumn("embedding");
      if (npyLabels != null) {
        o = o.withLabels("label");
      }
    } else {
      table = spark.read().parquet(input);
    }
    Dataset<Row> nb = NegHashSpark.mine(spark, table, o);
    nb.write().mode("overwrite").parquet(output);
    if (negatives > 0) {
      NegHashSpark.negatives(spark, nb, o.bits(), MiningOptions.top(negatives))
          .write().mode("overwrite").parquet(negativesOutput);
    }
    if (hardPositives != null) {
      Dataset<Row> hp = NegHashSpark.hardPositives(spark, table, o);
      hp.write().mode("overwrite").parquet(hardPositives);
      hp.unpersist();
    }
    long anchors = nb.count();
    nb.unpersist();
    return anchors;
  }

  /** A float32 .npy matrix (and optional labels) as a table, read on the driver. */
  static Dataset<Row> readNpy(SparkSession spark, Path path, Path labelsPath) throws IOException {
    int[] shape = new int[2];
    float[] x = Npy.readFloatMatrix(path, shape);
    int n = shape[0];
    int d = shape[1];
    int[] labels = labelsPath == null ? null : Npy.readLabels(labelsPath);
    if (labels != null && labels.length != n) {
      throw new IllegalArgumentException("labels (" + labels.length + ") do not match the rows (" + n + ")");
    }
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      rows.add(RowFactory.create((long) i, labels == null ? null : (long) labels[i],
          Arrays.copyOfRange(x, i * d, (i + 1) * d)));
    }
    StructType schema = new StructType()
        .add("id", DataTypes.LongType, false)
        .add("label", DataTypes.LongType, true)
        .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int slices = Math.max(sc.defaultParallelism(), (int) Math.min(1024, (long) n * d / (1 << 20) + 1));
    return spark.createDataFrame(sc.parallelize(rows, slices), schema);
  }
}
