package dev.neghash.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs the unit tests of the dashboard's JavaScript (src/test/js, Node's built-in test runner, no
 * npm packages) as part of the Maven build.
 */
class ClientScriptsTest {

  @Test
  void javaScriptUnitTestsPass() throws Exception {
    Path node = Tools.require("Node.js", "apt-get install nodejs", "NEGHASH_NODE", new String[0], "node", "nodejs");
    Path dir = Path.of("src", "test", "js").toAbsolutePath();
    assertThat(dir.resolve("format.test.js")).exists();
    Path log = Files.createTempFile("neghash-node-test-", ".tap");
    try {
      // With no file arguments, node --test runs every *.test.js under the working directory.
      Process p = new ProcessBuilder(List.of(node.toString(), "--test", "--test-reporter=tap"))
          .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(3, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("node --test did not finish within 3 minutes");
      }
      String out = Files.readString(log, StandardCharsets.UTF_8);
      System.out.println(summary(out));
      assertThat(p.exitValue()).as("node --test failed:%n%s", out).isZero();
      Matcher pass = Pattern.compile("(?m)^# pass (\\d+)$").matcher(out);
      assertThat(pass.find()).as("no TAP summary in:%n%s", out).isTrue();
      // Guards against a runner that found no test files and passed vacuously.
      assertThat(Integer.parseInt(pass.group(1))).as("tests passed").isGreaterThanOrEqualTo(30);
      assertThat(out).contains("# fail 0");
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static String summary(String tap) {
    StringBuilder b = new StringBuilder("node --test:");
    for (String line : tap.split("\n")) {
      if (line.matches("# (tests|pass|fail|skipped|duration_ms) .*")) {
        b.append(' ').append(line.substring(2).trim()).append(';');
      }
    }
    return b.toString();
  }
}
