package dev.neghash.api.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one table of legal moves: as documented, and nobody can change it at run time. */
class JobStateTest {

  @Test
  void movesAreTheDocumentedOnesAndCannotBeChanged() {
    assertThat(JobState.QUEUED.allowedMoves()).containsExactlyInAnyOrder(JobState.RUNNING, JobState.CANCELLED,
        JobState.FAILED);
    assertThat(JobState.RUNNING.allowedMoves()).containsExactlyInAnyOrder(JobState.SUCCEEDED, JobState.FAILED,
        JobState.CANCELLED);
    for (JobState s : Set.of(JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)) {
      assertThat(s.isFinal()).isTrue();
      assertThat(s.canMoveTo(JobState.RUNNING)).isFalse();
    }
    assertThatThrownBy(() -> JobState.SUCCEEDED.allowedMoves().add(JobState.RUNNING))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> JobState.QUEUED.allowedMoves().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThat(JobState.QUEUED.canMoveTo(JobState.RUNNING)).isTrue();
  }
}
