package dev.neghash.engine;

/**
 * Receives progress from long-running engine calls and lets the caller cancel them.
 *
 * <p>Implementations must be thread-safe: worker threads call {@link #advance} concurrently.
 */
public interface Progress {

  /** Ignores progress and never cancels. */
  Progress NONE = new Progress() {};

  /** Reports that {@code units} more units of work (anchors, rows) are done. */
  default void advance(long units) {}

  /** When true, the call stops at the next chunk boundary with a {@link java.util.concurrent.CancellationException}. */
  default boolean cancelled() {
    return false;
  }

  /** Throws {@link java.util.concurrent.CancellationException} if cancelled. */
  default void checkCancelled() {
    if (cancelled() || Thread.currentThread().isInterrupted()) {
      throw new java.util.concurrent.CancellationException("cancelled");
    }
  }
}
