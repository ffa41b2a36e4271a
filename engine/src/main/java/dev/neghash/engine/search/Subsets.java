package dev.neghash.engine.search;

import dev.neghash.engine.InvalidInputException;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * The index spaces of a search over subsets of one item set: anchor rows and candidate columns,
 * the {@link Exclusions} in those spaces, and the way back to item ids.
 *
 * <p>When anchors and candidates are both all items, the exclusions are the usual ones (self,
 * labels, pairs). Otherwise an item that is both an anchor and a candidate is excluded as a
 * listed pair (row, its column), and each positive pair {@code (x, y)} becomes (row of x, column
 * of y) and (row of y, column of x) where those exist.
 */
record Subsets(int n, int[] anchors, int[] candidates, Exclusions exclusions) {

  static Subsets of(int n, SearchOptions o) {
    int[] a = o.anchors();
    int[] c = o.candidates();
    checkIds("anchor", a, n);
    checkIds("candidate", c, n);
    int[] labels = o.labels();
    if (labels != null && labels.length != n) {
      throw new InvalidInputException("labels (" + labels.length + ") do not match the items (" + n + ")");
    }
    int[] pairs = o.positivePairs();
    if (pairs != null) {
      for (int id : pairs) {
        if (id < 0 || id >= n) {
          throw new InvalidInputException("positive pair item " + id + " is out of range for " + n + " items");
        }
      }
    }
    if (a == null && c == null) {
      return new Subsets(n, null, null, Exclusions.ofItems(n, labels, pairs));
    }
    int[] rows = a == null ? identity(n) : a;
    int[] cols = c == null ? identity(n) : c;
    int[] rowOf = positions(rows, n);
    int[] colOf = positions(cols, n);
    int cap = rows.length + (pairs == null ? 0 : pairs.length);
    int[] pa = new int[cap];
    int[] pc = new int[cap];
    int m = 0;
    for (int r = 0; r < rows.length; r++) {
      if (colOf[rows[r]] >= 0) {
        pa[m] = r;
        pc[m++] = colOf[rows[r]];
      }
    }
    if (pairs != null) {
      for (int i = 0; i < pairs.length; i += 2) {
        int x = pairs[i];
        int y = pairs[i + 1];
        if (rowOf[x] >= 0 && colOf[y] >= 0) {
          pa[m] = rowOf[x];
          pc[m++] = colOf[y];
        }
        if (rowOf[y] >= 0 && colOf[x] >= 0) {
          pa[m] = rowOf[y];
          pc[m++] = colOf[x];
        }
      }
    }
    Exclusions ex = new Exclusions(false, pick(labels, rows), pick(labels, cols), null, null);
    if (m > 0) {
      ex = ex.withPositivePairs(rows.length, Arrays.copyOf(pa, m), Arrays.copyOf(pc, m));
    }
    return new Subsets(n, a == null ? null : rows, c == null ? null : cols, ex);
  }

  int anchorCount() {
    return anchors == null ? n : anchors.length;
  }

  int candidateCount() {
    return candidates == null ? n : candidates.length;
  }

  /** Neighbour ids from candidate columns back to item ids, in place ({@code -1} stays). */
  int[] toItemIds(int[] ids) {
    if (candidates != null) {
      for (int i = 0; i < ids.length; i++) {
        ids[i] = ids[i] < 0 ? -1 : candidates[ids[i]];
      }
    }
    return ids;
  }

  /**
   * The rows of {@code values}, a primitive array with {@code width} entries per item, of the given
   * items, in order, in a new array of {@code newArray}; {@code values} itself when {@code items} is null.
   */
  static <A> A gather(A values, int width, int[] items, IntFunction<A> newArray) {
    if (items == null) {
      return values;
    }
    A out = newArray.apply(items.length * width);
    for (int r = 0; r < items.length; r++) {
      System.arraycopy(values, items[r] * width, out, r * width, width);
    }
    return out;
  }

  private static void checkIds(String what, int[] ids, int n) {
    if (ids == null) {
      return;
    }
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= n) {
        throw new InvalidInputException(what + " id " + ids[i] + " is out of range for " + n + " items");
      }
      if (i > 0 && ids[i] <= ids[i - 1]) {
        throw new InvalidInputException(what + " ids must be distinct and ascending");
      }
    }
  }

  private static int[] identity(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }

  private static int[] positions(int[] ids, int n) {
    int[] pos = new int[n];
    Arrays.fill(pos, -1);
    for (int i = 0; i < ids.length; i++) {
      pos[ids[i]] = i;
    }
    return pos;
  }

  private static int[] pick(int[] values, int[] ids) {
    if (values == null) {
      return null;
    }
    int[] r = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      r[i] = values[ids[i]];
    }
    return r;
  }
}
