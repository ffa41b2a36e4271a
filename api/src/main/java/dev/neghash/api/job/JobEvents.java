package dev.neghash.api.job;

import dev.neghash.api.NeghashProperties;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Pushes job changes to Server-Sent Events subscribers. Every event is {@code event: job}, with an
 * increasing {@code id} and the job's JSON view (as {@code GET /api/v1/jobs/{id}} returns it) as
 * {@code data}; a comment line is sent as a heartbeat. A per-job stream ends after the job's final
 * state; the all-jobs stream stays open until its timeout, or until the service shuts down.
 */
@Component
public class JobEvents extends FlagLifecycle implements DisposableBean {

  private record Sub(String jobId, SseEmitter emitter) {}

  private final List<Sub> subs = new CopyOnWriteArrayList<>();
  private final AtomicLong seq = new AtomicLong();
  private final long timeoutMillis;
  private final ScheduledExecutorService heartbeat;
  private volatile boolean stopped;

  JobEvents(NeghashProperties props) {
    this.timeoutMillis = props.events().timeout().toMillis();
    this.heartbeat = every(props.events().heartbeat(), "neghash-sse-heartbeat", this::beat);
  }

  /** Opens a stream for one job (or all jobs when {@code jobId} is null), starting with {@code initial}. */
  SseEmitter subscribe(String jobId, Collection<JobView> initial) {
    SseEmitter e = new SseEmitter(timeoutMillis);
    if (stopped) {
      // Shutting down: a client reconnecting now gets an empty stream, not one that holds shutdown up.
      e.complete();
      return e;
    }
    Sub s = new Sub(jobId, e);
    e.onCompletion(() -> subs.remove(s));
    e.onTimeout(() -> subs.remove(s));
    e.onError(t -> subs.remove(s));
    subs.add(s);
    try {
      // A comment first, so the response headers reach the client even before the first event.
      e.send(SseEmitter.event().comment("open"));
    } catch (IOException | IllegalStateException ex) {
      subs.remove(s);
      return e;
    }
    for (JobView v : initial) {
      send(s, v);
    }
    return e;
  }

  /** Sends a job's view to everyone listening to it. */
  void publish(JobView v) {
    for (Sub s : subs) {
      if (s.jobId() == null || s.jobId().equals(v.id())) {
        send(s, v);
      }
    }
  }

  private void send(Sub s, JobView v) {
    try {
      s.emitter().send(SseEmitter.event().id(Long.toString(seq.incrementAndGet())).name("job")
          .data(v, MediaType.APPLICATION_JSON));
      if (s.jobId() != null && v.state().isFinal()) {
        subs.remove(s);
        s.emitter().complete();
      }
    } catch (IOException | IllegalStateException e) {
      // The client went away; the container completes the emitter.
      subs.remove(s);
    }
  }

  private void beat() {
    for (Sub s : subs) {
      try {
        s.emitter().send(SseEmitter.event().comment("keep-alive"));
      } catch (IOException | IllegalStateException e) {
        subs.remove(s);
      }
    }
  }

  /**
   * Stops after the job service (which publishes the jobs' last states at shutdown) and before the
   * web server's graceful shutdown, which waits for open requests: an open event stream (a
   * dashboard left open) would otherwise hold it for its whole timeout.
   */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 512;
  }

  @Override
  public void stop() {
    markStopped();
    stopped = true;
    completeAll();
  }

  @Override
  public void destroy() {
    heartbeat.shutdownNow();
    completeAll();
  }

  private void completeAll() {
    for (Sub s : subs) {
      subs.remove(s);
      try {
        s.emitter().complete();
      } catch (IllegalStateException e) {
        // already completed by the container
      }
    }
  }
}
