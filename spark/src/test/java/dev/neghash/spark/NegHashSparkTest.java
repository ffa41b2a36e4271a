package dev.neghash.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.NegHash;
import dev.neghash.engine.io.IdxImages;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.mining.BatchOptions;
import dev.neghash.engine.mining.Batches;
import dev.neghash.engine.mining.HardPositives;
import dev.neghash.engine.mining.MiningOptions;
import dev.neghash.engine.mining.Negatives;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.search.SearchOptions;
import dev.neghash.engine.io.Npy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NegHash on Spark ({@code local[2]}) against the engine on one machine, on the first 6,000
 * Fashion-MNIST images: codes, neighbour lists and distances must be identical for every partition
 * count and both search strategies.
 */
class NegHashSparkTest {

  static final int N = 6000;
  static final int D = SparkTestData.FASHION_DIMS;
  static final int K = 32;

  static SparkSession spark;
  static IdxImages data;
  static NegHash engine;
  static PackedCodes codes;
  static Dataset<Row> table;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    data = SparkTestData.fashion(N);
    spark = SparkSession.builder().master("local[2]").appName("neghash-spark-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    engine = NegHash.builder().bits(512).seed(42).build();
    codes = engine.encode(data.images(), N, D);
    Path parquet = tmp.resolve("fashion.parquet");
    spark.createDataFrame(SparkTestData.rows(data.images(), data.labels(), N, D, 1, 0), SparkTestData.SCHEMA)
        .repartition(4).write().parquet(parquet.toString());
    table = spark.read().parquet(parquet.toString()).cache();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void codesEqualTheEngineAtAnyPartitionCount() {
    for (int parts : new int[] {1, 5}) {
      List<Row> rows = NegHashSpark.codes(spark, table.repartition(parts), SparkOptions.k(K)).collectAsList();
      assertThat(rows).hasSize(N);
      byte[] want = codes.toBytes();
      int bytes = codes.bytesPerCode();
      for (Row r : rows) {
        int i = (int) r.getLong(0);
        assertThat((byte[]) r.get(1)).as("code of item %d with %d partitions", i, parts)
            .isEqualTo(Arrays.copyOfRange(want, i * bytes, (i + 1) * bytes));
      }
    }
  }

  @Test
  void uncentredAndUnnormalisedCodesEqualTheEngine() {
    NegHash plain = NegHash.builder().bits(128).seed(7).center(false).normalize(false).build();
    byte[] want = plain.encode(data.images(), N, D).toBytes();
    List<Row> rows = NegHashSpark.codes(spark, table.repartition(3),
        SparkOptions.k(K).withBits(128).withSeed(7).withCenter(false).withNormalize(false)).collectAsList();
    for (Row r : rows) {
      int i = (int) r.getLong(0);
      assertThat((byte[]) r.get(1)).isEqualTo(Arrays.copyOfRange(want, i * 16, (i + 1) * 16));
    }
  }

  @Test
  void broadcastSearchWithLabelsEqualsTheEngine() {
    Neighbours want = engine.search(codes, SearchOptions.k(K).labels(data.labels()));
    for (int parts : new int[] {1, 3}) {
      Dataset<Row> nb = NegHashSpark.mine(spark, table.repartition(2), SparkOptions.k(K).withLabels("label")
          .withStrategy(SparkOptions.Strategy.BROADCAST).withPartitions(parts));
      SparkTestData.assertSame(want, null, nb.collectAsList(), 1, 0);
      nb.unpersist();
    }
  }

  @Test
  void blockedSearchWithLabelsAndPairsEqualsTheEngine() {
    int[] pairs = new int[200];
    long[] idPairs = new long[200];
    for (int i = 0; i < 100; i++) {
      // Each item and the item that the engine puts first in its list: a pair that matters.
      pairs[2 * i] = 37 * i;
      pairs[2 * i + 1] = 0;
    }
    Neighbours plain = engine.search(codes, SearchOptions.k(K).labels(data.labels()));
    for (int i = 0; i < 100; i++) {
      pairs[2 * i + 1] = plain.id(37 * i, 0);
      idPairs[2 * i] = pairs[2 * i];
      idPairs[2 * i + 1] = pairs[2 * i + 1];
    }
    Neighbours want = engine.search(codes, SearchOptions.k(K).labels(data.labels()).positivePairs(pairs));
    assertThat(want.id(0, 0)).isNotEqualTo(plain.id(0, 0));
    int[][] layouts = {{2, 3}, {3, 1}, {4, 5}};
    for (int[] l : layouts) {
      Dataset<Row> nb = NegHashSpark.mine(spark, table, SparkOptions.k(K).withLabels("label").withPositivePairs(idPairs)
          .withStrategy(SparkOptions.Strategy.BLOCKED).withPartitions(l[0]).withCandidateBlocks(l[1]));
      SparkTestData.assertSame(want, null, nb.collectAsList(), 1, 0);
      nb.unpersist();
    }
  }

  @Test
  void anchorAndCandidateSubsetsWithOtherIdsEqualTheEngine() {
    // Ids 5i + 3 keep the order of the rows; anchors every third item, candidates all but i % 3 == 1.
    Dataset<Row> t = spark.createDataFrame(SparkTestData.rows(data.images(), data.labels(), N, D, 5, 3),
            SparkTestData.SCHEMA)
        .withColumn("query", functions.expr("(id - 3) / 5 % 3 = 0"))
        .withColumn("ref", functions.expr("(id - 3) / 5 % 3 != 1"));
    List<Integer> a = new ArrayList<>();
    List<Integer> c = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      if (i % 3 == 0) {
        a.add(i);
      }
      if (i % 3 != 1) {
        c.add(i);
      }
    }
    int[] anchors = a.stream().mapToInt(Integer::intValue).toArray();
    int[] candidates = c.stream().mapToInt(Integer::intValue).toArray();
    Neighbours want = engine.search(codes, SearchOptions.k(K).labels(data.labels()).anchors(anchors)
        .candidates(candidates));
    for (SparkOptions.Strategy s : new SparkOptions.Strategy[] {SparkOptions.Strategy.BROADCAST,
        SparkOptions.Strategy.BLOCKED}) {
      Dataset<Row> nb = NegHashSpark.mine(spark, t.repartition(3), SparkOptions.k(K).withLabels("label")
          .withAnchors("query").withCandidates("ref").withStrategy(s).withPartitions(2).withCandidateBlocks(3));
      SparkTestData.assertSame(want, anchors, nb.collectAsList(), 5, 3);
      nb.unpersist();
    }
  }

