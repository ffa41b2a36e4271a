package dev.neghash.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads this process's memory figures from Linux's {@code /proc/self/status}. */
final class ProcStatus {

  private ProcStatus() {}

  /** Peak resident set size ({@code VmHWM}) in bytes, or -1 where /proc is not available. */
  static long peakRssBytes() {
    return field("VmHWM:");
  }

  private static long field(String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(name)) {
          String[] parts = line.substring(name.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024L; // the kernel reports kB
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux, or an unexpected format: report unknown
    }
    return -1;
  }
}
