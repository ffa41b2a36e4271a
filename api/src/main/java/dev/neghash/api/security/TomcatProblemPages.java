package dev.neghash.api.security;

import org.apache.catalina.Valve;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Replaces Tomcat's HTML error report (which Spring Boot installs on the host) with {@link
 * ProblemErrorReportValve}, so a request Tomcat refuses itself also gets a problem detail.
 */
@Component
class TomcatProblemPages implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

  @Override
  public void customize(TomcatServletWebServerFactory factory) {
    factory.addContextCustomizers(context -> {
      var pipeline = context.getParent().getPipeline();
      for (Valve v : pipeline.getValves()) {
        if (v instanceof ErrorReportValve && !(v instanceof ProblemErrorReportValve)) {
          pipeline.removeValve(v);
        }
      }
      pipeline.addValve(new ProblemErrorReportValve());
      if (context.getParent() instanceof org.apache.catalina.core.StandardHost host) {
        host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
      }
    });
  }

  @Override
  public int getOrder() {
    // After Spring Boot's own customizer, which adds the HTML valve this one replaces.
    return Ordered.LOWEST_PRECEDENCE;
  }
}
