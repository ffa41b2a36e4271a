package dev.neghash.engine.kernel;

/**
 * The reference kernels: plain static methods over primitive arrays.
 *
 * <p>Every other provider must give bit-for-bit the same results. The methods avoid objects,
 * allocation and exceptions in their loops, so TornadoVM can compile the same code for a device.
 * Floating-point sums are always accumulated in index order with {@link Math#fma}, which is
 * exactly rounded, so a vectorised implementation that keeps that order per output element gives
 * identical floats.
 *
 * <p>One class (about 430 lines) because it is the single reference that every provider and the
 * TornadoVM device code are checked against; each kernel is a static method over primitive arrays.
 */
public final class JavaKernels {

  /** Sentinel distance of an empty heap slot; larger than any real distance. */
  public static final int EMPTY_DIST = Integer.MAX_VALUE;

  /** Sentinel id of an empty heap slot; larger than any real index. */
  public static final int EMPTY_ID = Integer.MAX_VALUE;

  private JavaKernels() {}

  /**
   * Projects rows onto hyperplanes: {@code z[r*b + j] = sum_i x[r*d + i] * rT[i*b + j]}, summed
   * over {@code i} in ascending order with {@code Math.fma}, starting from 0.
   *
   * @param x {@code rows * d} input floats, row-major
   * @param rT the projection transposed: {@code d * b}, row {@code i} holds input dimension {@code
   *     i}'s weight for every output bit
   * @param z {@code rows * b} output floats
   */
  public static void project(float[] x, int rows, int d, float[] rT, int b, float[] z) {
    for (int r = 0; r < rows; r++) {
      projectRow(r, x, d, rT, b, z);
    }
  }

  /**
   * Row {@code r} of {@link #project}: the unit of work a device runs per parallel index, so the
   * arithmetic (and therefore every float) is the same on every provider.
   */
  public static void projectRow(int r, float[] x, int d, float[] rT, int b, float[] z) {
    int zo = r * b;
    for (int j = 0; j < b; j++) {
      z[zo + j] = 0f;
    }
    for (int i = 0; i < d; i++) {
      float xi = x[r * d + i];
      int ro = i * b;
      for (int j = 0; j < b; j++) {
        z[zo + j] = Math.fma(xi, rT[ro + j], z[zo + j]);
      }
    }
  }

  /**
   * {@link #projectRow} with {@code a * b + c} instead of {@link Math#fma}, the row form for CPU
   * devices (contiguous updates of the output row). This and {@link #projectOutputMulAdd} are for
   * device compilers that do not compile {@code Math.fma} but contract every float {@code a * b + c}
   * into one fused multiply-add (TornadoVM does on all its backends: {@code tornado.enable.fma}, on
   * by default). There they compute exactly {@link #projectRow}'s bits, which the device tests
   * check; plain Java rounds the product and the sum separately, so host code must not call them.
   */
  public static void projectRowMulAdd(int r, float[] x, int d, float[] rT, int b, float[] z) {
    int zo = r * b;
    for (int j = 0; j < b; j++) {
      z[zo + j] = 0f;
    }
    for (int i = 0; i < d; i++) {
      float xi = x[r * d + i];
      int ro = i * b;
      for (int j = 0; j < b; j++) {
        z[zo + j] = xi * rT[ro + j] + z[zo + j];
      }
    }
  }

  /**
   * Output {@code j} of row {@code r} of {@link #project}, summed in the same order with {@code a * b
   * + c} (see {@link #projectRowMulAdd}): the form for GPUs, one work item per output value
   * accumulating in a register while neighbouring items read neighbouring weights.
   */
  public static float projectOutputMulAdd(int r, int j, float[] x, int d, float[] rT, int b) {
    float s = 0f;
    for (int i = 0; i < d; i++) {
      s = x[r * d + i] * rT[i * b + j] + s;
    }
    return s;
  }

  /**
   * Centres and sign-binarises projections into packed codes: bit {@code j} of row {@code r} is 1
   * when {@code z[r*b + j] >= mean[j]} (layout: {@link dev.neghash.engine.lsh.PackedCodes}).
   *
   * @param codes output, words of row {@code r} start at {@code codeOffset + r * b / 64}
   */
  public static void binarize(
      float[] z, int rows, int b, float[] mean, long[] codes, int codeOffset) {
    for (int r = 0; r < rows; r++) {
      binarizeRow(r, z, b, mean, codes, codeOffset);
    }
  }

