package dev.neghash.cli;

import dev.neghash.api.NeghashApplication;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** {@code neghash serve}: starts the HTTP service and keeps running. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {
      "Start the NegHash HTTP service: REST API under /api/v1, OpenAPI at",
      "/v3/api-docs, Swagger UI at /swagger-ui.html, health and Prometheus",
      "metrics under /actuator. With no options it listens on 127.0.0.1:8080",
      "and keeps its data in ./data. Any setting can follow as --name=value",
      "(e.g. --neghash.jobs.concurrency=2) or be set in the environment",
      "(NEGHASH_API_KEY=... requires that key on every call except health,",
      "the dashboard's files and the API description)."})
final class ServeCommand implements Callable<Integer>, LongRunning {

  @Option(names = "--port", description = "TCP port (default: 8080; 0 picks a free one).")
  Integer port;

  @Option(names = "--address", description = "Address to bind (default: 127.0.0.1, loopback only).")
  String address;

  @Option(names = "--data-dir", description = "Data folder (default: ./data).")
  Path dataDir;

  @Unmatched
  List<String> springArgs = new ArrayList<>();

  @Override
  public Integer call() {
    List<String> args = new ArrayList<>();
    if (port != null) {
      args.add("--server.port=" + port);
    }
    if (address != null) {
      args.add("--server.address=" + address);
    }
    if (dataDir != null) {
      args.add("--neghash.data-dir=" + dataDir);
    }
    args.addAll(springArgs);
    NeghashApplication.start(args.toArray(String[]::new));
    return 0;
  }
}
