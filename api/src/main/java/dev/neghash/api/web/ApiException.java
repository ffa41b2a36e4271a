package dev.neghash.api.web;

import java.time.Duration;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A refusal the client must see: an HTTP status, a stable problem code (the last part of the
 * problem {@code type}) and a message written for the user, never an internal exception text.
 */
public class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final HttpStatus status;
  private final String code;
  private final transient Map<String, Object> properties;
  private final Duration retryAfter;

  /** A problem with extra properties for the ProblemDetail body and an optional Retry-After. */
  public ApiException(HttpStatus status, String code, String detail, Map<String, Object> properties, Duration retryAfter) {
    super(detail, null, false, false);
    this.status = status;
    this.code = code;
    this.properties = properties == null ? Map.of() : Map.copyOf(properties);
    this.retryAfter = retryAfter;
  }

  /** A problem without extras. */
  public ApiException(HttpStatus status, String code, String detail) {
    this(status, code, detail, null, null);
  }

  /** 404 for an id that names nothing. */
  public static ApiException notFound(String what, String id) {
    return new ApiException(HttpStatus.NOT_FOUND, "not-found", "no " + what + " with id '" + Ids.printable(id) + "'");
  }

  /** 409 for a request that conflicts with the resource's state. */
  public static ApiException conflict(String code, String detail) {
    return new ApiException(HttpStatus.CONFLICT, code, detail);
  }

  /** 400 for input that is well-formed HTTP but unusable. */
  public static ApiException badRequest(String code, String detail) {
    return new ApiException(HttpStatus.BAD_REQUEST, code, detail);
  }

  /** 413 for a body over a configured limit. */
  public static ApiException tooLarge(String detail) {
    return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "too-large", detail);
  }

  /** 429 with a Retry-After. */
  public static ApiException busy(String code, String detail, Duration retryAfter) {
    return new ApiException(HttpStatus.TOO_MANY_REQUESTS, code, detail, null, retryAfter);
  }

  /** The HTTP status. */
  public HttpStatus status() {
    return status;
  }

  /** The stable problem code. */
  public String code() {
    return code;
  }

  /** Extra ProblemDetail properties. */
  public Map<String, Object> properties() {
    return properties;
  }

  /** Suggested wait before retrying, or null. */
  public Duration retryAfter() {
    return retryAfter;
  }

  /** Small helper so messages never echo long or odd client strings. */
  static final class Ids {
    private Ids() {}

    static String printable(String s) {
      if (s == null) {
        return "";
      }
      String t = s.length() > 64 ? s.substring(0, 64) + "..." : s;
      return t.replaceAll("[^A-Za-z0-9_.-]", "?");
    }
  }
}
