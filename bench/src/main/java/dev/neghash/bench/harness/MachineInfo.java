package dev.neghash.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The date and the machine a run was measured on, for the report. */
final class MachineInfo {

  private MachineInfo() {}

  /** Date, CPU, cores, memory, OS and JVM. */
  static Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("date", ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")));
    List<String> cpu = lines("/proc/cpuinfo");
    String model = cpu.stream().filter(l -> l.startsWith("model name")).findFirst()
        .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(System.getProperty("os.arch"));
    String flags = cpu.stream().filter(l -> l.startsWith("flags")).findFirst().orElse("");
    String simd = flags.contains("avx512_vpopcntdq") ? "AVX-512 with VPOPCNTDQ"
        : flags.contains("avx512f") ? "AVX-512 (no VPOPCNTDQ)" : flags.contains("avx2") ? "AVX2" : "no AVX2";
    m.put("CPU", model + ", " + simd);
    m.put("cores visible", Integer.toString(Runtime.getRuntime().availableProcessors()));
    String mem = lines("/proc/meminfo").stream().filter(l -> l.startsWith("MemTotal")).findFirst()
        .map(l -> String.format("%.1f GiB", Long.parseLong(l.replaceAll("\\D", "")) / 1048576.0)).orElse("unknown");
    m.put("memory", mem);
    m.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    return m;
  }

  private static List<String> lines(String path) {
    try {
      return Files.readAllLines(Path.of(path));
    } catch (IOException e) {
      return List.of();
    }
  }
}