  /** Row {@code r} of {@link #binarize}. */
  public static void binarizeRow(int r, float[] z, int b, float[] mean, long[] codes, int codeOffset) {
    int words = b >>> 6;
    for (int w = 0; w < words; w++) {
      codes[codeOffset + r * words + w] = binarizeWord(r, w, z, b, mean);
    }
  }

  /** Word {@code w} of row {@code r}'s code (the per-index unit of work of a device). */
  public static long binarizeWord(int r, int w, float[] z, int b, float[] mean) {
    long word = 0L;
    int zo = r * b + (w << 6);
    for (int t = 0; t < 64; t++) {
      if (z[zo + t] >= mean[(w << 6) + t]) {
        word |= 1L << t;
      }
    }
    return word;
  }

  /** Hamming distances of anchor {@code a} to candidates {@code [from, to)} into {@code out[0..)}. */
  public static void hammingDistances(
      long[] anchorCodes, int a, long[] candidateCodes, int from, int to, int words, int[] out) {
    int ao = a * words;
    for (int c = from; c < to; c++) {
      int co = c * words;
      int d = 0;
      for (int w = 0; w < words; w++) {
        d += Long.bitCount(anchorCodes[ao + w] ^ candidateCodes[co + w]);
      }
      out[c - from] = d;
    }
  }

  /**
   * Reference Hamming top-k for anchors {@code [from, to)} of {@code task}: a scalar scan of every
   * candidate with a bounded max-heap per anchor.
   */
  public static void hammingTopK(HammingTask t, int from, int to) {
    hammingTopK(
        t.anchorCodes, t.candidateCodes, t.candidates, t.words,
        t.anchorLabels, t.candidateLabels, t.positiveOffsets, t.positiveIds,
        t.excludeSelf ? 1 : 0, t.k, from, to, t.outIds, t.outDist);
  }

  /** The same as {@link #hammingTopK(HammingTask, int, int)} over plain arrays. */
  public static void hammingTopK(
      long[] anchorCodes, long[] candidateCodes, int candidates, int words,
      int[] anchorLabels, int[] candidateLabels, int[] posOffsets, int[] posIds,
      int excludeSelf, int k, int from, int to, int[] outIds, int[] outDist) {
    int useLabels = anchorLabels != null ? 1 : 0;
    int usePositives = posOffsets != null ? 1 : 0;
    for (int a = from; a < to; a++) {
      int base = a * k;
      heapInit(outDist, outIds, base, k);
      hammingScan(
          anchorCodes, a, a, candidateCodes, candidates, 0, words,
          useLabels, useLabels != 0 ? anchorLabels[a] : 0, candidateLabels,
          usePositives, posIds, usePositives != 0 ? posOffsets[a] : 0,
          usePositives != 0 ? posOffsets[a + 1] : 0,
          excludeSelf, k, outDist, outIds, base);
      heapFinish(outDist, outIds, base, k);
    }
  }

