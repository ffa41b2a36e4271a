package dev.neghash.api.job;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;

/**
 * A {@link SmartLifecycle} whose running state is a flag: set by {@link #start}, cleared by {@link
 * #markStopped}; its background work ticks on a daemon thread of its own ({@link #every}).
 */
public abstract class FlagLifecycle implements SmartLifecycle {

  private volatile boolean running;

  @Override
  public void start() {
    running = true;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Runs {@code tick} every {@code period} on a new daemon thread named {@code threadName}; returns its executor. */
  protected static ScheduledExecutorService every(Duration period, String threadName, Runnable tick) {
    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
    long ms = period.toMillis();
    s.scheduleWithFixedDelay(tick, ms, ms, TimeUnit.MILLISECONDS);
    return s;
  }

  /** Clears the running flag; {@link #stop} calls it. */
  protected void markStopped() {
    running = false;
  }
}
