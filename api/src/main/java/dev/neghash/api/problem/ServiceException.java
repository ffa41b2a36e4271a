package dev.neghash.api.problem;

import java.time.Duration;
import java.util.Map;

/**
 * A refusal by one of the service's features, in the domain's words: what went wrong ({@link
 * NotFound}, {@link Conflict}, {@link Invalid}, {@link TooLarge}, {@link Busy}, {@link
 * Unsupported}, {@link ShuttingDown}), a stable problem code and a message written for the user,
 * never an internal exception text. The web layer ({@code ProblemAdvice}) alone decides the HTTP
 * status and body each one becomes.
 */
public abstract sealed class ServiceException extends RuntimeException
    permits ServiceException.NotFound, ServiceException.Conflict, ServiceException.Invalid, ServiceException.TooLarge,
        ServiceException.Busy, ServiceException.Unsupported, ServiceException.ShuttingDown {
  private static final long serialVersionUID = 1L;

  private final String code;
  private final transient Map<String, Object> properties;

  ServiceException(String code, String detail, Map<String, Object> properties) {
    super(detail, null, false, false);
    this.code = code;
    this.properties = properties == null ? Map.of() : Map.copyOf(properties);
  }

  /** The stable problem code (the last part of the problem {@code type}). */
  public String code() {
    return code;
  }

  /** Extra facts for the client (e.g. the row and column of a bad value). */
  public Map<String, Object> properties() {
    return properties;
  }

  /** An id, page or row names nothing. */
  public static NotFound notFound(String detail) {
    return new NotFound(detail);
  }

  /** No {@code what} has the id {@code id}. */
  public static NotFound notFound(String what, String id) {
    return new NotFound("no " + what + " with id '" + printable(id) + "'");
  }

  /** The request conflicts with the state of what it names. */
  public static Conflict conflict(String code, String detail) {
    return new Conflict(code, detail);
  }

  /** The input is well-formed but unusable. */
  public static Invalid invalid(String code, String detail) {
    return new Invalid(code, detail, null);
  }

  /** The input is unusable at a place the properties name. */
  public static Invalid invalid(String code, String detail, Map<String, Object> properties) {
    return new Invalid(code, detail, properties);
  }

  /** A body is over a configured limit. */
  public static TooLarge tooLarge(String detail) {
    return new TooLarge(detail);
  }

  /** Capacity is used up for now; try again after {@code retryAfter}. */
  public static Busy busy(String code, String detail, Duration retryAfter) {
    return new Busy(code, detail, retryAfter);
  }

  /** The data comes in a form this operation does not take. */
  public static Unsupported unsupported(String detail) {
    return new Unsupported(detail);
  }

  /** The service is stopping and takes no new work. */
  public static ShuttingDown shuttingDown() {
    return new ShuttingDown();
  }

  /** A client-supplied string, short and harmless enough to quote back. */
  private static String printable(String s) {
    if (s == null) {
      return "";
    }
    String t = s.length() > 64 ? s.substring(0, 64) + "..." : s;
    return t.replaceAll("[^A-Za-z0-9_.-]", "?");
  }

  /** See {@link #notFound(String)}. */
  public static final class NotFound extends ServiceException {
    private static final long serialVersionUID = 1L;

    NotFound(String detail) {
      super("not-found", detail, null);
    }
  }

  /** See {@link #conflict}. */
  public static final class Conflict extends ServiceException {
    private static final long serialVersionUID = 1L;

    Conflict(String code, String detail) {
      super(code, detail, null);
    }
  }

  /** See {@link #invalid(String, String)}. */
  public static final class Invalid extends ServiceException {
    private static final long serialVersionUID = 1L;

    Invalid(String code, String detail, Map<String, Object> properties) {
      super(code, detail, properties);
    }
  }

  /** See {@link #tooLarge}. */
  public static final class TooLarge extends ServiceException {
    private static final long serialVersionUID = 1L;

    TooLarge(String detail) {
      super("too-large", detail, null);
    }
  }

  /** See {@link #busy}. */
  public static final class Busy extends ServiceException {
    private static final long serialVersionUID = 1L;
    private final Duration retryAfter;

    Busy(String code, String detail, Duration retryAfter) {
      super(code, detail, null);
      this.retryAfter = retryAfter;
    }

    /** How long the client should wait before trying again. */
    public Duration retryAfter() {
      return retryAfter;
    }
  }

  /** See {@link #unsupported}. */
  public static final class Unsupported extends ServiceException {
    private static final long serialVersionUID = 1L;

    Unsupported(String detail) {
      super("unsupported-media-type", detail, null);
    }
  }

  /** See {@link #shuttingDown}. */
  public static final class ShuttingDown extends ServiceException {
    private static final long serialVersionUID = 1L;

    ShuttingDown() {
      super("shutting-down", "the service is shutting down", null);
    }
  }
}
