package dev.neghash.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.Tuple2;

/**
 * Hard positives on Spark: every anchor's farthest candidate of its own label by Hamming distance,
 * ties by the smaller id, the anchor itself excluded. A positive always shares the anchor's label,
 * so the items are grouped by label and each group is searched within one task: O(m^2) for a
 * label of m items, no all-pairs pass.
 */
final class HardPositiveGroups {

  private HardPositiveGroups() {}

  /** Rows {@code (id, hard_positive long?, distance int?)} for every anchor, null where it has none. */
  static JavaRDD<Row> find(JavaRDD<EncodedItem> items, int partitions) {
    JavaRDD<Row> unlabelled = items.filter(it -> it.anchor() && !it.labelled())
        .map(it -> RowFactory.create(it.id(), null, null));
    JavaRDD<Row> labelled = items.filter(EncodedItem::labelled)
        .mapToPair(it -> new Tuple2<>(it.label(), it))
        .partitionBy(new HashPartitioner(partitions))
        .values()
        .mapPartitions(HardPositiveGroups::partition);
    return labelled.union(unlabelled);
  }

  private static Iterator<Row> partition(Iterator<EncodedItem> it) {
    List<EncodedItem> all = new ArrayList<>();
    it.forEachRemaining(all::add);
    if (all.isEmpty()) {
      return Collections.emptyIterator();
    }
    all.sort(Comparator.comparingLong(EncodedItem::label).thenComparingLong(EncodedItem::id));
    List<Row> out = new ArrayList<>();
    int from = 0;
    while (from < all.size()) {
      int to = from;
      while (to < all.size() && all.get(to).label() == all.get(from).label()) {
        to++;
      }
      group(all.subList(from, to), out);
      from = to;
    }
    return out.iterator();
  }

  /** One label's items, ascending by id. */
  private static void group(List<EncodedItem> members, List<Row> out) {
    for (EncodedItem a : members) {
      if (!a.anchor()) {
        continue;
      }
      long best = -1;
      int bestD = -1;
      for (EncodedItem c : members) {
        if (!c.candidate() || c.id() == a.id()) {
          continue;
        }
        int d = 0;
        long[] x = a.code();
        long[] y = c.code();
        for (int q = 0; q < x.length; q++) {
          d += Long.bitCount(x[q] ^ y[q]);
        }
        if (d > bestD) { // members ascend by id, so the first farthest wins ties
          bestD = d;
          best = c.id();
        }
      }
      out.add(best < 0 ? RowFactory.create(a.id(), null, null) : RowFactory.create(a.id(), best, bestD));
    }
  }
}
