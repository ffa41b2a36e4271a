package dev.neghash.api.web;

import dev.neghash.api.NeghashProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * When {@code neghash.api-key} is set, refuses every {@code /api} request whose {@value #HEADER}
 * header does not carry it (401, before anything reads the body). The comparison takes the same
 * time whatever the key's first differing byte.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class ApiKeyFilter extends OncePerRequestFilter {

  /** The request header that carries the key. */
  public static final String HEADER = "X-API-Key";

  private final byte[] key;
  private final JsonMapper json;

  ApiKeyFilter(NeghashProperties props, JsonMapper json) {
    this.key = props.apiKeyRequired() ? props.apiKey().getBytes(StandardCharsets.UTF_8) : null;
    this.json = json;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    return key == null || !(path.equals("/api") || path.startsWith("/api/"));
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String given = request.getHeader(HEADER);
    if (given != null && MessageDigest.isEqual(key, given.getBytes(StandardCharsets.UTF_8))) {
      chain.doFilter(request, response);
      return;
    }
    response.setStatus(HttpStatus.UNAUTHORIZED.value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    // A client that is still sending a large body should not be read further.
    response.setHeader("Connection", "close");
    String detail = given == null ? "this service needs an API key in the " + HEADER + " header"
        : "the API key in the " + HEADER + " header is not valid";
    json.writeValue(response.getOutputStream(),
        Problems.of(HttpStatus.UNAUTHORIZED, "unauthorized", detail));
  }
}
