package dev.neghash.api.web;

import dev.neghash.api.problem.ServiceException;
import dev.neghash.engine.InvalidInputException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.util.DisconnectedClientHelper;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Turns every failure of the API's controllers into an RFC 9457 {@link ProblemDetail} that names
 * the problem; anything unexpected becomes a 500 with a reference id, and its message and stack
 * trace go to the log only.
 */
@RestControllerAdvice(basePackages = "dev.neghash.api")
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ProblemAdvice extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

  @ExceptionHandler(ServiceException.class)
  ResponseEntity<ProblemDetail> refused(ServiceException e) {
    ProblemDetail p = Problems.of(status(e), e.code(), e.getMessage());
    e.properties().forEach(p::setProperty);
    HttpHeaders h = new HttpHeaders();
    if (e instanceof ServiceException.Busy busy && busy.retryAfter() != null) {
      h.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, busy.retryAfter().toSeconds())));
    }
    return problem(p, h);
  }

  /** The one place where a kind of refusal becomes an HTTP status. */
  static HttpStatus status(ServiceException e) {
    return switch (e) {
      case ServiceException.NotFound x -> HttpStatus.NOT_FOUND;
      case ServiceException.Conflict x -> HttpStatus.CONFLICT;
      case ServiceException.Invalid x -> HttpStatus.BAD_REQUEST;
      case ServiceException.TooLarge x -> HttpStatus.CONTENT_TOO_LARGE;
      case ServiceException.Busy x -> HttpStatus.TOO_MANY_REQUESTS;
      case ServiceException.Unsupported x -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
      case ServiceException.ShuttingDown x -> HttpStatus.SERVICE_UNAVAILABLE;
    };
  }

  @ExceptionHandler(InvalidInputException.class)
  ResponseEntity<ProblemDetail> invalid(InvalidInputException e) {
    // The engine writes these messages for users: they name the problem and the row.
    return problem(Problems.of(HttpStatus.BAD_REQUEST, "invalid-input", e.getMessage()), new HttpHeaders());
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e) {
    if (DisconnectedClientHelper.isClientDisconnectedException(e)) {
      // The client stopped sending (or reading); nothing was stored and nobody reads this answer.
      log.info("client went away: {}", e.toString());
      return problem(Problems.of(HttpStatus.BAD_REQUEST, "client-disconnected", "the client closed the connection"),
          new HttpHeaders());
    }
    String ref = UUID.randomUUID().toString().substring(0, 8);
    log.error("internal error (reference {})", ref, e);
    return problem(Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal",
        "internal error; the server log has the details under reference " + ref), new HttpHeaders());
  }

  @Override
  protected ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    String detail = ex.getBindingResult().getFieldErrors().stream()
        .map(ProblemAdvice::describe)
        .sorted()
        .collect(Collectors.joining("; "));
    ProblemDetail p = Problems.of(HttpStatus.BAD_REQUEST, "invalid-request",
        detail.isEmpty() ? "invalid request body" : detail);
    return new ResponseEntity<>(p, json(headers), HttpStatus.BAD_REQUEST);
  }

  @Override
  protected ResponseEntity<Object> handleHandlerMethodValidationException(
      HandlerMethodValidationException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    String detail = ex.getParameterValidationResults().stream()
        .flatMap(r -> r.getResolvableErrors().stream()
            .map(err -> r.getMethodParameter().getParameterName() + " " + err.getDefaultMessage()))
        .sorted()
        .collect(Collectors.joining("; "));
    ProblemDetail p = Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", detail);
    return new ResponseEntity<>(p, json(headers), HttpStatus.BAD_REQUEST);
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    String detail = "the request body is missing or is not valid JSON";
    Throwable c = ex.getCause();
    if (c instanceof UnrecognizedPropertyException u) {
      detail = "unknown field '" + u.getPropertyName() + "'";
    } else if (c instanceof JacksonException j) {
      String path = path(j.getPath());
      if (!path.isEmpty()) {
        detail = "field '" + path + "' has a value of the wrong type";
      } else if (j.getLocation() != null && j.getLocation().getLineNr() > 0) {
        detail = String.format(Locale.ROOT, "malformed JSON at line %d, column %d",
            j.getLocation().getLineNr(), j.getLocation().getColumnNr());
      }
    }
    ProblemDetail p = Problems.of(HttpStatus.BAD_REQUEST, "malformed-json", detail);
    return new ResponseEntity<>(p, json(headers), HttpStatus.BAD_REQUEST);
  }

  private static String path(List<JacksonException.Reference> refs) {
    StringBuilder b = new StringBuilder();
    for (JacksonException.Reference r : refs) {
      if (r.getPropertyName() != null) {
        b.append(b.isEmpty() ? "" : ".").append(r.getPropertyName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }

  private static String describe(FieldError f) {
    return f.getField() + " " + f.getDefaultMessage();
  }

  private static HttpHeaders json(HttpHeaders headers) {
    HttpHeaders h = new HttpHeaders();
    h.putAll(headers);
    h.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    return h;
  }

  private static ResponseEntity<ProblemDetail> problem(ProblemDetail p, HttpHeaders h) {
    h.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    return new ResponseEntity<>(p, h, p.getStatus());
  }
}
