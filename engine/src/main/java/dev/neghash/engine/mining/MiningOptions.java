package dev.neghash.engine.mining;

import java.util.Locale;

/**
 * How negatives are taken from each anchor's top-k list.
 *
 * @param strategy {@link Strategy#TOP}: the nearest {@code count}; {@link Strategy#RANDOM}: a
 *     seeded choice of {@code count} among ranks {@code [rangeMin, rangeMax)}
 * @param count negatives per anchor
 * @param rangeMin first rank of the window (0-based, inclusive), RANDOM only
 * @param rangeMax end of the window (exclusive; clamped to k), RANDOM only
 * @param maxEstimatedCosine skip neighbours whose estimated cosine exceeds this (likely false
 *     negatives); {@code NaN} or {@code >= 1} disables the ceiling
 * @param seed seed of the RANDOM choice
 */
public record MiningOptions(
    Strategy strategy, int count, int rangeMin, int rangeMax, double maxEstimatedCosine, long seed) {

  /** Negative selection strategies. */
  public enum Strategy {
    /** The nearest admissible neighbours. */
    TOP,
    /** A seeded random choice inside a rank window. */
    RANDOM;

    /** Parses {@code top} or {@code random}, any case. */
    public static Strategy parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown strategy '" + s + "'; use top or random");
      }
    }
  }

  /** Validates the options. */
  public MiningOptions {
    if (strategy == null) {
      throw new IllegalArgumentException("strategy is required");
    }
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, got " + count);
    }
    if (rangeMin < 0 || rangeMax <= rangeMin) {
      throw new IllegalArgumentException(
          "rank window must satisfy 0 <= rangeMin < rangeMax, got [" + rangeMin + ", " + rangeMax + ")");
    }
    if (maxEstimatedCosine < -1) {
      throw new IllegalArgumentException("maxEstimatedCosine must be >= -1");
    }
  }

  /** The nearest {@code count} negatives, no ceiling. */
  public static MiningOptions top(int count) {
    return new MiningOptions(Strategy.TOP, count, 0, Integer.MAX_VALUE, Double.NaN, 0);
  }
}