  /**
   * Offers a run of candidates to one anchor's heap, in ascending index order: the per-anchor unit
   * of work of {@link #hammingTopK}. Scanning the candidates in consecutive runs (blocks) with
   * the same heap gives exactly the result of one scan over all of them, which is how a device
   * with less memory than the codes works through them.
   *
   * <p>Flags are ints and absent arrays are never read (instead of null checks), so the method
   * compiles for a device as it is.
   *
   * @param anchorCodes codes holding the anchor at row {@code anchorRow}
   * @param anchorId the anchor's index in the whole task (for self-exclusion)
   * @param candidateCodes {@code candidates} codes, row {@code c} is candidate {@code
   *     candidateId0 + c}
   * @param useLabels 1 to skip candidates whose label equals {@code anchorLabel}
   * @param candidateLabels labels of the candidates in this run, row {@code c} as above (not read
   *     when {@code useLabels == 0})
   * @param usePositives 1 to skip the candidate ids listed in {@code positiveIds[positiveFrom,
   *     positiveTo)}, sorted ascending (not read otherwise)
   * @param excludeSelf 1 to skip the candidate whose index equals {@code anchorId}
   * @param heapBase where the anchor's k-slot heap starts in {@code heapDist} and {@code heapIds}
   *     (initialised with {@link #heapInit}, turned into a sorted list with {@link #heapFinish})
   */
  public static void hammingScan(
      long[] anchorCodes, int anchorRow, int anchorId,
      long[] candidateCodes, int candidates, int candidateId0, int words,
      int useLabels, int anchorLabel, int[] candidateLabels,
      int usePositives, int[] positiveIds, int positiveFrom, int positiveTo,
      int excludeSelf, int k, int[] heapDist, int[] heapIds, int heapBase) {
    int ao = anchorRow * words;
    // Nested ifs and int flags rather than continue and && : TornadoVM's OpenCL code generator
    // (5.2.0) mistranslates continue and short-circuit conditions in this loop.
    for (int c = 0; c < candidates; c++) {
      int id = candidateId0 + c;
      int admissible = 1;
      if (excludeSelf != 0) {
        if (id == anchorId) {
          admissible = 0;
        }
      }
      if (useLabels != 0) {
        if (anchorLabel == candidateLabels[c]) {
          admissible = 0;
        }
      }
      if (admissible != 0) {
        int co = c * words;
        int d = 0;
        for (int w = 0; w < words; w++) {
          d += Long.bitCount(anchorCodes[ao + w] ^ candidateCodes[co + w]);
        }
        if (beats(d, id, heapDist[heapBase], heapIds[heapBase])) {
          // The listed id nearest above, or -1 (never an id): a value, not a constant flag, so the
          // device compiler cannot turn the test below into a jump it then fails to translate.
          int probe = -1;
          if (usePositives != 0) {
            if (positiveTo > positiveFrom) {
              int at = lowerBound(positiveIds, positiveFrom, positiveTo, id);
              probe = positiveIds[Math.min(at, positiveTo - 1)];
            }
          }
          if (probe != id) {
            heapReplaceTop(heapDist, heapIds, heapBase, k, d, id);
          }
        }
      }
    }
  }

  /**
   * Whether (d, id) is strictly nearer than (topD, topId): smaller distance, then smaller id. All
   * four are non-negative (distances, indices and the empty-slot sentinels), so comparing {@code
   * d * 2^32 + id} does it in one comparison, which also keeps the device code free of branches.
   */
  public static boolean beats(int d, int id, int topD, int topId) {
    return (((long) d << 32) | id) < (((long) topD << 32) | topId);
  }

