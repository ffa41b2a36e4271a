package dev.neghash.api.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Logs one line per request: method, path (without the query string, which may hold values the
 * operator did not mean to log), status, declared body length and time. Never the payload.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestLogFilter extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger("dev.neghash.api.requests");

  @Override
  protected boolean shouldNotFilterAsyncDispatch() {
    return true;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long t0 = System.nanoTime();
    try {
      chain.doFilter(request, response);
    } finally {
      if (log.isInfoEnabled()) {
        long len = request.getContentLengthLong();
        log.info("{} {} {} {}ms{}", request.getMethod(), request.getRequestURI(), response.getStatus(),
            (System.nanoTime() - t0) / 1_000_000, len >= 0 ? " in=" + len : "");
      }
    }
  }
}