  @Test
  void negativesAndBatchesEqualTheEngine() {
    Neighbours nbEngine = engine.search(codes, SearchOptions.k(K).labels(data.labels()));
    Dataset<Row> nb = NegHashSpark.mine(spark, table, SparkOptions.k(K).withLabels("label").withPartitions(3));
    MiningOptions random = new MiningOptions(MiningOptions.Strategy.RANDOM, 5, 2, 20, Double.NaN, 99);
    Negatives want = engine.negatives(nbEngine, random);
    Map<Long, Row> got = SparkTestData.byId(NegHashSpark.negatives(spark, nb, 512, random).collectAsList());
    for (int i = 0; i < N; i++) {
      List<Object> ids = got.get((long) i).getList(1);
      List<Object> ranks = got.get((long) i).getList(3);
      assertThat(ids).hasSize(want.found(i));
      for (int j = 0; j < ids.size(); j++) {
        assertThat((Long) ids.get(j)).isEqualTo(want.ids()[i * 5 + j]);
        assertThat((Integer) ranks.get(j)).isEqualTo(want.ranks()[i * 5 + j]);
      }
    }
    Batches wantBatches = engine.batches(nbEngine, data.labels(), BatchOptions.of(10, 42));
    NegHashSpark.SparkBatches gotBatches = NegHashSpark.batches(nb, table.select("id", "label"),
        BatchOptions.of(10, 42));
    assertThat(gotBatches.leftOut()).isEqualTo(wantBatches.leftOut());
    assertThat(gotBatches.batches()).hasSameSizeAs(wantBatches.batches()).isNotEmpty();
    for (int b = 0; b < wantBatches.batches().size(); b++) {
      assertThat(gotBatches.batches().get(b))
          .isEqualTo(Arrays.stream(wantBatches.batches().get(b)).asLongStream().toArray());
    }
    nb.unpersist();
  }

