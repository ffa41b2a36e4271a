package dev.neghash.engine.kernel;

import dev.neghash.engine.Progress;
import dev.neghash.engine.util.Parallel;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the JDK Vector API (incubator module {@code jdk.incubator.vector}).
 *
 * <p>Hamming top-k keeps candidate codes in an interleaved layout (one vector holds the same word
 * of {@code L} consecutive candidates), so XOR and popcount give {@code L} distances per vector with
 * no horizontal reduction; four anchors share every candidate load; candidates are walked in
 * tiles that stay in L2 while every anchor of a chunk passes over them; and a vector compare with
 * each anchor's threshold (its current k-th distance, capped from a sample for codes of up to 8
 * words: {@link #capFromSample}) and its label sends only the rare candidates that can enter the
 * top-k to the scalar heap ({@link PackedHeaps}). With coarse labels (at least {@value
 * #GROUP_MIN_MEAN} candidates per label on average) candidates are laid out by label and anchors
 * taken in label order, so four anchors of one label skip the blocks holding only their label and
 * need no label test elsewhere. The heap keeps the k smallest (distance, id) pairs whatever the
 * order of the offers (candidates at the k-th distance are offered too where they are not visited
 * in id order), so the lists are exactly {@link JavaKernels#hammingTopK}'s.
 *
 * <p>Projection and cosine vectorise over outputs (bits, resp. candidates), so each output lane is
 * accumulated over the input dimension in index order with a fused multiply-add, exactly as the
 * reference does: the floats are identical.
 *
 * <p>Long (about 1,200 lines) on purpose: each kernel is written out per word count and tile shape
 * with no vector crossing a method call, because C2 boxes a vector that reaches a method it does
 * not inline; splitting the loops into helpers would bring that back.
 */
final class PanamaKernelProvider implements KernelProvider {

  private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
  private static final int L = LS.length();
  private static final VectorSpecies<Integer> IS_L = IntVector.SPECIES_PREFERRED.withShape(
      jdk.incubator.vector.VectorShape.forBitSize(Math.max(64, LS.vectorBitSize() / 2)));
  private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> IS_F = IntVector.SPECIES_PREFERRED.withShape(
      FS.vectorShape());
  private static final int F = FS.length();
  /** Candidates per interleaved cosine block: two float vectors. */
  private static final int CU = 2 * F;

  /** Target bytes of candidate codes per tile (fits L2 next to the anchors' heaps). */
  private static final int TILE_BYTES = 256 * 1024;


  /**
   * Whether the machine has 16 vector registers: x86 without AVX-512 (AVX2, whose preferred
   * vectors have 256 bits). AVX-512 and AArch64 have 32.
   */
  private static final boolean FEW_REGISTERS = isX86() && FS.vectorBitSize() < 512;

  /**
   * Rows per register tile of the matrix product ({@link #dot8}, {@link #dot4}): 8 rows x 2
   * vectors of candidates (or weights) = 16 accumulators where 32 registers hold them and the
   * operands; 4 rows (8 accumulators) with 16 registers. With 8 rows on AVX2, C2 kept 6 of the 16
   * accumulators on the stack, and each of them went through a store and a load per dimension.
   */
  private final int tile;
  /** Code length from which the projection takes the blocked product instead of the stripes. */
  private final int blockedFrom;

  PanamaKernelProvider() {
    this(FEW_REGISTERS ? 4 : 8);
  }

  /** With {@code tile} (4 or 8) rows per register tile of the matrix product, whatever the machine. */
  PanamaKernelProvider(int tile) {
    if (L < 2 || IS_L.length() != L || IS_F.length() != F || F < 2) {
      throw new UnsupportedOperationException(
          "no usable vector shape (long lanes " + L + ", float lanes " + F + ")");
    }
    if (tile != 4 && tile != 8) {
      throw new IllegalArgumentException("tile must be 4 or 8, got " + tile);
    }
    this.tile = tile;
    // With 8-row tiles (AVX-512) the stripes were as fast as the blocked product up to 256
    // columns. With 4-row tiles (AVX2) the blocked product was faster from 128 columns (1.8-2.0x
    // its FMA bound at 128 against 2.6-3.6x for the stripes, whose 16 accumulators do not fit).
    this.blockedFrom = tile == 4 ? 128 : 512;
  }

  private static boolean isX86() {
    String arch = System.getProperty("os.arch", "");
    return arch.equals("amd64") || arch.equals("x86_64");
  }

  @Override
  public String toString() {
    return "panama (" + tile + "-row product tile)";
  }

  @Override
  public String name() {
    return "panama";
  }

  /** Vector widths, for logs. */
  static String describe() {
    return LS.vectorBitSize() + "-bit vectors (" + L + " long lanes, " + F + " float lanes)";
  }

  // ---------------------------------------------------------------- projection

  @Override
  public void project(float[] x, int rows, int d, float[] rT, int b, float[] z) {
    // Short codes: the stripe loops read the weights with a short stride (see blockedFrom).
    if (b % CU == 0 && b >= blockedFrom && rows >= tile) {
      projectBlocked(x, rows, d, rT, b, z);
    } else {
      projectStripes(x, rows, d, rT, b, z);
    }
  }

  /**
   * The projection as the cosine kernel's blocked product ({@link #dot8}): rows packed by the tile,
   * stripes of {@code CU} output columns, panels of {@code KC} dimensions whose stripe stays in
   * L1 while every row group uses it; each output continues its fma chain in index order across
   * panels, so the floats are the reference's.
   */
  private void projectBlocked(float[] x, int rows, int d, float[] rT, int b, float[] z) {
    final int groups = (rows + tile - 1) / tile;
    final float[] xp = new float[groups * d * tile];
    for (int r = 0; r < rows; r++) {
      int g = r / tile;
      int j = r % tile;
      for (int i = 0; i < d; i++) {
        xp[(g * d + i) * tile + j] = x[r * d + i];
      }
    }
    final float[] acc = new float[groups * tile * CU];
    final float[] stripes = stripes(rT, d, b);
    for (int jb = 0; jb < b; jb += CU) {
      int so = jb * d;
      for (int i0 = 0; i0 < d; i0 += KC) {
        int i1 = Math.min(d, i0 + KC);
        for (int g = 0; g < groups; g++) {
          product(xp, g, d, i0, i1, stripes, so, acc);
        }
      }
      for (int r = 0; r < rows; r++) {
        System.arraycopy(acc, r * CU, z, r * b + jb, CU);
      }
    }
  }

  /** The weights of {@link #stripes}, with the array they were copied from. */
  private record Stripes(float[] source, float[] packed) {}

  /** The last weights packed; encoders call with the same array for every chunk. */
  private volatile Stripes lastStripes;

  /**
   * {@code rT} ({@code d x b}) as stripes of {@code CU} columns, each contiguous ({@code
   * packed[jb * d + i * CU + c] = rT[i * b + jb + c]}): read in place, rows b floats apart fall
   * into a few L1 sets and evict each other long before a panel is reused. The projection's
   * weights never change once made, so the copy is kept for the next call with the same array.
   */
  private float[] stripes(float[] rT, int d, int b) {
    Stripes s = lastStripes;
    if (s == null || s.source() != rT) {
      float[] packed = new float[d * b];
      for (int jb = 0; jb < b; jb += CU) {
        for (int i = 0; i < d; i++) {
          System.arraycopy(rT, i * b + jb, packed, jb * d + i * CU, CU);
        }
      }
      s = new Stripes(rT, packed);
      lastStripes = s;
    }
    return s.packed();
  }

  private static void projectStripes(float[] x, int rows, int d, float[] rT, int b, float[] z) {
    int jb = 0;
    int step = 4 * F;
    for (; jb + step <= b; jb += step) {
      int r = 0;
      for (; r + 4 <= rows; r += 4) {
        project4x4(x, r, d, rT, b, jb, z);
      }
      for (; r < rows; r++) {
        for (int q = 0; q < 4; q++) {
          project1x1(x, r, d, rT, b, jb + q * F, z);
        }
      }
    }
    for (; jb + F <= b; jb += F) {
      for (int r = 0; r < rows; r++) {
        project1x1(x, r, d, rT, b, jb, z);
      }
    }
    if (jb < b) {
      // Columns past the last whole vector (only when b is not a multiple of the vector width,
      // as in the quality report's similarity blocks): the reference loop, same fma order.
      for (int r = 0; r < rows; r++) {
        for (int j = jb; j < b; j++) {
          float acc = 0f;
          for (int i = 0; i < d; i++) {
            acc = Math.fma(x[r * d + i], rT[i * b + j], acc);
          }
          z[r * b + j] = acc;
        }
      }
    }
  }

  private static void project4x4(float[] x, int r, int d, float[] rT, int b, int jb, float[] z) {
    FloatVector a00 = FloatVector.zero(FS), a01 = a00, a02 = a00, a03 = a00;
    FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
    FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
    FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
    int x0 = r * d, x1 = x0 + d, x2 = x1 + d, x3 = x2 + d;
    for (int i = 0; i < d; i++) {
      int ro = i * b + jb;
      FloatVector v0 = FloatVector.fromArray(FS, rT, ro);
      FloatVector v1 = FloatVector.fromArray(FS, rT, ro + F);
      FloatVector v2 = FloatVector.fromArray(FS, rT, ro + 2 * F);
      FloatVector v3 = FloatVector.fromArray(FS, rT, ro + 3 * F);
      FloatVector s = FloatVector.broadcast(FS, x[x0 + i]);
      a00 = v0.fma(s, a00);
      a01 = v1.fma(s, a01);
      a02 = v2.fma(s, a02);
      a03 = v3.fma(s, a03);
      s = FloatVector.broadcast(FS, x[x1 + i]);
      a10 = v0.fma(s, a10);
      a11 = v1.fma(s, a11);
      a12 = v2.fma(s, a12);
      a13 = v3.fma(s, a13);
      s = FloatVector.broadcast(FS, x[x2 + i]);
      a20 = v0.fma(s, a20);
      a21 = v1.fma(s, a21);
      a22 = v2.fma(s, a22);
      a23 = v3.fma(s, a23);
      s = FloatVector.broadcast(FS, x[x3 + i]);
      a30 = v0.fma(s, a30);
      a31 = v1.fma(s, a31);
      a32 = v2.fma(s, a32);
      a33 = v3.fma(s, a33);
    }
    int z0 = r * b + jb, z1 = z0 + b, z2 = z1 + b, z3 = z2 + b;
    a00.intoArray(z, z0);
    a01.intoArray(z, z0 + F);
    a02.intoArray(z, z0 + 2 * F);
    a03.intoArray(z, z0 + 3 * F);
    a10.intoArray(z, z1);
    a11.intoArray(z, z1 + F);
    a12.intoArray(z, z1 + 2 * F);
    a13.intoArray(z, z1 + 3 * F);
    a20.intoArray(z, z2);
    a21.intoArray(z, z2 + F);
    a22.intoArray(z, z2 + 2 * F);
    a23.intoArray(z, z2 + 3 * F);
    a30.intoArray(z, z3);
    a31.intoArray(z, z3 + F);
    a32.intoArray(z, z3 + 2 * F);
    a33.intoArray(z, z3 + 3 * F);
  }

  private static void project1x1(float[] x, int r, int d, float[] rT, int b, int jb, float[] z) {
    FloatVector acc = FloatVector.zero(FS);
    int xo = r * d;
    for (int i = 0; i < d; i++) {
      acc = FloatVector.fromArray(FS, rT, i * b + jb).fma(FloatVector.broadcast(FS, x[xo + i]), acc);
    }
    acc.intoArray(z, r * b + jb);
  }

  @Override
  public void binarize(float[] z, int rows, int b, float[] mean, long[] codes, int codeOffset) {
    int words = b >>> 6;
    if (64 % F != 0) {
      JavaKernels.binarize(z, rows, b, mean, codes, codeOffset);
      return;
    }
    for (int r = 0; r < rows; r++) {
      int zo = r * b;
      for (int w = 0; w < words; w++) {
        long word = 0L;
        int base = w << 6;
        for (int t = 0; t < 64; t += F) {
          long m = FloatVector.fromArray(FS, z, zo + base + t)
              .compare(VectorOperators.GE, FloatVector.fromArray(FS, mean, base + t))
              .toLong();
          word |= m << t;
        }
        codes[codeOffset + r * words + w] = word;
      }
    }
  }

  // ---------------------------------------------------------------- Hamming top-k

  /**
   * Candidate codes interleaved by {@code L} ({@code ids[p]}: the candidate at position p, or
   * null where positions are ids), labels padded to whole blocks, whether candidates are grouped
   * by label ({@link #grouping}), the sampled candidates that cap the search ({@link
   * #capFromSample}; null where none are) and whether the search still caps its anchors (shared by
   * the search's chunks).
   */
  private record HammingLayout(
      long[] codes, int[] labels, int[] ids, int blocks, boolean grouped, HammingLayout sample,
      AtomicBoolean capping) {}

  /**
   * Anchors in the order the search takes them: position p is anchor {@code rows[p]} (anchor p
   * where rows is null), with label {@code labels[p]}; with grouped candidates, {@code [lo[p],
   * hi[p])} are the positions of the candidates with its label.
   */
  private record Anchors(int[] labels, int[] rows, int[] lo, int[] hi) {
    int row(int p) {
      return rows == null ? p : rows[p];
    }
  }

  /**
   * Smallest mean number of candidates per label for which a labelled search groups candidates by
   * label: each anchor then skips the whole blocks of its own label and tests labels only in the
   * two blocks at its group's ends, but ties with the k-th distance have to be offered too
   * (candidates no longer come in id order). At 64 a group spans eight blocks of 8 candidates or
   * more, so most of its blocks hold one label; with finer labels the search keeps id order.
   */
  private static final int GROUP_MIN_MEAN = 64;

  /**
   * The candidates' positions grouped by label (by label, then id), or null where the search
   * keeps id order: no labels, or labels too fine for groups to pay.
   */
  private static int[] grouping(TopKTask t) {
    int[] labels = t.candidateLabels;
    int n = t.candidates;
    if (labels == null || n < 2 * GROUP_MIN_MEAN) {
      return null;
    }
    long[] keys = sortedByLabel(labels, 0, n);
    int distinct = 1;
    for (int i = 1; i < n; i++) {
      if ((int) (keys[i] >> 32) != (int) (keys[i - 1] >> 32)) {
        distinct++;
      }
    }
    if ((long) distinct * GROUP_MIN_MEAN > n) {
      return null;
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = (int) keys[i];
    }
    return order;
  }

  /** {@code label << 32 | index} for indices {@code [from, to)}, sorted: by label, then index. */
  private static long[] sortedByLabel(int[] labels, int from, int to) {
    long[] keys = new long[to - from];
    for (int i = from; i < to; i++) {
      keys[i - from] = ((long) labels[i] << 32) | i;
    }
    java.util.Arrays.sort(keys);
    return keys;
  }

  private static HammingLayout hammingLayout(TopKTask task) {
    HammingTask t = (HammingTask) task;
    int[] order = grouping(t);
    HammingLayout sample = null;
    // Caps where the heap's share is large: up to 8 words, or k above twice the word count. At
    // k = 32 and 16 words the distances cost so much more than the heap that the sample pass did
    // not pay for itself (one-shot Fashion-MNIST search at b = 1024 about 5% slower with it); at
    // k = 128 the heap takes k ln(N/k) ~ 800 offers per anchor from an empty list, and caps pay.
    int[] picked = t.words <= 8 || t.k > 2 * t.words ? sampled(t.candidates, t.k) : null;
    if (picked != null) {
      sample = interleave(t, picked, false, null);
    }
    return interleave(t, order, order != null, sample);
  }

  /**
   * The candidates that cap a search of {@code n} candidates for the k nearest ({@link
   * #capFromSample}), evenly spaced over the ids (ids may come in runs of one kind, such as one
   * class after another), in ascending order; null where the sample would be more than an eighth
   * of the candidates. At least {@link #MIN_SAMPLE} of them, and enough that about {@link
   * #MIN_SAMPLE_RANK} are expected below a cap.
   */
  static int[] sampled(int n, int k) {
    long size = Math.max(MIN_SAMPLE, ((long) MIN_SAMPLE_RANK * n + 3L * k - 1) / (3L * k));
    size = (size + L - 1) / L * L;
    if (size * 8 > n) {
      return null;
    }
    int[] picked = new int[(int) size];
    for (int i = 0; i < picked.length; i++) {
      picked[i] = (int) ((long) i * n / size);
    }
    return picked;
  }

  /**
   * The layout of candidates {@code order} (all in id order where null); positions past the last
   * candidate read id -1 (or ids past the last, where positions are ids).
   */
  private static HammingLayout interleave(HammingTask t, int[] order, boolean grouped, HammingLayout sample) {
    int w = t.words;
    int n = order == null ? t.candidates : order.length;
    int blocks = (n + L - 1) / L;
    long[] inter = new long[blocks * w * L];
    for (int p = 0; p < n; p++) {
      int c = order == null ? p : order[p];
      int blk = p / L;
      int lane = p % L;
      for (int q = 0; q < w; q++) {
        inter[(blk * w + q) * L + lane] = t.candidateCodes[c * w + q];
      }
    }
    int[] labels = null;
    if (t.candidateLabels != null) {
      labels = new int[blocks * L];
      for (int p = 0; p < n; p++) {
        labels[p] = t.candidateLabels[order == null ? p : order[p]];
      }
    }
    int[] ids = null;
    if (order != null) {
      ids = new int[blocks * L];
      java.util.Arrays.fill(ids, -1);
      System.arraycopy(order, 0, ids, 0, n);
    }
    return new HammingLayout(inter, labels, ids, blocks, grouped, sample, new AtomicBoolean(true));
  }

  /**
   * Anchor rows {@code [from, to)} in search order: as they are, or, where candidates are grouped
   * by label, by label too (so that four anchors in a row mostly share one).
   */
  private static Anchors anchors(HammingTask t, HammingLayout lay, int from, int to) {
    if (!lay.grouped()) {
      return new Anchors(t.anchorLabels, null, null, null);
    }
    int m = to - from;
    long[] keys = sortedByLabel(t.anchorLabels, from, to);
    int[] labels = new int[m];
    int[] rows = new int[m];
    int[] lo = new int[m];
    int[] hi = new int[m];
    int[] cl = lay.labels();
    int n = t.candidates;
    for (int p = 0; p < m; p++) {
      int row = (int) keys[p];
      int label = (int) (keys[p] >> 32);
      rows[p] = row;
      labels[p] = label;
      if (p > 0 && label == labels[p - 1]) {
        lo[p] = lo[p - 1];
        hi[p] = hi[p - 1];
      } else {
        lo[p] = JavaKernels.lowerBound(cl, 0, n, label);
        hi[p] = label == Integer.MAX_VALUE ? n : JavaKernels.lowerBound(cl, lo[p], n, label + 1);
      }
    }
    return new Anchors(labels, rows, lo, hi);
  }

  /** Rows {@code [from, to)}; lays the candidates out for this call alone (the whole-task method does it once). */
  @Override
  public void hammingTopK(HammingTask t, int from, int to) {
    HammingLayout lay = hammingLayout(t);
    Anchors anc = anchors(t, lay, from, to);
    if (lay.grouped()) {
      hammingRows(t, lay, anc, 0, to - from);
    } else {
      hammingRows(t, lay, anc, from, to);
    }
  }

  @Override
  public void hammingTopK(HammingTask t, int threads, Progress progress) {
    HammingLayout lay = hammingLayout(t);
    Anchors anc = anchors(t, lay, 0, t.anchors());
    Parallel.forRange(threads, t.anchors(), ANCHORS_PER_CHUNK, (from, to) -> {
      progress.checkCancelled();
      hammingRows(t, lay, anc, from, to);
      progress.advance(to - from);
    });
  }

  /** The fewest candidates sampled for caps. */
  static final int MIN_SAMPLE = 2048;
  /**
   * The fewest sampled candidates expected below a cap. With a representative sample the number
   * of all candidates below the cap spreads as Gamma(j) around 3k, and falls short of k (a second
   * search) for about one anchor in twenty at j = 4, one in four at j = 1; on Fashion-MNIST at
   * k = 32 it was 0.4-0.8% of anchors. Large sets therefore sample more than {@link #MIN_SAMPLE}.
   */
  private static final int MIN_SAMPLE_RANK = 4;

  /** Anchors at positions {@code [from, to)}. */
  private void hammingRows(HammingTask t, HammingLayout lay, Anchors anc, int from, int to) {
    PackedHeaps heaps = new PackedHeaps(from, to, t.k, lay.grouped());
    int w = t.words;
    int tileBlocks = Math.max(1, TILE_BYTES / (w * L * 8));
    long[] scratch = new long[4 * L];
    long[] masks = new long[4];
    long[] bc = new long[4 * w * L];
    long[] quad = new long[4 * w];
    int[] quadLabels = new int[4];
    if (lay.sample() != null && lay.capping().get()) {
      capFromSample(t, lay, anc, heaps, from, to, scratch, masks, bc, quad, quadLabels);
    }
    for (int tb = 0; tb < lay.blocks; tb += tileBlocks) {
      int te = Math.min(lay.blocks, tb + tileBlocks);
      int a = from;
      for (; a + 4 <= to; a += 4) {
        scan4(t, lay, anc, heaps, a, tb, te, scratch, masks, bc, quad, quadLabels);
      }
      for (; a < to; a++) {
        scan1(t, lay, anc, heaps, a, tb, te, scratch);
      }
    }
    int again = 0;
    for (int a = from; a < to; a++) {
      if (!heaps.completeBelowCap(a)) {
        // The cap was too tight for this anchor (fewer than k candidates below it): search again
        // without one.
        again++;
        heaps.reset(a);
        for (int tb = 0; tb < lay.blocks; tb += tileBlocks) {
          scan1(t, lay, anc, heaps, a, tb, Math.min(lay.blocks, tb + tileBlocks), scratch);
        }
      }
      heaps.finish(a, anc.row(a), t.outDist, t.outIds);
    }
    if (again * 4 > to - from) {
      // The sample misleads on these data (a quarter of the anchors searched twice): the rest of
      // the search goes without caps.
      lay.capping().set(false);
    }
  }

  /**
   * Caps each anchor's search at a distance estimated from a sample, so that the heap is offered a
   * few times k candidates instead of the more than k ln(N/k) a search from an empty list offers
   * it (each offer leaves the vector loop, and the heap work was a third of the search). The
   * sample ({@link #sampled}) is at least 2,048 candidates evenly spaced over the ids; an
   * anchor's cap lies just past its j-th nearest admissible candidate among them, with j chosen so
   * that about 3k candidates of the whole set are expected below the cap. Nothing depends on the
   * estimate being right: a list that does not fill up below its cap is searched again without
   * one, and once a quarter of a chunk's anchors were, the rest of the search goes without caps.
   * Searches over fewer than 8 times the sample's candidates are not capped, nor (see {@link
   * #hammingLayout}) codes of more than 8 words unless k is above twice their word count.
   */
  private static void capFromSample(
      HammingTask t, HammingLayout lay, Anchors anc, PackedHeaps heaps, int from, int to,
      long[] scratch, long[] masks, long[] bc, long[] quad, int[] quadLabels) {
    HammingLayout sample = lay.sample();
    int j = (int) Math.ceil(3.0 * t.k * sample.blocks / lay.blocks);
    if (j >= t.k) {
      return;
    }
    PackedHeaps sampled = new PackedHeaps(from, to, j);
    int a = from;
    for (; a + 4 <= to; a += 4) {
      scan4(t, sample, anc, sampled, a, 0, sample.blocks, scratch, masks, bc, quad, quadLabels);
    }
    for (; a < to; a++) {
      scan1(t, sample, anc, sampled, a, 0, sample.blocks, scratch);
    }
    for (a = from; a < to; a++) {
      int jth = sampled.kth(a);
      if (jth != JavaKernels.EMPTY_DIST) {
        heaps.cap(a, jth + 1);
      }
    }
  }

  /**
   * Walks blocks {@code [tb, te)} for anchors at positions {@code a .. a+3}. Where candidates are
   * grouped by label and the four anchors share one, the blocks holding only that label are
   * skipped and labels are tested only in the blocks at the group's two ends.
   */
  private static void scan4(
      HammingTask t, HammingLayout lay, Anchors anc, PackedHeaps heaps, int a, int tb, int te,
      long[] scratch, long[] masks, long[] bc, long[] quad, int[] quadLabels) {
    final int w = t.words;
    final int[] al = anc.labels();
    // The four anchors' codes side by side, and their labels, for the vector loops.
    for (int j = 0; j < 4; j++) {
      System.arraycopy(t.anchorCodes, anc.row(a + j) * w, quad, j * w, w);
      quadLabels[j] = al != null ? al[a + j] : 0;
    }
    if (w != 1 && w != 2 && w != 4) {
      // The four anchors' words, each repeated across a vector: the generic loop XORs with vector
      // loads instead of moving every word through a general register into a broadcast.
      for (int j = 0; j < 4; j++) {
        for (int q = 0; q < w; q++) {
          java.util.Arrays.fill(bc, (j * w + q) * L, (j * w + q + 1) * L, quad[j * w + q]);
        }
      }
    }
    if (!lay.grouped() || al[a] != al[a + 3]) {
      walk4(t, lay, heaps, a, tb, te, lay.labels(), scratch, masks, bc, quad, quadLabels, anc);
      return;
    }
    // Blocks [first, last) hold the anchors' label, [inLo, inHi) nothing else.
    int lo = anc.lo()[a];
    int hi = anc.hi()[a];
    int first = lo / L;
    int inLo = (lo + L - 1) / L;
    int inHi = Math.max(inLo, hi / L);
    int last = Math.max(inHi, (hi + L - 1) / L);
    walk4(t, lay, heaps, a, tb, Math.min(te, first), null, scratch, masks, bc, quad, quadLabels, anc);
    walk4(t, lay, heaps, a, Math.max(tb, first), Math.min(te, inLo), lay.labels(), scratch, masks, bc, quad,
        quadLabels, anc);
    walk4(t, lay, heaps, a, Math.max(tb, inHi), Math.min(te, last), lay.labels(), scratch, masks, bc, quad,
        quadLabels, anc);
    walk4(t, lay, heaps, a, Math.max(tb, last), te, null, scratch, masks, bc, quad, quadLabels, anc);
  }

  /**
   * {@link #scan4} over blocks {@code [tb, te)} with the four anchors' codes in {@code quad} (and
   * {@code bc}) and labels in {@code ql}, testing labels where {@code labels} is not null.
   */
  private static void walk4(
      HammingTask t, HammingLayout lay, PackedHeaps heaps, int a, int tb, int te, int[] labels,
      long[] scratch, long[] masks, long[] bc, long[] quad, int[] ql, Anchors anc) {
    final int w = t.words;
    final long[] inter = lay.codes;
    int blk = tb;
    while (blk < te) {
      long th0 = heaps.threshold(a);
      long th1 = heaps.threshold(a + 1);
      long th2 = heaps.threshold(a + 2);
      long th3 = heaps.threshold(a + 3);
      blk = switch (w) {
        case 1 -> find4w1(inter, labels, ql, quad, blk, te, th0, th1, th2, th3, scratch, masks);
        case 2 -> find4w2(inter, labels, ql, quad, blk, te, th0, th1, th2, th3, scratch, masks);
        case 4 -> find4w4(inter, labels, ql, quad, blk, te, th0, th1, th2, th3, scratch, masks);
        case 8 -> find4w8(inter, labels, ql, bc, blk, te, th0, th1, th2, th3, scratch, masks);
        default -> find4(inter, labels, ql, bc, w, blk, te, th0, th1, th2, th3, scratch, masks);
      };
      if (blk >= te) {
        break;
      }
      for (int j = 0; j < 4; j++) {
        if (masks[j] != 0) {
          offer(t, lay, anc, heaps, a + j, blk, scratch, j * L, masks[j]);
        }
      }
      blk++;
    }
  }

  /**
   * Returns the first block in {@code [blk, te)} where one of four anchors (words in {@code bc},
   * labels in {@code anchorLabels[0..3]}) has a candidate of another label strictly nearer than
   * its threshold {@code th} ({@link PackedHeaps#threshold}), with the masks and the four distance
   * vectors stored; or {@code te}. Labels are not tested where {@code labels} is null.
   */
  // Keep these loops free of calls and vector arguments: C2 inlines every Vector API call through
  // several levels, and a vector that reaches a method it does not inline is boxed on the heap.
  // The label test runs on every block, not only once a distance passes: items of the anchor's own
  // label are mostly nearer than its threshold, and branching on each of them cost about a quarter
  // of a labelled search on Fashion-MNIST.
  private static int find4(
      long[] inter, int[] labels, int[] anchorLabels, long[] bc, int w, int blk, int te,
      long th0, long th1, long th2, long th3, long[] scratch, long[] masks) {
    final int wl = w * L;
    final LongVector zero = LongVector.zero(LS);
    final LongVector t0 = LongVector.broadcast(LS, th0);
    final LongVector t1 = LongVector.broadcast(LS, th1);
    final LongVector t2 = LongVector.broadcast(LS, th2);
    final LongVector t3 = LongVector.broadcast(LS, th3);
    final int la0 = labels != null ? anchorLabels[0] : 0;
    final int la1 = labels != null ? anchorLabels[1] : 0;
    final int la2 = labels != null ? anchorLabels[2] : 0;
    final int la3 = labels != null ? anchorLabels[3] : 0;
    for (; blk < te; blk++) {
      final int base = blk * wl;
      LongVector s0 = zero, s1 = zero, s2 = zero, s3 = zero;
      for (int q = 0; q < wl; q += L) {
        LongVector c = LongVector.fromArray(LS, inter, base + q);
        s0 = s0.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, q)).lanewise(VectorOperators.BIT_COUNT));
        s1 = s1.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, wl + q)).lanewise(VectorOperators.BIT_COUNT));
        s2 = s2.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, 2 * wl + q)).lanewise(VectorOperators.BIT_COUNT));
        s3 = s3.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, 3 * wl + q)).lanewise(VectorOperators.BIT_COUNT));
      }
      long m0 = s0.compare(VectorOperators.LT, t0).toLong();
      long m1 = s1.compare(VectorOperators.LT, t1).toLong();
      long m2 = s2.compare(VectorOperators.LT, t2).toLong();
      long m3 = s3.compare(VectorOperators.LT, t3).toLong();
      if (labels != null) {
        IntVector lv = IntVector.fromArray(IS_L, labels, blk * L);
        m0 &= lv.compare(VectorOperators.NE, la0).toLong();
        m1 &= lv.compare(VectorOperators.NE, la1).toLong();
        m2 &= lv.compare(VectorOperators.NE, la2).toLong();
        m3 &= lv.compare(VectorOperators.NE, la3).toLong();
      }
      if ((m0 | m1 | m2 | m3) != 0) {
        masks[0] = m0;
        masks[1] = m1;
        masks[2] = m2;
        masks[3] = m3;
        s0.intoArray(scratch, 0);
        s1.intoArray(scratch, L);
        s2.intoArray(scratch, 2 * L);
        s3.intoArray(scratch, 3 * L);
        return blk;
      }
    }
    return te;
  }

  /**
   * {@link #find4} for codes of 8 words, written out: the general loop's inner loop runs a
   * count C2 does not know, so it keeps the loop and its index arithmetic; here each block is
   * straight-line code. The anchors' words come from {@code bc} as vector loads (four anchors'
   * 8 words would not fit in registers).
   */
  private static int find4w8(
      long[] inter, int[] labels, int[] anchorLabels, long[] bc, int blk, int te,
      long th0, long th1, long th2, long th3, long[] scratch, long[] masks) {
    final LongVector t0 = LongVector.broadcast(LS, th0);
    final LongVector t1 = LongVector.broadcast(LS, th1);
    final LongVector t2 = LongVector.broadcast(LS, th2);
    final LongVector t3 = LongVector.broadcast(LS, th3);
    final int la0 = labels != null ? anchorLabels[0] : 0;
    final int la1 = labels != null ? anchorLabels[1] : 0;
    final int la2 = labels != null ? anchorLabels[2] : 0;
    final int la3 = labels != null ? anchorLabels[3] : 0;
    for (; blk < te; blk++) {
      final int base = blk * 8 * L;
      LongVector c = LongVector.fromArray(LS, inter, base);
      LongVector s0 = c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, 0)).lanewise(VectorOperators.BIT_COUNT);
      LongVector s1 = c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, 8 * L)).lanewise(VectorOperators.BIT_COUNT);
      LongVector s2 = c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, 2 * 8 * L)).lanewise(VectorOperators.BIT_COUNT);
      LongVector s3 = c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, 3 * 8 * L)).lanewise(VectorOperators.BIT_COUNT);
      c = LongVector.fromArray(LS, inter, base + 1 * L);
      s0 = s0.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, 1 * L)).lanewise(VectorOperators.BIT_COUNT));
      s1 = s1.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, (8 + 1) * L)).lanewise(VectorOperators.BIT_COUNT));
      s2 = s2.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, (2 * 8 + 1) * L)).lanewise(VectorOperators.BIT_COUNT));
      s3 = s3.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, (3 * 8 + 1) * L)).lanewise(VectorOperators.BIT_COUNT));
      c = LongVector.fromArray(LS, inter, base + 2 * L);
      s0 = s0.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, 2 * L)).lanewise(VectorOperators.BIT_COUNT));
      s1 = s1.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, (8 + 2) * L)).lanewise(VectorOperators.BIT_COUNT));
      s2 = s2.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, (2 * 8 + 2) * L)).lanewise(VectorOperators.BIT_COUNT));
      s3 = s3.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, (3 * 8 + 2) * L)).lanewise(VectorOperators.BIT_COUNT));
      c = LongVector.fromArray(LS, inter, base + 3 * L);
      s0 = s0.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, 3 * L)).lanewise(VectorOperators.BIT_COUNT));
      s1 = s1.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, (8 + 3) * L)).lanewise(VectorOperators.BIT_COUNT));
      s2 = s2.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, (2 * 8 + 3) * L)).lanewise(VectorOperators.BIT_COUNT));
      s3 = s3.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, (3 * 8 + 3) * L)).lanewise(VectorOperators.BIT_COUNT));
      c = LongVector.fromArray(LS, inter, base + 4 * L);
      s0 = s0.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, 4 * L)).lanewise(VectorOperators.BIT_COUNT));
      s1 = s1.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, (8 + 4) * L)).lanewise(VectorOperators.BIT_COUNT));
      s2 = s2.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, (2 * 8 + 4) * L)).lanewise(VectorOperators.BIT_COUNT));
      s3 = s3.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, (3 * 8 + 4) * L)).lanewise(VectorOperators.BIT_COUNT));
      c = LongVector.fromArray(LS, inter, base + 5 * L);
      s0 = s0.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, 5 * L)).lanewise(VectorOperators.BIT_COUNT));
      s1 = s1.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, (8 + 5) * L)).lanewise(VectorOperators.BIT_COUNT));
      s2 = s2.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, (2 * 8 + 5) * L)).lanewise(VectorOperators.BIT_COUNT));
      s3 = s3.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, (3 * 8 + 5) * L)).lanewise(VectorOperators.BIT_COUNT));
      c = LongVector.fromArray(LS, inter, base + 6 * L);
      s0 = s0.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, 6 * L)).lanewise(VectorOperators.BIT_COUNT));
      s1 = s1.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, (8 + 6) * L)).lanewise(VectorOperators.BIT_COUNT));
      s2 = s2.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, (2 * 8 + 6) * L)).lanewise(VectorOperators.BIT_COUNT));
      s3 = s3.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, (3 * 8 + 6) * L)).lanewise(VectorOperators.BIT_COUNT));
      c = LongVector.fromArray(LS, inter, base + 7 * L);
      s0 = s0.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, 7 * L)).lanewise(VectorOperators.BIT_COUNT));
      s1 = s1.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, (8 + 7) * L)).lanewise(VectorOperators.BIT_COUNT));
      s2 = s2.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, (2 * 8 + 7) * L)).lanewise(VectorOperators.BIT_COUNT));
      s3 = s3.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, (3 * 8 + 7) * L)).lanewise(VectorOperators.BIT_COUNT));
      long m0 = s0.compare(VectorOperators.LT, t0).toLong();
      long m1 = s1.compare(VectorOperators.LT, t1).toLong();
      long m2 = s2.compare(VectorOperators.LT, t2).toLong();
      long m3 = s3.compare(VectorOperators.LT, t3).toLong();
      if (labels != null) {
        IntVector lv = IntVector.fromArray(IS_L, labels, blk * L);
        m0 &= lv.compare(VectorOperators.NE, la0).toLong();
        m1 &= lv.compare(VectorOperators.NE, la1).toLong();
        m2 &= lv.compare(VectorOperators.NE, la2).toLong();
        m3 &= lv.compare(VectorOperators.NE, la3).toLong();
      }
      if ((m0 | m1 | m2 | m3) != 0) {
        masks[0] = m0;
        masks[1] = m1;
        masks[2] = m2;
        masks[3] = m3;
        s0.intoArray(scratch, 0);
        s1.intoArray(scratch, L);
        s2.intoArray(scratch, 2 * L);
        s3.intoArray(scratch, 3 * L);
        return blk;
      }
    }
    return te;
  }


  /** {@link #find4} for codes of 1 word: the anchors' words stay in registers. */
  private static int find4w1(
      long[] inter, int[] labels, int[] anchorLabels, long[] ac, int blk, int te,
      long th0, long th1, long th2, long th3, long[] scratch, long[] masks) {
    final LongVector w00 = LongVector.broadcast(LS, ac[0]);
    final LongVector w10 = LongVector.broadcast(LS, ac[1]);
    final LongVector w20 = LongVector.broadcast(LS, ac[2]);
    final LongVector w30 = LongVector.broadcast(LS, ac[3]);
    final LongVector t0 = LongVector.broadcast(LS, th0);
    final LongVector t1 = LongVector.broadcast(LS, th1);
    final LongVector t2 = LongVector.broadcast(LS, th2);
    final LongVector t3 = LongVector.broadcast(LS, th3);
    final int la0 = labels != null ? anchorLabels[0] : 0;
    final int la1 = labels != null ? anchorLabels[1] : 0;
    final int la2 = labels != null ? anchorLabels[2] : 0;
    final int la3 = labels != null ? anchorLabels[3] : 0;
    for (; blk < te; blk++) {
      final int base = blk * 1 * L;
      final LongVector c0 = LongVector.fromArray(LS, inter, base);
      final LongVector s0 = c0.lanewise(VectorOperators.XOR, w00).lanewise(VectorOperators.BIT_COUNT);
      final LongVector s1 = c0.lanewise(VectorOperators.XOR, w10).lanewise(VectorOperators.BIT_COUNT);
      final LongVector s2 = c0.lanewise(VectorOperators.XOR, w20).lanewise(VectorOperators.BIT_COUNT);
      final LongVector s3 = c0.lanewise(VectorOperators.XOR, w30).lanewise(VectorOperators.BIT_COUNT);
      long m0 = s0.compare(VectorOperators.LT, t0).toLong();
      long m1 = s1.compare(VectorOperators.LT, t1).toLong();
      long m2 = s2.compare(VectorOperators.LT, t2).toLong();
      long m3 = s3.compare(VectorOperators.LT, t3).toLong();
      if (labels != null) {
        IntVector lv = IntVector.fromArray(IS_L, labels, blk * L);
        m0 &= lv.compare(VectorOperators.NE, la0).toLong();
        m1 &= lv.compare(VectorOperators.NE, la1).toLong();
        m2 &= lv.compare(VectorOperators.NE, la2).toLong();
        m3 &= lv.compare(VectorOperators.NE, la3).toLong();
      }
      if ((m0 | m1 | m2 | m3) != 0) {
        masks[0] = m0;
        masks[1] = m1;
        masks[2] = m2;
        masks[3] = m3;
        s0.intoArray(scratch, 0);
        s1.intoArray(scratch, L);
        s2.intoArray(scratch, 2 * L);
        s3.intoArray(scratch, 3 * L);
        return blk;
      }
    }
    return te;
  }

  /** {@link #find4} for codes of 2 words: the anchors' words stay in registers. */
  private static int find4w2(
      long[] inter, int[] labels, int[] anchorLabels, long[] ac, int blk, int te,
      long th0, long th1, long th2, long th3, long[] scratch, long[] masks) {
    final LongVector w00 = LongVector.broadcast(LS, ac[0]);
    final LongVector w01 = LongVector.broadcast(LS, ac[1]);
    final LongVector w10 = LongVector.broadcast(LS, ac[2]);
    final LongVector w11 = LongVector.broadcast(LS, ac[3]);
    final LongVector w20 = LongVector.broadcast(LS, ac[4]);
    final LongVector w21 = LongVector.broadcast(LS, ac[5]);
    final LongVector w30 = LongVector.broadcast(LS, ac[6]);
    final LongVector w31 = LongVector.broadcast(LS, ac[7]);
    final LongVector t0 = LongVector.broadcast(LS, th0);
    final LongVector t1 = LongVector.broadcast(LS, th1);
    final LongVector t2 = LongVector.broadcast(LS, th2);
    final LongVector t3 = LongVector.broadcast(LS, th3);
    final int la0 = labels != null ? anchorLabels[0] : 0;
    final int la1 = labels != null ? anchorLabels[1] : 0;
    final int la2 = labels != null ? anchorLabels[2] : 0;
    final int la3 = labels != null ? anchorLabels[3] : 0;
    for (; blk < te; blk++) {
      final int base = blk * 2 * L;
      final LongVector c0 = LongVector.fromArray(LS, inter, base);
      final LongVector c1 = LongVector.fromArray(LS, inter, base + 1 * L);
      final LongVector s0 = c0.lanewise(VectorOperators.XOR, w00).lanewise(VectorOperators.BIT_COUNT)
          .add(c1.lanewise(VectorOperators.XOR, w01).lanewise(VectorOperators.BIT_COUNT));
      final LongVector s1 = c0.lanewise(VectorOperators.XOR, w10).lanewise(VectorOperators.BIT_COUNT)
          .add(c1.lanewise(VectorOperators.XOR, w11).lanewise(VectorOperators.BIT_COUNT));
      final LongVector s2 = c0.lanewise(VectorOperators.XOR, w20).lanewise(VectorOperators.BIT_COUNT)
          .add(c1.lanewise(VectorOperators.XOR, w21).lanewise(VectorOperators.BIT_COUNT));
      final LongVector s3 = c0.lanewise(VectorOperators.XOR, w30).lanewise(VectorOperators.BIT_COUNT)
          .add(c1.lanewise(VectorOperators.XOR, w31).lanewise(VectorOperators.BIT_COUNT));
      long m0 = s0.compare(VectorOperators.LT, t0).toLong();
      long m1 = s1.compare(VectorOperators.LT, t1).toLong();
      long m2 = s2.compare(VectorOperators.LT, t2).toLong();
      long m3 = s3.compare(VectorOperators.LT, t3).toLong();
      if (labels != null) {
        IntVector lv = IntVector.fromArray(IS_L, labels, blk * L);
        m0 &= lv.compare(VectorOperators.NE, la0).toLong();
        m1 &= lv.compare(VectorOperators.NE, la1).toLong();
        m2 &= lv.compare(VectorOperators.NE, la2).toLong();
        m3 &= lv.compare(VectorOperators.NE, la3).toLong();
      }
      if ((m0 | m1 | m2 | m3) != 0) {
        masks[0] = m0;
        masks[1] = m1;
        masks[2] = m2;
        masks[3] = m3;
        s0.intoArray(scratch, 0);
        s1.intoArray(scratch, L);
        s2.intoArray(scratch, 2 * L);
        s3.intoArray(scratch, 3 * L);
        return blk;
      }
    }
    return te;
  }

  /** {@link #find4} for codes of 4 words: the anchors' words stay in registers. */
  private static int find4w4(
      long[] inter, int[] labels, int[] anchorLabels, long[] ac, int blk, int te,
      long th0, long th1, long th2, long th3, long[] scratch, long[] masks) {
    final LongVector w00 = LongVector.broadcast(LS, ac[0]);
    final LongVector w01 = LongVector.broadcast(LS, ac[1]);
    final LongVector w02 = LongVector.broadcast(LS, ac[2]);
    final LongVector w03 = LongVector.broadcast(LS, ac[3]);
    final LongVector w10 = LongVector.broadcast(LS, ac[4]);
    final LongVector w11 = LongVector.broadcast(LS, ac[5]);
    final LongVector w12 = LongVector.broadcast(LS, ac[6]);
    final LongVector w13 = LongVector.broadcast(LS, ac[7]);
    final LongVector w20 = LongVector.broadcast(LS, ac[8]);
    final LongVector w21 = LongVector.broadcast(LS, ac[9]);
    final LongVector w22 = LongVector.broadcast(LS, ac[10]);
    final LongVector w23 = LongVector.broadcast(LS, ac[11]);
    final LongVector w30 = LongVector.broadcast(LS, ac[12]);
    final LongVector w31 = LongVector.broadcast(LS, ac[13]);
    final LongVector w32 = LongVector.broadcast(LS, ac[14]);
    final LongVector w33 = LongVector.broadcast(LS, ac[15]);
    final LongVector t0 = LongVector.broadcast(LS, th0);
    final LongVector t1 = LongVector.broadcast(LS, th1);
    final LongVector t2 = LongVector.broadcast(LS, th2);
    final LongVector t3 = LongVector.broadcast(LS, th3);
    final int la0 = labels != null ? anchorLabels[0] : 0;
    final int la1 = labels != null ? anchorLabels[1] : 0;
    final int la2 = labels != null ? anchorLabels[2] : 0;
    final int la3 = labels != null ? anchorLabels[3] : 0;
    for (; blk < te; blk++) {
      final int base = blk * 4 * L;
      final LongVector c0 = LongVector.fromArray(LS, inter, base);
      final LongVector c1 = LongVector.fromArray(LS, inter, base + 1 * L);
      final LongVector c2 = LongVector.fromArray(LS, inter, base + 2 * L);
      final LongVector c3 = LongVector.fromArray(LS, inter, base + 3 * L);
      final LongVector s0 = c0.lanewise(VectorOperators.XOR, w00).lanewise(VectorOperators.BIT_COUNT)
          .add(c1.lanewise(VectorOperators.XOR, w01).lanewise(VectorOperators.BIT_COUNT))
          .add(c2.lanewise(VectorOperators.XOR, w02).lanewise(VectorOperators.BIT_COUNT))
          .add(c3.lanewise(VectorOperators.XOR, w03).lanewise(VectorOperators.BIT_COUNT));
      final LongVector s1 = c0.lanewise(VectorOperators.XOR, w10).lanewise(VectorOperators.BIT_COUNT)
          .add(c1.lanewise(VectorOperators.XOR, w11).lanewise(VectorOperators.BIT_COUNT))
          .add(c2.lanewise(VectorOperators.XOR, w12).lanewise(VectorOperators.BIT_COUNT))
          .add(c3.lanewise(VectorOperators.XOR, w13).lanewise(VectorOperators.BIT_COUNT));
      final LongVector s2 = c0.lanewise(VectorOperators.XOR, w20).lanewise(VectorOperators.BIT_COUNT)
          .add(c1.lanewise(VectorOperators.XOR, w21).lanewise(VectorOperators.BIT_COUNT))
          .add(c2.lanewise(VectorOperators.XOR, w22).lanewise(VectorOperators.BIT_COUNT))
          .add(c3.lanewise(VectorOperators.XOR, w23).lanewise(VectorOperators.BIT_COUNT));
      final LongVector s3 = c0.lanewise(VectorOperators.XOR, w30).lanewise(VectorOperators.BIT_COUNT)
          .add(c1.lanewise(VectorOperators.XOR, w31).lanewise(VectorOperators.BIT_COUNT))
          .add(c2.lanewise(VectorOperators.XOR, w32).lanewise(VectorOperators.BIT_COUNT))
          .add(c3.lanewise(VectorOperators.XOR, w33).lanewise(VectorOperators.BIT_COUNT));
      long m0 = s0.compare(VectorOperators.LT, t0).toLong();
      long m1 = s1.compare(VectorOperators.LT, t1).toLong();
      long m2 = s2.compare(VectorOperators.LT, t2).toLong();
      long m3 = s3.compare(VectorOperators.LT, t3).toLong();
      if (labels != null) {
        IntVector lv = IntVector.fromArray(IS_L, labels, blk * L);
        m0 &= lv.compare(VectorOperators.NE, la0).toLong();
        m1 &= lv.compare(VectorOperators.NE, la1).toLong();
        m2 &= lv.compare(VectorOperators.NE, la2).toLong();
        m3 &= lv.compare(VectorOperators.NE, la3).toLong();
      }
      if ((m0 | m1 | m2 | m3) != 0) {
        masks[0] = m0;
        masks[1] = m1;
        masks[2] = m2;
        masks[3] = m3;
        s0.intoArray(scratch, 0);
        s1.intoArray(scratch, L);
        s2.intoArray(scratch, 2 * L);
        s3.intoArray(scratch, 3 * L);
        return blk;
      }
    }
    return te;
  }

  private static void scan1(
      HammingTask t, HammingLayout lay, Anchors anc, PackedHeaps heaps, int a, int tb, int te,
      long[] scratch) {
    final int w = t.words;
    final long[] ac = t.anchorCodes;
    final long[] inter = lay.codes;
    final int[] labels = lay.labels;
    final int o0 = anc.row(a) * w;
    final int l0 = labels != null ? anc.labels()[a] : 0;
    for (int blk = tb; blk < te; blk++) {
      int base = blk * w * L;
      LongVector s0 = LongVector.zero(LS);
      for (int q = 0; q < w; q++) {
        LongVector c = LongVector.fromArray(LS, inter, base + q * L);
        s0 = s0.add(c.lanewise(VectorOperators.XOR, ac[o0 + q]).lanewise(VectorOperators.BIT_COUNT));
      }
      long m0 = s0.compare(VectorOperators.LT, heaps.threshold(a)).toLong();
      if (m0 != 0 && labels != null) {
        m0 &= IntVector.fromArray(IS_L, labels, blk * L).compare(VectorOperators.NE, l0).toLong();
      }
      if (m0 != 0) {
        s0.intoArray(scratch, 0);
        offer(t, lay, anc, heaps, a, blk, scratch, 0, m0);
      }
    }
  }

  /**
   * Offers the lanes set in {@code mask} (distances at {@code scratch[off..]}) to the heap of the
   * anchor at position a.
   */
  private static void offer(
      HammingTask t, HammingLayout lay, Anchors anc, PackedHeaps heaps, int a, int blk, long[] scratch,
      int off, long mask) {
    final int row = anc.row(a);
    final int[] ids = lay.ids;
    long m = mask;
    while (m != 0) {
      int lane = Long.numberOfTrailingZeros(m);
      m &= m - 1;
      int p = blk * L + lane;
      int c = ids == null ? p : ids[p];
      if (c < 0 || c >= t.candidates || (t.excludeSelf && c == row)) {
        continue;
      }
      long key = PackedHeaps.key((int) scratch[off + lane], c);
      if (heaps.enters(a, key) && !JavaKernels.isListed(t.positiveOffsets, t.positiveIds, row, c)) {
        heaps.replaceTop(a, key);
      }
    }
  }
  // ---------------------------------------------------------------- exact cosine top-k

  /** Candidate vectors interleaved by {@code CU}: {@code v[(blk*d + i)*CU + lane]}. */
  private record CosineLayout(float[] vectors, int[] labels, int blocks) {}

  private static CosineLayout cosineLayout(TopKTask task, int threads) {
    CosineTask t = (CosineTask) task;
    int d = t.dims;
    int n = t.candidates;
    int blocks = (n + CU - 1) / CU;
    float[] inter = new float[blocks * d * CU];
    float[] v = t.candidateVectors;
    // Block by block, written in order (each block's CU rows are read side by side), on every
    // thread of the search: for a search of a few thousand anchors this copy is a tenth of the work.
    Parallel.forRange(threads, blocks, 64, (b0, b1) -> {
      for (int blk = b0; blk < b1; blk++) {
        int lanes = Math.min(CU, n - blk * CU);
        for (int lane = 0; lane < lanes; lane++) {
          int src = (blk * CU + lane) * d;
          int dst = blk * d * CU + lane;
          for (int i = 0; i < d; i++) {
            inter[dst + i * CU] = v[src + i];
          }
        }
      }
    });
    int[] labels = null;
    if (t.candidateLabels != null) {
      labels = new int[blocks * CU];
      System.arraycopy(t.candidateLabels, 0, labels, 0, n);
    }
    return new CosineLayout(inter, labels, blocks);
  }

  /** Rows {@code [from, to)}; lays the candidates out for this call alone (the whole-task method does it once). */
  @Override
  public void cosineTopK(CosineTask t, int from, int to) {
    cosineRows(t, cosineLayout(t, 1), from, to);
  }

  @Override
  public void cosineTopK(CosineTask t, int threads, Progress progress) {
    CosineLayout lay = cosineLayout(t, threads);
    Parallel.forRange(threads, t.anchors(), COSINE_CHUNK, (from, to) -> {
      progress.checkCancelled();
      cosineRows(t, lay, from, to);
      progress.advance(to - from);
    });
  }

  /** Anchors per unit of parallel work of the cosine search: each pass over the candidates serves them all. */
  private static final int COSINE_CHUNK = 128;
  /** Dimensions per panel: one block's panel ({@code KC * CU} floats, 24 KiB with 512-bit vectors) stays in L1 while every anchor group of the chunk uses it. */
  private static final int KC = 192;

  // The similarity block is a blocked, register-tiled matrix product: anchors packed in groups of
  // the tile (8, or 4 with 16 registers; one broadcast stream), the dimension cut into panels of KC
  // so a candidate block's panel is reused from L1 by every group, tile x CU similarities
  // accumulated in registers. Partial sums go to a float array and come back for the next panel,
  // which continues each lane's fma chain in index order, so every similarity is the reference's
  // float, whatever the tile. The selection reads the
  // finished block. No vector ever crosses a call: a vector passed to a method C2 does not inline
  // is boxed on the heap, and whether C2 inlines such a call depends on its node budget and the
  // profile of the moment, which made this search several times slower in some runs than others.
  private void cosineRows(CosineTask t, CosineLayout lay, int from, int to) {
    final int k = t.k;
    for (int a = from; a < to; a++) {
      JavaKernels.simHeapInit(t.outSim, t.outIds, a * k, k);
    }
    final int d = t.dims;
    final int groups = (to - from + tile - 1) / tile;
    // ap[(g*d + i)*tile + j] = dimension i of anchor from + g*tile + j (zeros past the last anchor).
    final float[] ap = new float[groups * d * tile];
    final float[] av = t.anchorVectors;
    for (int a = from; a < to; a++) {
      int g = (a - from) / tile;
      int j = (a - from) % tile;
      for (int i = 0; i < d; i++) {
        ap[(g * d + i) * tile + j] = av[a * d + i];
      }
    }
    final float[] acc = new float[groups * tile * CU];
    for (int blk = 0; blk < lay.blocks; blk++) {
      int base = blk * d * CU;
      for (int i0 = 0; i0 < d; i0 += KC) {
        int i1 = Math.min(d, i0 + KC);
        for (int g = 0; g < groups; g++) {
          product(ap, g, d, i0, i1, lay.vectors, base, acc);
        }
      }
      for (int g = 0; g < groups; g++) {
        select(t, lay, from + g * tile, Math.min(tile, to - from - g * tile), blk, acc, g * tile * CU);
      }
    }
    for (int a = from; a < to; a++) {
      JavaKernels.simHeapFinish(t.outSim, t.outIds, a * k, k);
    }
  }

  /**
   * Dimensions {@code [i0, i1)} of row group {@code g} of the packed rows {@code packed} against the
   * {@code CU} columns at {@code base} (stride {@code CU}), into the group's part of {@code acc}:
   * {@link #dot8} or {@link #dot4}, by the tile.
   */
  private void product(float[] packed, int g, int d, int i0, int i1, float[] cols, int base, float[] acc) {
    if (tile == 8) {
      dot8(packed, g * d * 8, i0, i1, cols, base, CU, acc, g * 8 * CU);
    } else {
      dot4(packed, g * d * 4, i0, i1, cols, base, CU, acc, g * 4 * CU);
    }
  }

  /**
   * Dimensions {@code [i0, i1)} of the similarities of one packed group of 8 anchors to one
   * interleaved block of {@code CU} candidates (dimension {@code i} of the block at {@code base +
   * i * stride}; the projection passes a stripe of the weights): {@code out[off + j*CU + lane]} continues from its
   * stored value (from 0 when {@code i0 == 0}) with a fused multiply-add per dimension in index
   * order, as the reference does.
   */
  private static void dot8(
      float[] ap, int pa, int i0, int i1, float[] inter, int base, int stride, float[] out, int off) {
    FloatVector p0, q0, p1, q1, p2, q2, p3, q3, p4, q4, p5, q5, p6, q6, p7, q7;
    if (i0 == 0) {
      p0 = FloatVector.zero(FS);
      q0 = p0; p1 = p0; q1 = p0; p2 = p0; q2 = p0; p3 = p0; q3 = p0;
      p4 = p0; q4 = p0; p5 = p0; q5 = p0; p6 = p0; q6 = p0; p7 = p0; q7 = p0;
    } else {
      p0 = FloatVector.fromArray(FS, out, off);
      q0 = FloatVector.fromArray(FS, out, off + F);
      p1 = FloatVector.fromArray(FS, out, off + CU);
      q1 = FloatVector.fromArray(FS, out, off + CU + F);
      p2 = FloatVector.fromArray(FS, out, off + 2 * CU);
      q2 = FloatVector.fromArray(FS, out, off + 2 * CU + F);
      p3 = FloatVector.fromArray(FS, out, off + 3 * CU);
      q3 = FloatVector.fromArray(FS, out, off + 3 * CU + F);
      p4 = FloatVector.fromArray(FS, out, off + 4 * CU);
      q4 = FloatVector.fromArray(FS, out, off + 4 * CU + F);
      p5 = FloatVector.fromArray(FS, out, off + 5 * CU);
      q5 = FloatVector.fromArray(FS, out, off + 5 * CU + F);
      p6 = FloatVector.fromArray(FS, out, off + 6 * CU);
      q6 = FloatVector.fromArray(FS, out, off + 6 * CU + F);
      p7 = FloatVector.fromArray(FS, out, off + 7 * CU);
      q7 = FloatVector.fromArray(FS, out, off + 7 * CU + F);
    }
    for (int i = i0; i < i1; i++) {
      int o = base + i * stride;
      int x = pa + i * 8;
      FloatVector u = FloatVector.fromArray(FS, inter, o);
      FloatVector v = FloatVector.fromArray(FS, inter, o + F);
      FloatVector s = FloatVector.broadcast(FS, ap[x]);
      p0 = u.fma(s, p0);
      q0 = v.fma(s, q0);
      s = FloatVector.broadcast(FS, ap[x + 1]);
      p1 = u.fma(s, p1);
      q1 = v.fma(s, q1);
      s = FloatVector.broadcast(FS, ap[x + 2]);
      p2 = u.fma(s, p2);
      q2 = v.fma(s, q2);
      s = FloatVector.broadcast(FS, ap[x + 3]);
      p3 = u.fma(s, p3);
      q3 = v.fma(s, q3);
      s = FloatVector.broadcast(FS, ap[x + 4]);
      p4 = u.fma(s, p4);
      q4 = v.fma(s, q4);
      s = FloatVector.broadcast(FS, ap[x + 5]);
      p5 = u.fma(s, p5);
      q5 = v.fma(s, q5);
      s = FloatVector.broadcast(FS, ap[x + 6]);
      p6 = u.fma(s, p6);
      q6 = v.fma(s, q6);
      s = FloatVector.broadcast(FS, ap[x + 7]);
      p7 = u.fma(s, p7);
      q7 = v.fma(s, q7);
    }
    p0.intoArray(out, off);
    q0.intoArray(out, off + F);
    p1.intoArray(out, off + CU);
    q1.intoArray(out, off + CU + F);
    p2.intoArray(out, off + 2 * CU);
    q2.intoArray(out, off + 2 * CU + F);
    p3.intoArray(out, off + 3 * CU);
    q3.intoArray(out, off + 3 * CU + F);
    p4.intoArray(out, off + 4 * CU);
    q4.intoArray(out, off + 4 * CU + F);
    p5.intoArray(out, off + 5 * CU);
    q5.intoArray(out, off + 5 * CU + F);
    p6.intoArray(out, off + 6 * CU);
    q6.intoArray(out, off + 6 * CU + F);
    p7.intoArray(out, off + 7 * CU);
    q7.intoArray(out, off + 7 * CU + F);
  }

  /**
   * {@link #dot8} for a group of 4 rows (machines with 16 vector registers). Written out like it,
   * not shared with it: the accumulators must be locals, since vectors held in an array or passed
   * to a method are boxed.
   */
  private static void dot4(
      float[] ap, int pa, int i0, int i1, float[] inter, int base, int stride, float[] out, int off) {
    FloatVector p0, q0, p1, q1, p2, q2, p3, q3;
    if (i0 == 0) {
      p0 = FloatVector.zero(FS);
      q0 = p0; p1 = p0; q1 = p0; p2 = p0; q2 = p0; p3 = p0; q3 = p0;
    } else {
      p0 = FloatVector.fromArray(FS, out, off);
      q0 = FloatVector.fromArray(FS, out, off + F);
      p1 = FloatVector.fromArray(FS, out, off + CU);
      q1 = FloatVector.fromArray(FS, out, off + CU + F);
      p2 = FloatVector.fromArray(FS, out, off + 2 * CU);
      q2 = FloatVector.fromArray(FS, out, off + 2 * CU + F);
      p3 = FloatVector.fromArray(FS, out, off + 3 * CU);
      q3 = FloatVector.fromArray(FS, out, off + 3 * CU + F);
    }
    for (int i = i0; i < i1; i++) {
      int o = base + i * stride;
      int x = pa + i * 4;
      FloatVector u = FloatVector.fromArray(FS, inter, o);
      FloatVector v = FloatVector.fromArray(FS, inter, o + F);
      FloatVector s = FloatVector.broadcast(FS, ap[x]);
      p0 = u.fma(s, p0);
      q0 = v.fma(s, q0);
      s = FloatVector.broadcast(FS, ap[x + 1]);
      p1 = u.fma(s, p1);
      q1 = v.fma(s, q1);
      s = FloatVector.broadcast(FS, ap[x + 2]);
      p2 = u.fma(s, p2);
      q2 = v.fma(s, q2);
      s = FloatVector.broadcast(FS, ap[x + 3]);
      p3 = u.fma(s, p3);
      q3 = v.fma(s, q3);
    }
    p0.intoArray(out, off);
    q0.intoArray(out, off + F);
    p1.intoArray(out, off + CU);
    q1.intoArray(out, off + CU + F);
    p2.intoArray(out, off + 2 * CU);
    q2.intoArray(out, off + 2 * CU + F);
    p3.intoArray(out, off + 3 * CU);
    q3.intoArray(out, off + 3 * CU + F);
  }

  /**
   * Offers block {@code blk}'s similarities of anchors {@code a0 .. a0+na-1} (rows of {@code
   * block}) to their heaps: a vector compare with each anchor's current k-th similarity (and its
   * label) lets only the candidates that can enter reach the scalar heap.
   */
  private static void select(
      CosineTask t, CosineLayout lay, int a0, int na, int blk, float[] block, int off) {
    final int k = t.k;
    final float[] sim = t.outSim;
    for (int j = 0; j < na; j++) {
      int a = a0 + j;
      float th = sim[a * k];
      // GE, not GT: a candidate equal to the k-th similarity can still win on index, so the
      // scalar check decides; NaN never occurs (inputs are validated).
      int row = off + j * CU;
      long m = FloatVector.fromArray(FS, block, row).compare(VectorOperators.GE, th).toLong()
          | (FloatVector.fromArray(FS, block, row + F).compare(VectorOperators.GE, th).toLong() << F);
      if (m != 0 && lay.labels != null) {
        int la = t.anchorLabels[a];
        m &= IntVector.fromArray(IS_F, lay.labels, blk * CU).compare(VectorOperators.NE, la).toLong()
            | (IntVector.fromArray(IS_F, lay.labels, blk * CU + F)
                .compare(VectorOperators.NE, la).toLong() << F);
      }
      if (m != 0) {
        offerSim(t, a, blk, block, row, m);
      }
    }
  }

  /** Offers the lanes set in {@code mask} (similarities at {@code block[off..]}) to anchor a's heap. */
  private static void offerSim(CosineTask t, int a, int blk, float[] block, int off, long mask) {
    int k = t.k;
    int base = a * k;
    float[] sim = t.outSim;
    int[] ids = t.outIds;
    long m = mask;
    while (m != 0) {
      int lane = Long.numberOfTrailingZeros(m);
      m &= m - 1;
      int c = blk * CU + lane;
      if (c >= t.candidates || (t.excludeSelf && c == a)) {
        continue;
      }
      float s = block[off + lane];
      if (JavaKernels.simBeats(s, c, sim[base], ids[base])
          && !JavaKernels.isListed(t.positiveOffsets, t.positiveIds, a, c)) {
        JavaKernels.simHeapReplaceTop(sim, ids, base, k, s, c);
      }
    }
  }
}
