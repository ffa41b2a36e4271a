package dev.neghash.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.NegHash;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.lsh.BitSums;
import dev.neghash.engine.lsh.Encoder;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.mining.BatchBuilder;
import dev.neghash.engine.mining.BatchOptions;
import dev.neghash.engine.mining.Batches;
import dev.neghash.engine.mining.MiningOptions;
import dev.neghash.engine.mining.NegativeMiner;
import dev.neghash.engine.mining.Negatives;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.search.SearchOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * NegHash on Apache Spark: the engine's encoding and exact Hamming top-k over a {@code Dataset} of
 * embeddings, spread over the executors, with results identical to {@link NegHash} on one machine
 * for the same seed and data, at any partition count.
 *
 * <pre>{@code
 * Dataset<Row> emb = spark.read().parquet("embeddings.parquet");   // id, label, embedding
 * Dataset<Row> nb = NegHashSpark.mine(spark, emb, SparkOptions.k(128).withLabels("label"));
 * nb.write().parquet("neighbours.parquet");                         // id, neighbours, distances
 * }</pre>
 *
 * <p>How: every executor builds the same projection from the seed (once per JVM). A first pass
 * projects the rows and adds exact per-bit sums ({@link BitSums}), merged into the centring mean;
 * a second pass projects again and binarises. The search partitions the anchors by a hash of their
 * id; candidates either go to every task as one broadcast block (when their codes fit the
 * broadcast budget) or are split into blocks, every anchor block meeting every candidate block (a
 * cartesian product) and the partial lists of an anchor block merged by (distance, id). Each task
 * runs the engine's own Hamming kernel (the Vector API provider where the executor JVM has {@code
 * --add-modules=jdk.incubator.vector}). Neighbours are ordered by ascending distance, ties by the
 * smaller id, which is the engine's order on the rows sorted by id.
 *
 * <p>About 470 lines: the library's entry points (mine, codes, hard positives, negatives, batches)
 * and the two distributed passes they share; the per-task work lives in {@code BlockSearch} and {@code TopK}.
 */
public final class NegHashSpark {

  /** Schema of {@link #mine}'s result. */
  public static final StructType NEIGHBOURS_SCHEMA = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("neighbours", DataTypes.createArrayType(DataTypes.LongType, false), false)
      .add("distances", DataTypes.createArrayType(DataTypes.IntegerType, false), false);

  /** Schema of {@link #codes}'s result: packed codes as bytes, the layout of {@link PackedCodes#toBytes()}. */
  public static final StructType CODES_SCHEMA = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("code", DataTypes.BinaryType, false);

  /** Schema of {@link #negatives}'s result. */
  public static final StructType NEGATIVES_SCHEMA = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("negatives", DataTypes.createArrayType(DataTypes.LongType, false), false)
      .add("distances", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("ranks", DataTypes.createArrayType(DataTypes.IntegerType, false), false);

  /** Schema of {@link #hardPositives}'s result. */
  public static final StructType HARD_POSITIVES_SCHEMA = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("hard_positive", DataTypes.LongType, true)
      .add("distance", DataTypes.IntegerType, true);

  private static final int ROWS_PER_CHUNK = 256;
  private static final Map<String, Encoder> ENCODERS = new ConcurrentHashMap<>();

  private NegHashSpark() {}

  /**
   * The k nearest admissible neighbours of every anchor by Hamming distance over the whole table,
   * exactly: {@code (id long, neighbours array<long>, distances array<int>)}, one row per anchor,
   * nearest first, ties by the smaller id; shorter than k where fewer admissible candidates
   * exist. The result is computed before this returns and cached (call {@code unpersist()} on it
   * when done).
   *
   * @throws InvalidInputException if k is out of range, an embedding is missing, of another
   *     length, or not finite, or a candidate id repeats
   */
  public static Dataset<Row> mine(SparkSession spark, Dataset<Row> embeddings, SparkOptions options) {
    JavaRDD<EncodedItem> items = encode(spark, embeddings, options).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      JavaRDD<Row> rows = search(spark, items, options).flatMap(NegHashSpark::toRows);
      Dataset<Row> out = spark.createDataFrame(rows, NEIGHBOURS_SCHEMA).persist(StorageLevel.MEMORY_AND_DISK());
      out.count();
      return out;
    } finally {
      items.unpersist(false);
    }
  }