  @Test
  void mainReadsNpyAndWritesParquetEqualToTheEngine() throws Exception {
    int n = 2000;
    Path x = tmp.resolve("x.npy");
    Path y = tmp.resolve("y.npy");
    Npy.writeFloat32(x, Arrays.copyOf(data.images(), n * D), n, D);
    Npy.writeInt32(y, Arrays.copyOf(data.labels(), n), n, 1);
    int[] labels = Arrays.copyOf(data.labels(), n);
    NegHash small = NegHash.builder().bits(256).seed(5).build();
    Neighbours want = small.search(small.encode(Arrays.copyOf(data.images(), n * D), n, D),
        SearchOptions.k(16).labels(labels));
    Path out = tmp.resolve("nb.parquet");
    Path neg = tmp.resolve("neg.parquet");
    Path hp = tmp.resolve("hp.parquet");
    long anchors = NegHashSparkMain.run(spark, new String[] {"--input", x.toString(), "--npy-labels", y.toString(),
        "--output", out.toString(), "--k", "16", "--bits", "256", "--seed", "5", "--strategy", "blocked",
        "--negatives", "3", "--negatives-output", neg.toString(), "--hard-positives", hp.toString()});
    assertThat(anchors).isEqualTo(n);
    SparkTestData.assertSame(want, null, spark.read().parquet(out.toString()).collectAsList(), 1, 0);
    Negatives wantNeg = small.negatives(want, MiningOptions.top(3));
    Map<Long, Row> gotNeg = SparkTestData.byId(spark.read().parquet(neg.toString()).collectAsList());
    for (int i = 0; i < n; i += 97) {
      List<Object> ids = gotNeg.get((long) i).getList(1);
      assertThat(ids).containsExactly(
          Arrays.stream(Arrays.copyOfRange(wantNeg.ids(), i * 3, i * 3 + 3)).asLongStream().boxed().toArray());
    }
    HardPositives wantHp = small.hardPositives(small.encode(Arrays.copyOf(data.images(), n * D), n, D),
        SearchOptions.k(1).labels(labels));
    Map<Long, Row> gotHp = SparkTestData.byId(spark.read().parquet(hp.toString()).collectAsList());
    assertThat(gotHp).hasSize(n);
    for (int i = 0; i < n; i++) {
      assertThat(gotHp.get((long) i).getLong(1)).as("item %d", i).isEqualTo(wantHp.ids()[i]);
    }
  }

  @Test
  void hardPositivesEqualTheEngine() {
    HardPositives want = engine.hardPositives(codes, SearchOptions.k(1).labels(data.labels()));
    for (int parts : new int[] {1, 3}) {
      Dataset<Row> hp = NegHashSpark.hardPositives(spark, table.repartition(parts),
          SparkOptions.k(K).withLabels("label").withPartitions(parts));
      Map<Long, Row> got = SparkTestData.byId(hp.collectAsList());
      assertThat(got).hasSize(N);
      for (int i = 0; i < N; i++) {
        assertThat(got.get((long) i).getLong(1)).as("item %d, %d partitions", i, parts).isEqualTo(want.ids()[i]);
        assertThat(got.get((long) i).getInt(2)).isEqualTo(want.hamming()[i]);
      }
      hp.unpersist();
    }
    // An item alone in its label has none.
    long[] lonely = {0, 1, 2};
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      rows.add(RowFactory.create(lonely[i], i == 2 ? 0L : 7L, Arrays.copyOfRange(data.images(), i * D, (i + 1) * D)));
    }
    Dataset<Row> three = spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType()
        .add("id", "long").add("label", "long").add("embedding", "array<float>"));
    Map<Long, Row> got = SparkTestData.byId(NegHashSpark.hardPositives(spark, three,
        SparkOptions.k(1).withLabels("label")).collectAsList());
    assertThat(got.get(0L).getLong(1)).isEqualTo(1L);
    assertThat(got.get(1L).getLong(1)).isEqualTo(0L);
    assertThat(got.get(2L).isNullAt(1)).isTrue();
    assertThatThrownBy(() -> NegHashSpark.hardPositives(spark, three, SparkOptions.k(1)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("need a label column");
  }

  @Test
  void badInputIsRejectedWithTheItemNamed() {
    float[] x = Arrays.copyOf(data.images(), 50 * D);
    x[7 * D + 3] = Float.NaN;
    Dataset<Row> bad = spark.createDataFrame(SparkTestData.rows(x, null, 50, D, 1, 0), SparkTestData.SCHEMA);
    assertThatThrownBy(() -> NegHashSpark.mine(spark, bad, SparkOptions.k(4)))
        .rootCause().isInstanceOf(InvalidInputException.class).hasMessageContaining("id 7").hasMessageContaining("NaN");
    Dataset<Row> few = spark.createDataFrame(SparkTestData.rows(data.images(), null, 10, D, 1, 0), SparkTestData.SCHEMA);
    assertThatThrownBy(() -> NegHashSpark.mine(spark, few, SparkOptions.k(10)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("between 1 and 9");
  }
}
