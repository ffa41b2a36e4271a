package dev.neghash.spark;

import dev.neghash.engine.InvalidInputException;
import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * Encoded items of one task, ascending by id: ids, labels and packed codes (the engine's layout,
 * {@code words} longs per item).
 *
 * @param index block number
 * @param ids item ids, ascending, distinct
 * @param labels label per item (meaningful where {@code labelled})
 * @param labelled whether the item has a label, or null when labels are not used
 * @param words packed codes, {@code ids.length * bits / 64} longs
 */
record CodeBlock(int index, long[] ids, long[] labels, boolean[] labelled, long[] words) implements Serializable {

  @Serial private static final long serialVersionUID = 1L;

  int size() {
    return ids.length;
  }

  /** The block of {@code items}, sorted by id; throws on a repeated id. */
  static CodeBlock of(int index, Iterator<EncodedItem> items, int wordsPerCode, boolean useLabels) {
    List<EncodedItem> list = new ArrayList<>();
    items.forEachRemaining(list::add);
    list.sort(Comparator.comparingLong(EncodedItem::id));
    int n = list.size();
    long[] ids = new long[n];
    long[] labels = new long[n];
    boolean[] labelled = useLabels ? new boolean[n] : null;
    long[] words = new long[n * wordsPerCode];
    for (int i = 0; i < n; i++) {
      EncodedItem it = list.get(i);
      ids[i] = it.id();
      if (i > 0 && ids[i] == ids[i - 1]) {
        throw new InvalidInputException("item id " + ids[i] + " occurs more than once");
      }
      labels[i] = it.label();
      if (useLabels) {
        labelled[i] = it.labelled();
      }
      System.arraycopy(it.code(), 0, words, i * wordsPerCode, wordsPerCode);
    }
    return new CodeBlock(index, ids, labels, labelled, words);
  }
}
