package dev.neghash.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OrchestratorTest {

  @Test
  void dropSelfRemovesTheAnchorOrElseTheLastEntry() {
    int k = 3;
    int[] anchors = {2, 5, 9};
    int[] ids = {
      2, 7, 1, 4, // anchor 2 first
      8, 5, 6, 3, // anchor 5 second (a duplicate code came first)
      4, 1, 0, 6, // anchor 9 absent: duplicates of it filled the list
    };
    assertThat(Orchestrator.dropSelf(ids, k, anchors, new int[] {2, 5, 9}))
        .containsExactly(7, 1, 4, 8, 6, 3, 4, 1, 0);
    assertThat(Orchestrator.dropSelf(ids, k, anchors, new int[] {5})).containsExactly(8, 6, 3);
  }
}
