package dev.neghash.api.web;

import java.net.URI;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** Builds the service's RFC 9457 problem bodies: {@code type} is {@code urn:neghash:problem:<code>}. */
public final class Problems {

  /** Prefix of every problem type. */
  public static final String TYPE_PREFIX = "urn:neghash:problem:";

  private Problems() {}

  /** A problem body with a stable code and a user-facing detail. */
  public static ProblemDetail of(HttpStatusCode status, String code, String detail) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
    p.setType(URI.create(TYPE_PREFIX + code));
    return p;
  }
}
