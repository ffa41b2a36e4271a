package dev.neghash.api.security;

import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;

/**
 * Tomcat's error report as an RFC 9457 problem body instead of an HTML page. Tomcat answers some
 * requests itself before Spring sees them (a path it cannot decode or normalise, such as one with
 * an encoded {@code /} or {@code ..} above the root; a malformed request line or header); this
 * valve makes those answers look like every other refusal of the service. It never shows the
 * exception or the server's name.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    HttpStatus known = HttpStatus.resolve(status);
    String title = known != null ? known.getReasonPhrase() : "Error";
    String code = status == 400 ? "rejected-request" : status >= 500 ? "internal" : "http-" + status;
    String detail = status == 400
        ? "the request could not be read: its path is not in canonical form (no encoded '/' or '\\', no '..' "
            + "above the root) or a header or the request line is malformed"
        : title;
    String body = "{\"type\":\"urn:neghash:problem:" + code + "\",\"title\":\"" + escape(title)
        + "\",\"status\":" + status + ",\"detail\":\"" + escape(detail) + "\"}";
    try {
      response.setContentType("application/problem+json");
      response.setCharacterEncoding("UTF-8");
      Writer w = response.getReporter();
      if (w != null) {
        w.write(body);
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      // The client went away or the response is already on its way: nothing more to say.
      response.getCoyoteResponse().action(ActionCode.CLOSE_NOW, e);
    }
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
