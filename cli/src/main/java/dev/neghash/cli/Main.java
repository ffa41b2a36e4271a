package dev.neghash.cli;

import dev.neghash.engine.InvalidInputException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code neghash} command line: encoding, mining, negatives, batches, the demo and the data
 * export, on the engine alone (the service is a jar of its own; {@code ./neghash serve} starts
 * it).
 *
 * <p>Exit codes: 0 success, 1 internal error, 2 bad input or bad usage (one line naming the
 * problem on standard error, no output file left behind).
 */
@Command(
    name = "neghash",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "LSH hard-negative mining for contrastive learning (Deuser et al., arXiv:2505.17844).",
    subcommands = {
      EncodeCommand.class,
      MineCommand.class,
      NegativesCommand.class,
      BatchesCommand.class,
      DemoCommand.class,
      ExportCommand.class,
      ServeCommand.class,
    })
public final class Main implements Runnable {

  /** Exit code for bad input and usage errors. */
  public static final int EXIT_BAD_INPUT = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "neghash: %4$s: %5$s%6$s%n");
    }
    System.exit(commandLine().execute(args));
  }

  /** Runs the command line with the given streams and returns the exit code (for tests). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = commandLine();
    cl.setOut(out);
    cl.setErr(err);
    return cl.execute(args);
  }

  /** The configured picocli command line. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((ex, line, parse) -> {
      Throwable t = ex;
      while (t.getCause() != null && !(t instanceof InvalidInputException)) {
        if (t instanceof java.io.UncheckedIOException) {
          break;
        }
        t = t.getCause();
      }
      if (ex instanceof InvalidInputException || t instanceof InvalidInputException
          || ex instanceof CommandLine.ParameterException) {
        line.getErr().println("neghash: error: " + (t instanceof InvalidInputException ? t : ex).getMessage());
        return EXIT_BAD_INPUT;
      }
      if (ex instanceof java.nio.file.NoSuchFileException nf) {
        line.getErr().println("neghash: error: no such file: " + nf.getFile());
        return EXIT_BAD_INPUT;
      }
      line.getErr().println("neghash: internal error: " + ex);
      ex.printStackTrace(line.getErr());
      return 1;
    });
    cl.setParameterExceptionHandler((ex, args) -> {
      ex.getCommandLine().getErr().println("neghash: error: " + ex.getMessage());
      ex.getCommandLine().getErr().println("(see neghash " + commandName(ex) + "--help)");
      return EXIT_BAD_INPUT;
    });
    return cl;
  }

  private static String commandName(CommandLine.ParameterException ex) {
    String n = ex.getCommandLine().getCommandName();
    return "neghash".equals(n) ? "" : n + " ";
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reports the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"neghash " + (v != null ? v : "dev") + " (Java " + Runtime.version() + ")"};
    }
  }
}
