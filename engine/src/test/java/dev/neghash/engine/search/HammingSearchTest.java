package dev.neghash.engine.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.TestData;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.Progress;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The parallel search against a brute-force sort, on every provider. */
class HammingSearchTest {

  static Stream<Arguments> cases() {
    return KernelProviders.available().stream().flatMap(p -> Stream.of(
        Arguments.of(p, 200, 64, 1, true),
        Arguments.of(p, 200, 64, 199, true),
        Arguments.of(p, 333, 192, 17, true),
        Arguments.of(p, 333, 320, 40, false),
        Arguments.of(p, 130, 1024, 129, false),
        Arguments.of(p, 517, 256, 32, true)));
  }

  @ParameterizedTest(name = "{0} n={1} b={2} k={3} sparse={4}")
  @MethodSource("cases")
  void matchesBruteForceUnderEveryExclusionRule(KernelProvider p, int n, int bits, int k, boolean sparse) {
    PackedCodes c = TestData.codes(n, bits, 11L * n + bits, sparse);
    int[] labels = TestData.labels(n, 7, n);
    int[] pa = new int[n];
    int[] pc = new int[n];
    Set<Long> pos = new HashSet<>();
    for (int i = 0; i < n; i++) {
      pa[i] = i;
      pc[i] = (i * 7 + 3) % n;
      pos.add(((long) i << 32) | pc[i]);
    }
    // Self only (k = N-1 allowed).
    check(p, c, c, Exclusions.selfOnly(), k, TestData.bruteHamming(c, c, true, null, null, null, k));
    // Labels: fewer than k admissible candidates pad with -1.
    check(p, c, c, Exclusions.labels(labels), k, TestData.bruteHamming(c, c, true, labels, labels, null, k));
    // Labels and listed positives.
    check(p, c, c, Exclusions.labels(labels).withPositivePairs(n, pa, pc), k,
        TestData.bruteHamming(c, c, true, labels, labels, pos, k));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void queryReferenceModeSearchesTheOtherSet(KernelProvider p) {
    PackedCodes q = TestData.codes(90, 128, 1, false);
    PackedCodes r = TestData.codes(150, 128, 2, false);
    int[] ql = TestData.labels(90, 4, 3);
    int[] rl = TestData.labels(150, 4, 4);
    Exclusions ex = new Exclusions(false, ql, rl, null, null);
    check(p, q, r, ex, 20, TestData.bruteHamming(q, r, false, ql, rl, null, 20));
    // Without self-exclusion k may equal the candidate count.
    check(p, q, r, Exclusions.none(), 150, TestData.bruteHamming(q, r, false, null, null, null, 150));
  }

  static Stream<KernelProvider> providers() {
    return KernelProviders.available().stream();
  }

  private static void check(KernelProvider p, PackedCodes a, PackedCodes c, Exclusions ex, int k, int[][] expected) {
    for (int threads : new int[] {1, 3}) {
      Neighbours nb = HammingSearch.search(a, c, ex, k, threads, p, Progress.NONE);
      assertThat(nb.ids()).as("ids, %d threads", threads).containsExactly(expected[0]);
      assertThat(nb.hamming()).as("distances, %d threads", threads).containsExactly(expected[1]);
    }
  }

  @Test
  void rejectsKOutOfRangeAndMismatchedCodes() {
    PackedCodes c = TestData.codes(10, 64, 1, false);
    assertThatThrownBy(() -> HammingSearch.self(c, null, 10, 1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("k must be between 1 and 9");
    assertThatThrownBy(() -> HammingSearch.self(c, null, 0, 1)).isInstanceOf(InvalidInputException.class);
    PackedCodes other = TestData.codes(10, 128, 1, false);
    assertThatThrownBy(() -> HammingSearch.search(c, other, Exclusions.none(), 3, 1, KernelProviders.get(), Progress.NONE))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("differ in length");
  }

  @Test
  void labelCountMismatchIsRejected() {
    PackedCodes c = TestData.codes(10, 64, 1, false);
    assertThatThrownBy(() -> HammingSearch.self(c, new int[9], 3, 1))
        .hasMessageContaining("label counts");
  }

  @Test
  void cancellationStopsTheSearch() {
    PackedCodes c = TestData.codes(5000, 256, 1, false);
    Progress cancelled = new Progress() {
      @Override
      public boolean cancelled() {
        return true;
      }
    };
    assertThatThrownBy(() -> HammingSearch.search(c, c, Exclusions.selfOnly(), 5, 2, KernelProviders.get(), cancelled))
        .isInstanceOf(CancellationException.class);
  }

  @Test
  void progressCountsEveryAnchor() {
    PackedCodes c = TestData.codes(1000, 128, 1, false);
    java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
    HammingSearch.search(c, c, Exclusions.selfOnly(), 5, 2, KernelProviders.get(), new Progress() {
      @Override
      public void advance(long units) {
        done.addAndGet(units);
      }
    });
    assertThat(done.get()).isEqualTo(1000);
  }
}
