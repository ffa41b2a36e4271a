package dev.neghash.spark;

import dev.neghash.engine.Defaults;
import dev.neghash.engine.lsh.PackedCodes;
import java.io.Serial;
import java.io.Serializable;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * What {@link NegHashSpark} does with a table of embeddings: the encoding settings of the engine
 * (bits, seed, centring, normalisation), the search ({@code k}, labels, positive pairs, anchor and
 * candidate subsets) and how the work is spread (partitions, candidate blocks, broadcast budget).
 * Immutable; every {@code with} method returns a copy.
 *
 * <p>Input columns: {@code id} (long, distinct), {@code embedding} (array of float or double, the
 * same length in every row), and optionally {@code label} (long; rows with the same non-null
 * label are never each other's neighbours) and boolean columns that mark anchors and candidates.
 */
public final class SparkOptions implements Serializable {

  @Serial private static final long serialVersionUID = 1L;

  /** How candidates reach the tasks. */
  public enum Strategy {
    /** Broadcast when all candidate codes fit {@link #broadcastBudgetBytes()}, else blocked. */
    AUTO,
    /** Every task gets all candidate codes (a Spark broadcast variable). */
    BROADCAST,
    /** Anchor partitions x candidate blocks (a cartesian product), then a per-anchor top-k merge. */
    BLOCKED
  }

  /** Default budget for broadcasting candidate codes: 1 GiB (16.7 million items at 512 bits). */
  public static final long DEFAULT_BROADCAST_BUDGET = 1L << 30;

  private int k = Defaults.K;
  private int bits = Defaults.BITS;
  private long seed = Defaults.SEED;
  private boolean center = Defaults.CENTER;
  private boolean normalize = Defaults.NORMALIZE;
  private String idColumn = "id";
  private String embeddingColumn = "embedding";
  private String labelColumn;
  private String anchorColumn;
  private String candidateColumn;
  private long[] positivePairs;
  private Strategy strategy = Strategy.AUTO;
  private long broadcastBudgetBytes = DEFAULT_BROADCAST_BUDGET;
  private int partitions;
  private int candidateBlocks;
  private int taskThreads = 1;

  private SparkOptions() {}

  /** Defaults of the engine, {@code k} neighbours, no labels. */
  public static SparkOptions k(int k) {
    return new SparkOptions().withK(k);
  }

  /** Engine defaults throughout ({@link Defaults#K} neighbours). */
  public static SparkOptions defaults() {
    return new SparkOptions();
  }

  private SparkOptions copy() {
    SparkOptions o = new SparkOptions();
    o.k = k;
    o.bits = bits;
    o.seed = seed;
    o.center = center;
    o.normalize = normalize;
    o.idColumn = idColumn;
    o.embeddingColumn = embeddingColumn;
    o.labelColumn = labelColumn;
    o.anchorColumn = anchorColumn;
    o.candidateColumn = candidateColumn;
    o.positivePairs = positivePairs;
    o.strategy = strategy;
    o.broadcastBudgetBytes = broadcastBudgetBytes;
    o.partitions = partitions;
    o.candidateBlocks = candidateBlocks;
    o.taskThreads = taskThreads;
    return o;
  }

  /** A copy with {@code change} applied. */
  private SparkOptions with(Consumer<SparkOptions> change) {
    SparkOptions o = copy();
    change.accept(o);
    return o;
  }

  /** Neighbours per anchor. */
  public SparkOptions withK(int v) {
    if (v < 1) {
      throw new IllegalArgumentException("k must be >= 1");
    }
    return with(o -> o.k = v);
  }

  /** Code length b (a multiple of 64 from 64 to 4096). */
  public SparkOptions withBits(int v) {
    PackedCodes.checkBits(v);
    return with(o -> o.bits = v);
  }

  /** Seed of the hyperplanes. */
  public SparkOptions withSeed(long v) {
    return with(o -> o.seed = v);
  }

  /** Centre projections on the per-bit mean (default on). */
  public SparkOptions withCenter(boolean v) {
    return with(o -> o.center = v);
  }

  /** Scale rows to unit length before projecting (default on). */
  public SparkOptions withNormalize(boolean v) {
    return with(o -> o.normalize = v);
  }

  /** Name of the id column (default {@code id}). */
  public SparkOptions withIdColumn(String v) {
    return with(o -> o.idColumn = v);
  }

  /** Name of the embedding column (default {@code embedding}). */
  public SparkOptions withEmbeddingColumn(String v) {
    return with(o -> o.embeddingColumn = v);
  }

  /** Exclude same-label neighbours, labels read from this column (long; null means no label). */
  public SparkOptions withLabels(String column) {
    return with(o -> o.labelColumn = column);
  }

  /** Search only for rows where this boolean column is true (default: every row is an anchor). */
  public SparkOptions withAnchors(String column) {
    return with(o -> o.anchorColumn = column);
  }

  /** Search only among rows where this boolean column is true (default: every row). */
  public SparkOptions withCandidates(String column) {
    return with(o -> o.candidateColumn = column);
  }

  /** Id pairs {@code (x0, y0, x1, y1, ...)} that are never each other's neighbours (both ways). */
  public SparkOptions withPositivePairs(long[] pairs) {
    if (pairs != null && pairs.length % 2 != 0) {
      throw new IllegalArgumentException("positive pairs must come as (x, y) pairs");
    }
    return with(o -> o.positivePairs = pairs == null ? null : pairs.clone());
  }

  /** How candidates reach the tasks (default {@link Strategy#AUTO}). */
  public SparkOptions withStrategy(Strategy v) {
    return with(o -> o.strategy = v);
  }

  /** Largest candidate code volume that is broadcast under {@link Strategy#AUTO}. */
  public SparkOptions withBroadcastBudget(long bytes) {
    return with(o -> o.broadcastBudgetBytes = bytes);
  }

  /** Anchor partitions of the search, 0 for Spark's default parallelism. */
  public SparkOptions withPartitions(int v) {
    if (v < 0) {
      throw new IllegalArgumentException("partitions must be >= 0");
    }
    return with(o -> o.partitions = v);
  }

  /** Candidate blocks of the blocked search, 0 for Spark's default parallelism. */
  public SparkOptions withCandidateBlocks(int v) {
    if (v < 0) {
      throw new IllegalArgumentException("candidate blocks must be >= 0");
    }
    return with(o -> o.candidateBlocks = v);
  }

  /** Threads each task's search uses (default 1: one per Spark core). */
  public SparkOptions withTaskThreads(int v) {
    if (v < 1) {
      throw new IllegalArgumentException("task threads must be >= 1");
    }
    return with(o -> o.taskThreads = v);
  }

  public int k() {
    return k;
  }

  public int bits() {
    return bits;
  }

  public long seed() {
    return seed;
  }

  public boolean center() {
    return center;
  }

  public boolean normalize() {
    return normalize;
  }

  public String idColumn() {
    return idColumn;
  }

  public String embeddingColumn() {
    return embeddingColumn;
  }

  /** The label column, or null. */
  public String labelColumn() {
    return labelColumn;
  }

  /** The anchor flag column, or null. */
  public String anchorColumn() {
    return anchorColumn;
  }

  /** The candidate flag column, or null. */
  public String candidateColumn() {
    return candidateColumn;
  }

  /** Positive pairs, or null. */
  public long[] positivePairs() {
    return positivePairs == null ? null : positivePairs.clone();
  }

  public Strategy strategy() {
    return strategy;
  }

  public long broadcastBudgetBytes() {
    return broadcastBudgetBytes;
  }

  public int partitions() {
    return partitions;
  }

  public int candidateBlocks() {
    return candidateBlocks;
  }

  public int taskThreads() {
    return taskThreads;
  }

  @Override
  public String toString() {
    return "SparkOptions[k=" + k + ", bits=" + bits + ", seed=" + seed + ", center=" + center + ", normalize="
        + normalize + ", labels=" + labelColumn + ", anchors=" + anchorColumn + ", candidates=" + candidateColumn
        + ", pairs=" + (positivePairs == null ? 0 : positivePairs.length / 2) + ", strategy=" + strategy
        + ", budget=" + broadcastBudgetBytes + ", partitions=" + partitions + ", blocks=" + candidateBlocks
        + ", taskThreads=" + taskThreads + "]";
  }

  @Override
  public boolean equals(Object x) {
    return x instanceof SparkOptions o && toString().equals(o.toString())
        && Arrays.equals(positivePairs, o.positivePairs);
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }
}
