package dev.neghash.engine.lsh;

import java.io.Serial;
import java.io.Serializable;
import java.math.BigInteger;

/**
 * Exact per-bit sums of float projections, for the centring mean (step 2 of the method).
 *
 * <p>Every float is an integer mantissa times a power of two; the sum keeps, per bit, one 64-bit
 * integer per group of eight exponents, so adding is exact and the result does not depend on the
 * order of the rows or on how they were split: partial sums over any partition of the rows,
 * {@link #merge merged} in any order, give the same {@link #mean()} bit for bit. That is what
 * makes a distributed encoding equal to one on a single machine. Up to 2^31 rows in all.
 */
public final class BitSums implements Serializable {

  @Serial private static final long serialVersionUID = 1L;

  /** Exponent groups: float exponents 1..254 (subnormals as 1) in groups of 8. */
  private static final int GROUPS = 32;

  /** Rows a sum may hold before a group could overflow (2^31 rows of 31-bit terms). */
  public static final long MAX_ROWS = 1L << 31;

  private final int bits;
  private final long[] groups;
  private long rows;

  /** Empty sums for {@code bits} values per row. */
  public BitSums(int bits) {
    if (bits < 1) {
      throw new IllegalArgumentException("bits must be >= 1");
    }
    this.bits = bits;
    this.groups = new long[bits * GROUPS];
  }

  /** Values per row. */
  public int bits() {
    return bits;
  }

  /** Rows added so far (over all merged parts). */
  public long rows() {
    return rows;
  }

  /** Adds {@code n} rows of {@code z} ({@code n x bits}, row-major, finite values). */
  public void add(float[] z, int n) {
    if ((long) n * bits > z.length) {
      throw new IllegalArgumentException("z holds fewer than " + n + " rows");
    }
    checkRows(rows + n);
    for (int r = 0; r < n; r++) {
      int o = r * bits;
      for (int j = 0; j < bits; j++) {
        int raw = Float.floatToRawIntBits(z[o + j]);
        int exp = (raw >>> 23) & 0xFF;
        long mant = raw & 0x7FFFFF;
        int t;
        if (exp == 0) {
          t = 0;
        } else {
          mant |= 0x800000;
          t = exp - 1;
        }
        long term = mant << (t & 7);
        int g = j * GROUPS + (t >>> 3);
        groups[g] += raw < 0 ? -term : term;
      }
    }
    rows += n;
  }

  /** Adds {@code other}'s rows to this; returns this. */
  public BitSums merge(BitSums other) {
    if (other.bits != bits) {
      throw new IllegalArgumentException("bit counts differ: " + bits + " vs " + other.bits);
    }
    checkRows(rows + other.rows);
    for (int i = 0; i < groups.length; i++) {
      groups[i] += other.groups[i];
    }
    rows += other.rows;
    return this;
  }

  /** The exact sum of bit {@code j}, rounded once to the nearest double. */
  public double sum(int j) {
    BigInteger total = BigInteger.ZERO;
    for (int g = GROUPS - 1; g >= 0; g--) {
      total = total.shiftLeft(8).add(BigInteger.valueOf(groups[j * GROUPS + g]));
    }
    // Group g holds multiples of 2^(8g - 149). BigInteger.doubleValue rounds the integer to the
    // nearest double once; scaling by 2^-149 is then exact, as every nonzero result (at least
    // 2^-149 in magnitude, below 2^200) is a normal double.
    return Math.scalb(total.doubleValue(), -149);
  }

  /** Per-bit means: the exact sum rounded to a double, divided by the row count, as floats (zeros when empty). */
  public float[] mean() {
    float[] m = new float[bits];
    if (rows == 0) {
      return m;
    }
    for (int j = 0; j < bits; j++) {
      m[j] = (float) (sum(j) / rows);
    }
    return m;
  }

  private static void checkRows(long total) {
    if (total > MAX_ROWS) {
      throw new IllegalArgumentException("more than 2^31 rows in one sum");
    }
  }
}
