package dev.neghash.bench.harness;

import dev.neghash.engine.io.Npy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/** The {@code --key value} arguments of one {@link Worker} mode, with the file names and timing they set. */
record WorkerArgs(Map<String, String> map) {

  String string(String key) {
    String v = map.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing --" + key);
    }
    return v;
  }

  int integer(String key) {
    return Integer.parseInt(string(key));
  }

  Path path(String key) {
    return Path.of(string(key));
  }

  /** The file {@code name} of the data set folder {@code --data} ({@code x.npy}, {@code labels.npy}). */
  Path data(String name) {
    return path("data").resolve(name);
  }

  /** The data set's labels. */
  int[] labels() throws IOException {
    return Npy.readLabels(data("labels.npy"));
  }

  /** The {@code --seed} of projections and random choices. */
  long seed() {
    return Long.parseLong(string("seed"));
  }

  /** The int32 .npy file named by {@code key}. */
  int[] ints(String key) throws IOException {
    return NpyInts.read(path(key));
  }

  /** The file {@code suffix} of this method's outputs: {@code --out}/{@code --name}{@code suffix}. */
  Path output(String suffix) {
    return path("out").resolve(string("name") + suffix);
  }

  /** A search result and the shortest wall time of its repetitions. */
  record Timed<T>(T result, double seconds) {}

  /**
   * Runs {@code search} up to {@code --repeat} times (results are deterministic) and keeps the
   * fastest time; repetitions stop once {@code --repeat-seconds} have been spent, so only short,
   * noise-prone searches are repeated. Each run starts on a collected heap, so it neither pays
   * for the garbage of the runs before it nor grows the heap: a search that allocates copies of
   * the candidates (NegHash's exact search: 6 GB at N = 10^6, d = 768) would otherwise put them in
   * memory the process has never touched while the earlier copies wait to be collected, and on a
   * 2-vCPU virtual machine touching fresh memory cost about 3 s per GB (the exact worker's heap is
   * also fixed at its cap, so a collection never returns memory to the system).
   */
  <T> Timed<T> timed(Supplier<T> search) {
    int repeat = Integer.parseInt(map.getOrDefault("repeat", "1"));
    double budgetSeconds = Double.parseDouble(map.getOrDefault("repeat-seconds", "0"));
    T r = null;
    double best = Double.POSITIVE_INFINITY;
    double spent = 0;
    for (int i = 0; i < Math.max(1, repeat) && (i == 0 || spent < budgetSeconds); i++) {
      System.gc();
      long t = System.nanoTime();
      r = search.get();
      double sec = (System.nanoTime() - t) / 1e9;
      best = Math.min(best, sec);
      spent += sec;
    }
    return new Timed<>(r, best);
  }
}
