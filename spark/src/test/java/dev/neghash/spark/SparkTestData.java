package dev.neghash.spark;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neghash.engine.io.IdxImages;
import dev.neghash.engine.search.Neighbours;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Fashion-MNIST rows for the Spark tests, and comparison of Spark results with the engine's. */
final class SparkTestData {

  static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("label", DataTypes.LongType, true)
      .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), false);

  private SparkTestData() {}

  /** Where Debian's dataset-fashion-mnist installs the data set. */
  static final java.nio.file.Path FASHION_DIR = java.nio.file.Path.of("/usr/share/datasets/fashion-mnist");

  /** Pixels per Fashion-MNIST image. */
  static final int FASHION_DIMS = 784;

  /** The first {@code n} training images; skips the test off CI when the data set is missing. */
  static IdxImages fashion(int n) throws Exception {
    if (!java.nio.file.Files.isReadable(FASHION_DIR.resolve("train-images-idx3-ubyte.gz"))) {
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException("dataset-fashion-mnist must be installed in CI");
      }
      assumeTrue(false, "Fashion-MNIST is not installed (Debian package dataset-fashion-mnist)");
    }
    return IdxImages.load(FASHION_DIR.resolve("train-images-idx3-ubyte.gz"),
        FASHION_DIR.resolve("train-labels-idx1-ubyte.gz")).head(n);
  }

  /** Rows {@code (id = idOf(i), label, embedding)}. */
  static List<Row> rows(float[] x, int[] labels, int n, int d, long idScale, long idOffset) {
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      rows.add(RowFactory.create(idScale * i + idOffset, labels == null ? null : (long) labels[i],
          Arrays.copyOfRange(x, i * d, (i + 1) * d)));
    }
    return rows;
  }

  /** Spark's result rows by anchor id. */
  static Map<Long, Row> byId(List<Row> rows) {
    Map<Long, Row> m = new HashMap<>();
    for (Row r : rows) {
      if (m.put(r.getLong(0), r) != null) {
        throw new AssertionError("anchor " + r.getLong(0) + " appears twice");
      }
    }
    return m;
  }

  /**
   * Asserts that Spark's lists equal the engine's: one row per engine anchor (item {@code
   * anchors[a]}, or {@code a} when null), the same neighbours (mapped to ids) and distances.
   */
  static void assertSame(Neighbours engine, int[] anchors, List<Row> spark, long idScale, long idOffset) {
    Map<Long, Row> got = byId(spark);
    if (got.size() != engine.n()) {
      throw new AssertionError("Spark returned " + got.size() + " anchors, the engine " + engine.n());
    }
    for (int a = 0; a < engine.n(); a++) {
      long id = idScale * (anchors == null ? a : anchors[a]) + idOffset;
      Row r = got.get(id);
      if (r == null) {
        throw new AssertionError("anchor " + id + " missing");
      }
      int c = engine.count(a);
      long[] wantIds = new long[c];
      int[] wantDist = new int[c];
      for (int j = 0; j < c; j++) {
        wantIds[j] = idScale * engine.id(a, j) + idOffset;
        wantDist[j] = engine.hamming()[a * engine.k() + j];
      }
      List<Object> gi = r.getList(1);
      List<Object> gd = r.getList(2);
      long[] gotIds = new long[gi.size()];
      int[] gotDist = new int[gd.size()];
      for (int j = 0; j < gotIds.length; j++) {
        gotIds[j] = (Long) gi.get(j);
        gotDist[j] = (Integer) gd.get(j);
      }
      if (!Arrays.equals(wantIds, gotIds) || !Arrays.equals(wantDist, gotDist)) {
        throw new AssertionError("anchor " + id + ": engine " + Arrays.toString(wantIds) + " "
            + Arrays.toString(wantDist) + ", Spark " + Arrays.toString(gotIds) + " " + Arrays.toString(gotDist));
      }
    }
  }
}
