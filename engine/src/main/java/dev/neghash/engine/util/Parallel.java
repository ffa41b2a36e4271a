package dev.neghash.engine.util;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits an index range into fixed-size chunks and runs them on a bounded number of threads.
 *
 * <p>Chunks are claimed dynamically, but each chunk's work must depend only on its own indices,
 * so results never depend on the thread count or on scheduling.
 */
public final class Parallel {

  /** Work over the half-open index range {@code [from, to)}. */
  @FunctionalInterface
  public interface RangeTask {
    /** Processes indices {@code [from, to)}. */
    void run(int from, int to) throws Exception;
  }

  private static final ExecutorService POOL =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "neghash-worker");
            t.setDaemon(true);
            return t;
          });

  private Parallel() {}

  /** The number of threads to use when a caller asks for 0 ("all cores"). */
  public static int defaultThreads() {
    return Runtime.getRuntime().availableProcessors();
  }

  /** Returns {@code threads} when positive, else {@link #defaultThreads()}. */
  public static int resolve(int threads) {
    return threads > 0 ? threads : defaultThreads();
  }

  /**
   * Runs {@code task} over {@code [0, n)} in chunks of {@code grain} indices on up to {@code
   * threads} threads (the calling thread included), and returns when all chunks are done.
   *
   * @throws RuntimeException wrapping the first failure of any chunk; interrupts propagate as
   *     {@link java.util.concurrent.CancellationException}
   */
  public static void forRange(int threads, int n, int grain, RangeTask task) {
    if (n <= 0) {
      return;
    }
    int g = Math.max(1, grain);
    int chunks = (n + g - 1) / g;
    int workers = Math.min(resolve(threads), chunks);
    AtomicInteger next = new AtomicInteger();
    Runnable worker =
        () -> {
          int c;
          while ((c = next.getAndIncrement()) < chunks) {
            if (Thread.currentThread().isInterrupted()) {
              throw new java.util.concurrent.CancellationException("interrupted");
            }
            int from = c * g;
            try {
              task.run(from, Math.min(n, from + g));
            } catch (RuntimeException e) {
              next.set(chunks);
              throw e;
            } catch (Exception e) {
              next.set(chunks);
              throw new RuntimeException(e);
            }
          }
        };
    if (workers == 1) {
      worker.run();
      return;
    }
    List<Future<?>> futures = new ArrayList<>(workers - 1);
    for (int w = 1; w < workers; w++) {
      futures.add(POOL.submit(worker));
    }
    RuntimeException failure = null;
    try {
      worker.run();
    } catch (RuntimeException e) {
      failure = e;
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (failure == null) {
          failure =
              e.getCause() instanceof RuntimeException re ? re : new RuntimeException(e.getCause());
        }
      } catch (InterruptedException e) {
        next.set(chunks);
        futures.forEach(x -> x.cancel(true));
        Thread.currentThread().interrupt();
        throw new java.util.concurrent.CancellationException("interrupted");
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