  /**
   * Every anchor's hard positive: the candidate of its label farthest in Hamming distance, ties by
   * the smaller id, never the anchor itself; {@code (id long, hard_positive long, distance int)},
   * both null where the anchor has no label or its label no other candidate. Items are grouped by
   * label, so each label's items (their codes) are searched within one task. The result is
   * computed before this returns and cached.
   *
   * @throws InvalidInputException without a label column, or as {@link #mine} for bad rows
   */
  public static Dataset<Row> hardPositives(SparkSession spark, Dataset<Row> embeddings, SparkOptions options) {
    if (options.labelColumn() == null) {
      throw new InvalidInputException("hard positives need a label column");
    }
    JavaRDD<EncodedItem> items = encode(spark, embeddings, options).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      int p = options.partitions() > 0 ? options.partitions() : spark.sparkContext().defaultParallelism();
      Dataset<Row> out = spark.createDataFrame(HardPositiveGroups.find(items, p), HARD_POSITIVES_SCHEMA)
          .persist(StorageLevel.MEMORY_AND_DISK());
      out.count();
      return out;
    } finally {
      items.unpersist(false);
    }
  }

  /** The packed codes of every row, {@code (id long, code binary)}, distributed as {@link #mine} makes them. */
  public static Dataset<Row> codes(SparkSession spark, Dataset<Row> embeddings, SparkOptions options) {
    int bits = options.bits();
    JavaRDD<Row> rows = encode(spark, embeddings, options)
        .map(it -> RowFactory.create(it.id(), new PackedCodes(it.code(), 1, bits).toBytes()));
    return spark.createDataFrame(rows, CODES_SCHEMA);
  }

  // ---- encoding ----------------------------------------------------------------------------

  /** Columns in a fixed order: id, embedding, label, anchor, candidate. */
  static Dataset<Row> prepare(Dataset<Row> df, SparkOptions o) {
    Column label = o.labelColumn() == null ? lit(null).cast("long") : col(o.labelColumn()).cast("long");
    Column anchor = o.anchorColumn() == null ? lit(true) : col(o.anchorColumn()).cast("boolean");
    Column candidate = o.candidateColumn() == null ? lit(true) : col(o.candidateColumn()).cast("boolean");
    return df.select(col(o.idColumn()).cast("long").as("id"), col(o.embeddingColumn()).cast("array<float>").as("e"),
        label.as("label"), anchor.as("anchor"), candidate.as("candidate"));
  }

  /** Distributed encoding: exact per-bit sums in one pass, binarisation in a second. */
  static JavaRDD<EncodedItem> encode(SparkSession spark, Dataset<Row> embeddings, SparkOptions o) {
    Dataset<Row> prepared = prepare(embeddings, o);
    List<Row> first = prepared.select("e").limit(1).collectAsList();
    if (first.isEmpty()) {
      throw new InvalidInputException("no embeddings");
    }
    if (first.get(0).isNullAt(0)) {
      throw new InvalidInputException("an embedding is null");
    }
    int d = first.get(0).getList(0).size();
    if (d < 1) {
      throw new InvalidInputException("embeddings are empty");
    }
    JavaRDD<Row> rows = prepared.javaRDD();
    float[] mean = new float[o.bits()];
    if (o.center()) {
      BitSums sums = rows.mapPartitions(it -> Collections.singletonList(sumPartition(it, d, o)).iterator())
          .treeReduce(BitSums::merge);
      mean = sums.mean();
    }
    float[] centre = mean;
    return rows.mapPartitions(it -> encodePartition(it, d, o, centre));
  }

  /** This JVM's encoder for the settings: the projection is built from the seed once per executor. */
  static Encoder encoder(int d, SparkOptions o) {
    String key = d + "/" + o.bits() + "/" + o.seed() + "/" + o.center() + "/" + o.normalize();
    return ENCODERS.computeIfAbsent(key, x -> NegHash.builder().bits(o.bits()).seed(o.seed()).center(o.center())
        .normalize(o.normalize()).threads(1).build().encoder(d));
  }

  static KernelProvider kernels() {
    return NegHash.withDefaults().kernels();
  }

  private static BitSums sumPartition(Iterator<Row> it, int d, SparkOptions o) {
    Encoder enc = encoder(d, o);
    BitSums sums = new BitSums(o.bits());
    float[] buf = new float[ROWS_PER_CHUNK * d];
    while (it.hasNext()) {
      int m = 0;
      while (m < ROWS_PER_CHUNK && it.hasNext()) {
        readEmbedding(it.next(), d, buf, m++);
      }
      sums.add(enc.project(buf, m), m);
    }
    return sums;
  }

  private static Iterator<EncodedItem> encodePartition(Iterator<Row> it, int d, SparkOptions o, float[] mean) {
    Encoder enc = encoder(d, o);
    int words = o.bits() / 64;
    List<EncodedItem> out = new ArrayList<>();
    float[] buf = new float[ROWS_PER_CHUNK * d];
    Row[] rows = new Row[ROWS_PER_CHUNK];
    while (it.hasNext()) {
      int m = 0;
      while (m < ROWS_PER_CHUNK && it.hasNext()) {
        Row r = it.next();
        readEmbedding(r, d, buf, m);
        rows[m++] = r;
      }
      long[] codes = enc.binarize(enc.project(buf, m), m, mean);
      for (int i = 0; i < m; i++) {
        Row r = rows[i];
        boolean labelled = !r.isNullAt(2);
        out.add(new EncodedItem(r.getLong(0), labelled ? r.getLong(2) : 0L, labelled,
            !r.isNullAt(3) && r.getBoolean(3), !r.isNullAt(4) && r.getBoolean(4),
            Arrays.copyOfRange(codes, i * words, (i + 1) * words)));
      }
    }
    return out.iterator();
  }

  private static void readEmbedding(Row r, int d, float[] buf, int row) {
    if (r.isNullAt(0)) {
      throw new InvalidInputException("an id is null");
    }
    long id = r.getLong(0);
    if (r.isNullAt(1)) {
      throw new InvalidInputException("the embedding of id " + id + " is null");
    }
    List<Object> e = r.getList(1);
    if (e.size() != d) {
      throw new InvalidInputException(
          "the embedding of id " + id + " has " + e.size() + " values; the first row has " + d);
    }
    int o = row * d;
    for (int i = 0; i < d; i++) {
      Object v = e.get(i);
      float f = v == null ? Float.NaN : (Float) v;
      if (!Float.isFinite(f)) {
        throw new InvalidInputException("the embedding of id " + id + " contains "
            + (v == null ? "null" : Float.isNaN(f) ? "NaN" : "an infinite value") + " (column " + i + ")");
      }
      buf[o + i] = f;
    }
  }

  // ---- search ------------------------------------------------------------------------------

  /** The top-k lists of every anchor block. */
  static JavaRDD<TopK> search(SparkSession spark, JavaRDD<EncodedItem> items, SparkOptions o) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    long[] counts = items.map(it -> new long[] {it.anchor() ? 1 : 0, it.candidate() ? 1 : 0})
        .fold(new long[2], (x, y) -> new long[] {x[0] + y[0], x[1] + y[1]});
    long candidates = counts[1];
    boolean subsets = o.anchorColumn() != null || o.candidateColumn() != null;
    long max = Math.min(subsets ? candidates : candidates - 1, SearchOptions.MAX_K);
    int k = o.k();
    if (k < 1 || k > max) {
      throw new InvalidInputException(
          "k must be between 1 and " + max + " for " + candidates + " items, got " + k);
    }
    int bits = o.bits();
    int words = bits / 64;
    boolean useLabels = o.labelColumn() != null;
    int threads = o.taskThreads();
    Broadcast<Map<Long, long[]>> partners = sc.broadcast(partners(o.positivePairs()));
    int p = o.partitions() > 0 ? o.partitions() : sc.defaultParallelism();
    JavaRDD<CodeBlock> anchorBlocks = blocks(items.filter(EncodedItem::anchor), p, words, useLabels);
    boolean broadcast = switch (o.strategy()) {
      case BROADCAST -> true;
      case BLOCKED -> false;
      case AUTO -> candidates * words * 8 <= o.broadcastBudgetBytes();
    };
    if (broadcast) {
      List<CodeBlock> parts = items.filter(EncodedItem::candidate)
          .mapPartitionsWithIndex((i, it) -> Collections.singletonList(CodeBlock.of(i, it, words, useLabels))
              .iterator(), false)
          .collect();
      Broadcast<CodeBlock> all = sc.broadcast(concat(parts, words, useLabels));
      return anchorBlocks.map(
          ab -> BlockSearch.search(ab, all.value(), k, bits, partners.value(), threads, kernels()));
    }
    int c = o.candidateBlocks() > 0 ? o.candidateBlocks() : sc.defaultParallelism();
    JavaRDD<CodeBlock> candidateBlocks = blocks(items.filter(EncodedItem::candidate), c, words, useLabels);
    JavaPairRDD<Integer, TopK> partial = anchorBlocks.cartesian(candidateBlocks).mapToPair(ac -> new Tuple2<>(
        ac._1().index(), BlockSearch.search(ac._1(), ac._2(), k, bits, partners.value(), threads, kernels())));
    return partial.reduceByKey(TopK::merge, p).values();
  }

  /** Items spread over {@code n} blocks by a hash of their id, each block sorted by id. */
  static JavaRDD<CodeBlock> blocks(JavaRDD<EncodedItem> items, int n, int words, boolean useLabels) {
    return items.mapToPair(it -> new Tuple2<>(blockOf(it.id(), n), it))
        .partitionBy(new HashPartitioner(n))
        .values()
        .mapPartitionsWithIndex((i, it) -> Collections.singletonList(CodeBlock.of(i, it, words, useLabels))
            .iterator(), true);
  }

  static int blockOf(long id, int n) {
    long z = id * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 31)) * 0xBF58476D1CE4E5B9L;
    return Math.floorMod(z ^ (z >>> 29), n);
  }

  private static CodeBlock concat(List<CodeBlock> parts, int words, boolean useLabels) {
    List<EncodedItem> all = new ArrayList<>();
    for (CodeBlock b : parts) {
      for (int i = 0; i < b.size(); i++) {
        all.add(new EncodedItem(b.ids()[i], b.labels()[i], useLabels && b.labelled()[i], false, true,
            Arrays.copyOfRange(b.words(), i * words, (i + 1) * words)));
      }
    }
    return CodeBlock.of(0, all.iterator(), words, useLabels);
  }

  private static Map<Long, long[]> partners(long[] pairs) {
    Map<Long, long[]> m = new HashMap<>();
    if (pairs == null) {
      return m;
    }
    for (int i = 0; i < pairs.length; i += 2) {
      add(m, pairs[i], pairs[i + 1]);
      add(m, pairs[i + 1], pairs[i]);
    }
    return m;
  }

  private static void add(Map<Long, long[]> m, long x, long y) {
    long[] old = m.get(x);
    long[] next = old == null ? new long[1] : Arrays.copyOf(old, old.length + 1);
    next[next.length - 1] = y;
    m.put(x, next);
  }

  private static Iterator<Row> toRows(TopK t) {
    List<Row> out = new ArrayList<>(t.anchorIds().length);
    for (int a = 0; a < t.anchorIds().length; a++) {
      int c = t.count(a);
      out.add(RowFactory.create(t.anchorIds()[a], Arrays.copyOfRange(t.ids(), a * t.k(), a * t.k() + c),
          Arrays.copyOfRange(t.dist(), a * t.k(), a * t.k() + c)));
    }
    return out.iterator();
  }

  // ---- mining ------------------------------------------------------------------------------

  /**
   * Hard negatives from {@link #mine}'s lists, as the engine's {@link NegativeMiner} takes them
   * with the anchors in id order: {@code (id, negatives array<long>, distances array<int>, ranks
   * array<int>)}, shorter than the count asked for where an anchor has too few.
   *
   * @param bits the code length the lists were searched with (for the cosine ceiling)
   */
  public static Dataset<Row> negatives(SparkSession spark, Dataset<Row> neighbours, int bits, MiningOptions m) {
    // MiningOptions is not serializable: its fields travel instead.
    MiningOptions.Strategy strategy = m.strategy();
    int count = m.count();
    int lo = m.rangeMin();
    int hi = m.rangeMax();
    double ceiling = m.maxEstimatedCosine();
    long seed = m.seed();
    JavaRDD<Row> rows = neighbours.select("id", "neighbours", "distances").orderBy("id").javaRDD().zipWithIndex()
        .map(ra -> negativesOf(ra._1(), ra._2(), bits, new MiningOptions(strategy, count, lo, hi, ceiling, seed)));
    return spark.createDataFrame(rows, NEGATIVES_SCHEMA);
  }

  private static Row negativesOf(Row r, long anchorIndex, int bits, MiningOptions m) {
    List<Object> nbIds = r.getList(1);
    List<Object> nbDist = r.getList(2);
    int count = nbIds.size();
    if (count == 0) {
      return RowFactory.create(r.getLong(0), new long[0], new int[0], new int[0]);
    }
    int[] ranks = new int[count];
    int[] dist = new int[count];
    for (int i = 0; i < count; i++) {
      ranks[i] = i;
      dist[i] = (Integer) nbDist.get(i);
    }
    // The engine seeds anchor a's draw with a mix of (seed, a); a one-row list with the seed moved
    // by a golden-ratio step per anchor draws exactly what row a of the whole list would.
    MiningOptions shifted = new MiningOptions(m.strategy(), m.count(), m.rangeMin(), m.rangeMax(),
        m.maxEstimatedCosine(), m.seed() + 0x9E3779B97F4A7C15L * anchorIndex);
    Negatives neg = NegativeMiner.mine(new Neighbours(1, count, ranks, dist, null, bits), shifted);
    int f = neg.found(0);
    long[] ids = new long[f];
    int[] d = new int[f];
    int[] rk = new int[f];
    for (int i = 0; i < f; i++) {
      rk[i] = neg.ranks()[i];
      ids[i] = (Long) nbIds.get(rk[i]);
      d[i] = dist[rk[i]];
    }
    return RowFactory.create(r.getLong(0), ids, d, rk);
  }

  /**
   * The next epoch's batches from {@link #mine}'s lists over all items (every item an anchor and a
   * candidate), built on the driver by the engine's {@link BatchBuilder} with the items in id order:
   * the walk is sequential by nature, and the lists ({@code 12 k} bytes per item) must fit the
   * driver.
   *
   * @param labels rows of (id, label) as their first two columns, or null when every item is its own class
   */
  public static SparkBatches batches(Dataset<Row> neighbours, Dataset<Row> labels, BatchOptions options) {
    List<Row> rows = neighbours.select("id", "neighbours", "distances").orderBy("id").collectAsList();
    int n = rows.size();
    long[] ids = new long[n];
    int k = 1;
    for (int i = 0; i < n; i++) {
      ids[i] = rows.get(i).getLong(0);
      k = Math.max(k, rows.get(i).getList(1).size());
    }
    int[] nbIds = new int[n * k];
    int[] nbDist = new int[n * k];
    Arrays.fill(nbIds, -1);
    Arrays.fill(nbDist, -1);
    for (int i = 0; i < n; i++) {
      List<Object> l = rows.get(i).getList(1);
      List<Object> dl = rows.get(i).getList(2);
      for (int r = 0; r < l.size(); r++) {
        int j = Arrays.binarySearch(ids, (Long) l.get(r));
        if (j < 0) {
          throw new InvalidInputException("neighbour " + l.get(r) + " is not an anchor: batches need all items");
        }
        nbIds[i * k + r] = j;
        nbDist[i * k + r] = (Integer) dl.get(r);
      }
    }
    int[] dense = null;
    if (labels != null) {
      dense = new int[n];
      Arrays.fill(dense, -1);
      Map<Long, Integer> dict = new HashMap<>();
      for (Row r : labels.select(col(labels.columns()[0]).cast("long"), col(labels.columns()[1]).cast("long"))
          .collectAsList()) {
        int j = Arrays.binarySearch(ids, r.getLong(0));
        if (j >= 0) {
          dense[j] = r.isNullAt(1) ? -2 - j : dict.computeIfAbsent(r.getLong(1), x -> dict.size());
        }
      }
    }
    Batches b = BatchBuilder.build(new Neighbours(n, k, nbIds, nbDist, null, 0), dense, options);
    List<long[]> out = new ArrayList<>(b.batches().size());
    for (int[] batch : b.batches()) {
      long[] x = new long[batch.length];
      for (int i = 0; i < batch.length; i++) {
        x[i] = ids[batch[i]];
      }
      out.add(x);
    }
    return new SparkBatches(b.batchSize(), out, b.leftOut());
  }

  /**
   * Batches in item ids.
   *
   * @param batchSize items per batch
   * @param batches the batches, item ids
   * @param leftOut items in the incomplete last batch, left out
   */
  public record SparkBatches(int batchSize, List<long[]> batches, int leftOut) {}
}
