package dev.neghash.api.web;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * RFC 9457 bodies for framework errors raised before any API controller is chosen: 404 for an
 * unknown path, 405, 406, 415. (Spring Boot's own handler backs off because {@link ProblemAdvice}
 * exists.)
 */
@ControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class FallbackProblemAdvice extends ResponseEntityExceptionHandler {}
