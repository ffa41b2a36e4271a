package dev.neghash.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code neghash serve}: the service runs from its own jar; this command says how to start it
 * when the command-line jar is run directly ({@code ./neghash serve} starts it by itself).
 */
@Command(name = "serve", description = {
    "Start the NegHash HTTP service. It is a jar of its own: run ./neghash serve from a",
    "checkout, or java --add-modules=jdk.incubator.vector -jar api/target/neghash.jar serve."})
final class ServeCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Unmatched
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("neghash: error: the service is not part of the command-line jar; start it with "
        + "./neghash serve, or java --add-modules=jdk.incubator.vector -jar api/target/neghash.jar serve");
    return Main.EXIT_BAD_INPUT;
  }
}