  /** Whether {@code c} is a listed positive of anchor {@code a} (binary search of a CSR row). */
  public static boolean isListed(int[] offsets, int[] ids, int a, int c) {
    if (offsets == null) {
      return false;
    }
    int lo = offsets[a];
    int hi = offsets[a + 1] - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int v = ids[mid];
      if (v < c) {
        lo = mid + 1;
      } else if (v > c) {
        hi = mid - 1;
      } else {
        return true;
      }
    }
    return false;
  }

  /** The first index in {@code [from, to)} whose id is {@code >= c}, or {@code to} (binary search). */
  public static int lowerBound(int[] ids, int from, int to, int c) {
    int lo = from;
    int hi = to;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (ids[mid] < c) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Fills a k-slot max-heap at {@code base} with empty sentinels. */
  public static void heapInit(int[] dist, int[] ids, int base, int k) {
    for (int i = 0; i < k; i++) {
      dist[base + i] = EMPTY_DIST;
      ids[base + i] = EMPTY_ID;
    }
  }

  /** Replaces the worst entry of a full k-slot max-heap with (d, id) and restores heap order. */
  public static void heapReplaceTop(int[] dist, int[] ids, int base, int k, int d, int id) {
    siftDown(dist, ids, base, k, 0, d, id);
  }

  // Moves (d, id) down from pos past every child it beats (a child nearer than it stays below).
  // Written without break or short-circuit && so that TornadoVM compiles it as it reads.
  private static void siftDown(int[] dist, int[] ids, int base, int size, int pos, int d, int id) {
    int i = pos;
    int l = 2 * i + 1;
    while (l < size) {
      int m = l;
      int r = l + 1;
      if (r < size) {
        if (beats(dist[base + l], ids[base + l], dist[base + r], ids[base + r])) {
          m = r;
        }
      }
      if (beats(d, id, dist[base + m], ids[base + m])) {
        dist[base + i] = dist[base + m];
        ids[base + i] = ids[base + m];
        i = m;
        l = 2 * i + 1;
      } else {
        l = size;
      }
    }
    dist[base + i] = d;
    ids[base + i] = id;
  }

  /**
   * Sorts a k-slot max-heap in place into ascending (distance, id) order and turns empty sentinels
   * into {@code -1}.
   */
  public static void heapFinish(int[] dist, int[] ids, int base, int k) {
    for (int end = k - 1; end > 0; end--) {
      int d = dist[base + end];
      int id = ids[base + end];
      dist[base + end] = dist[base];
      ids[base + end] = ids[base];
      siftDown(dist, ids, base, end, 0, d, id);
    }
    for (int i = 0; i < k; i++) {
      if (ids[base + i] == EMPTY_ID) {
        ids[base + i] = -1;
        dist[base + i] = -1;
      }
    }
  }

  /**
   * Reference exact cosine top-k for anchors {@code [from, to)}: dot products of unit vectors,
   * accumulated in index order with {@code Math.fma}; larger similarity first, ties by smaller id.
   */
  public static void cosineTopK(CosineTask t, int from, int to) {
    int k = t.k;
    int d = t.dims;
    float[] av = t.anchorVectors;
    float[] cv = t.candidateVectors;
    float[] sim = t.outSim;
    int[] ids = t.outIds;
    for (int a = from; a < to; a++) {
      int base = a * k;
      simHeapInit(sim, ids, base, k);
      int ao = a * d;
      for (int c = 0; c < t.candidates; c++) {
        if (t.excludeSelf && c == a) {
          continue;
        }
        if (t.anchorLabels != null && t.anchorLabels[a] == t.candidateLabels[c]) {
          continue;
        }
        int co = c * d;
        float s = 0f;
        for (int i = 0; i < d; i++) {
          s = Math.fma(av[ao + i], cv[co + i], s);
        }
        if (simBeats(s, c, sim[base], ids[base])
            && !isListed(t.positiveOffsets, t.positiveIds, a, c)) {
          simHeapReplaceTop(sim, ids, base, k, s, c);
        }
      }
      simHeapFinish(sim, ids, base, k);
    }
  }

  /** Whether (s, id) ranks strictly before (topS, topId): larger similarity, then smaller id. */
  public static boolean simBeats(float s, int id, float topS, int topId) {
    return s > topS || (s == topS && id < topId);
  }

  /** Fills a k-slot similarity heap (worst at the top) with empty sentinels. */
  public static void simHeapInit(float[] sim, int[] ids, int base, int k) {
    for (int i = 0; i < k; i++) {
      sim[base + i] = Float.NEGATIVE_INFINITY;
      ids[base + i] = EMPTY_ID;
    }
  }

  /** Replaces the worst entry of a full similarity heap with (s, id). */
  public static void simHeapReplaceTop(float[] sim, int[] ids, int base, int k, float s, int id) {
    simSiftDown(sim, ids, base, k, s, id);
  }

  private static void simSiftDown(float[] sim, int[] ids, int base, int size, float s, int id) {
    int i = 0;
    while (true) {
      int l = 2 * i + 1;
      if (l >= size) {
        break;
      }
      int r = l + 1;
      int m = l;
      if (r < size && simBeats(sim[base + l], ids[base + l], sim[base + r], ids[base + r])) {
        m = r;
      }
      if (!simBeats(s, id, sim[base + m], ids[base + m])) {
        break;
      }
      sim[base + i] = sim[base + m];
      ids[base + i] = ids[base + m];
      i = m;
    }
    sim[base + i] = s;
    ids[base + i] = id;
  }

  /** Sorts a similarity heap best-first and turns empty sentinels into id -1, similarity NaN. */
  public static void simHeapFinish(float[] sim, int[] ids, int base, int k) {
    for (int end = k - 1; end > 0; end--) {
      float s = sim[base + end];
      int id = ids[base + end];
      sim[base + end] = sim[base];
      ids[base + end] = ids[base];
      simSiftDown(sim, ids, base, end, s, id);
    }
    for (int i = 0; i < k; i++) {
      if (ids[base + i] == EMPTY_ID) {
        ids[base + i] = -1;
        sim[base + i] = Float.NaN;
      }
    }
  }
}
