package dev.neghash.api;

import java.util.ArrayList;
import java.util.List;

/**
 * The service's command line: an optional leading {@code serve}, the short options {@code
 * --port}, {@code --address} and {@code --data-dir}, and any Spring Boot setting as {@code
 * --name=value} (e.g. {@code --neghash.jobs.concurrency=2}); settings can also come from the
 * environment ({@code NEGHASH_API_KEY=...}).
 */
final class ServiceArguments {

  static final String USAGE = """
      Usage: java --add-modules=jdk.incubator.vector -jar neghash.jar serve [--port P] [--address A]
                  [--data-dir DIR] [--name=value ...]
      Start the NegHash HTTP service: REST API under /api/v1, OpenAPI at /v3/api-docs, Swagger UI at
      /swagger-ui.html, health and Prometheus metrics under /actuator. With no options it listens on
      127.0.0.1:8080 and keeps its data in ./data. Any setting can follow as --name=value (e.g.
      --neghash.jobs.concurrency=2) or be set in the environment (NEGHASH_API_KEY=... requires that
      key on every call except health, the dashboard's files and the API description).
      """;

  private ServiceArguments() {}

  /** Spring Boot arguments for {@code args}; null when {@code args} ask for the usage text. */
  static String[] toSpring(String[] args) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i == 0 && a.equals("serve")) {
        continue;
      }
      if (a.equals("--help") || a.equals("-h")) {
        return null;
      }
      String[] shortOption = {"--port", "--address", "--data-dir"};
      String[] springName = {"--server.port=", "--server.address=", "--neghash.data-dir="};
      boolean matched = false;
      for (int o = 0; o < shortOption.length && !matched; o++) {
        if (a.equals(shortOption[o]) && i + 1 < args.length) {
          out.add(springName[o] + args[++i]);
          matched = true;
        } else if (a.startsWith(shortOption[o] + "=")) {
          out.add(springName[o] + a.substring(shortOption[o].length() + 1));
          matched = true;
        }
      }
      if (!matched) {
        out.add(a);
      }
    }
    return out.toArray(String[]::new);
  }
}
