package dev.neghash.api.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Sends one HTTP/1.1 request with the request target exactly as given (no client normalises or
 * re-encodes it, as {@code java.net.URI} and HTTP clients do) and reads the answer.
 */
final class RawHttp {

  /** A response: status, headers (lower-case names) and body (de-chunked). */
  record Res(int status, Map<String, String> headers, String body) {
    String contentType() {
      return headers.getOrDefault("content-type", "");
    }
  }

  private final int port;

  RawHttp(int port) {
    this.port = port;
  }

  Res send(String method, String target, Map<String, String> headers, String body) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      StringBuilder req = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
          .append("Host: 127.0.0.1:").append(port).append("\r\nConnection: close\r\n");
      headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
      if (body != null) {
        req.append("Content-Length: ").append(payload.length).append("\r\n");
      }
      req.append("\r\n");
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(payload);
      out.flush();
      InputStream in = s.getInputStream();
      String statusLine = readLine(in);
      Map<String, String> h = new LinkedHashMap<>();
      for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
        int c = line.indexOf(':');
        h.put(line.substring(0, c).trim().toLowerCase(Locale.ROOT), line.substring(c + 1).trim());
      }
      int status = Integer.parseInt(statusLine.split(" ")[1]);
      if (h.getOrDefault("content-type", "").startsWith("text/event-stream")) {
        return new Res(status, h, "");
      }
      byte[] raw = readToEnd(in);
      String text = "chunked".equalsIgnoreCase(h.get("transfer-encoding")) ? dechunk(raw)
          : new String(raw, StandardCharsets.UTF_8);
      return new Res(status, h, text);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  private static byte[] readToEnd(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      for (int n = in.read(buf); n != -1; n = in.read(buf)) {
        b.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      // A server that keeps the connection open after a complete answer: take what came.
    }
    return b.toByteArray();
  }

  private static String dechunk(byte[] raw) {
    String s = new String(raw, StandardCharsets.ISO_8859_1);
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      int eol = s.indexOf("\r\n", i);
      if (eol < 0) {
        break;
      }
      int size = Integer.parseInt(s.substring(i, eol).split(";")[0].trim(), 16);
      if (size == 0) {
        break;
      }
      out.append(s, eol + 2, eol + 2 + size);
      i = eol + 2 + size + 2;
    }
    return new String(out.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }
}
