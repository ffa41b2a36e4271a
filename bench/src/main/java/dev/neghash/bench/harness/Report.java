package dev.neghash.bench.harness;

import dev.neghash.engine.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes {@code results.csv} and {@code results.md}: every row, and NegHash's headline comparisons
 * (against FAISS on the same codes, against exact mining, memory per item) as measured.
 *
 * <p>About 330 lines, nearly all of it the text and tables of {@code results.md}: one method per
 * section, in the order a reader meets them.
 */
final class Report {

  /** Overlap@128 the paper reports for LSH on Stanford Online Products, by bits. */
  static final Map<Integer, Double> PAPER_SOP_OVERLAP = Map.of(512, 0.54, 1024, 0.70);

  private Report() {}

  /** Writes both files into {@code s.out()}. */
  static void write(Settings s, List<Row> rows, Orchestrator.RunInfo info, List<String> plots) throws IOException {
    Path out = s.out();
    String csv = csv(rows);
    AtomicFiles.write(out.resolve("results.csv"), o -> o.write(csv.getBytes(StandardCharsets.UTF_8)));
    String md = markdown(s, rows, info, plots);
    AtomicFiles.write(out.resolve("results.md"), o -> o.write(md.getBytes(StandardCharsets.UTF_8)));
    if (!info.kernels().isEmpty()) {
      String kc = kernelCsv(info.kernels());
      AtomicFiles.write(out.resolve("kernels.csv"), o -> o.write(kc.getBytes(StandardCharsets.UTF_8)));
    }
  }

  static String kernelCsv(List<Orchestrator.KernelRatio> ks) {
    StringBuilder b = new StringBuilder("kernel,bits,data,n,anchors,kernel_ms,bounds_ms,ratio,ratio_min,ratio_max\n");
    for (Orchestrator.KernelRatio k : ks) {
      StringBuilder bounds = new StringBuilder();
      k.bounds().forEach((name, ms) -> bounds.append(bounds.isEmpty() ? "" : ";").append(name).append('=').append(f(ms, 1)));
      b.append(String.join(",", k.kernel(), i(k.bits()), k.data(), i(k.n()), i(k.anchors()), f(k.kernelMs(), 1),
          bounds.toString(), f(k.ratio(), 2), f(k.ratioMin(), 2), f(k.ratioMax(), 2))).append('\n');
    }
    return b.toString();
  }

  /**
   * Each kernel against the machine's bound for the same work: the Hamming top-k against a bare
   * XOR + popcount loop over the codes in L2 and against the same steps on registers alone, the
   * exact cosine search and the projection against as many fused multiply-adds on registers.
   */
  static void kernels(StringBuilder b, List<Orchestrator.KernelRatio> ks) {
    if (ks.isEmpty()) {
      return;
    }
    b.append("## Kernels against the machine's bounds\n\n");
    b.append("Each kernel was timed back to back with the bound for the same work, in one process, and the "
        + "ratio is the median over rounds of kernel time / bound time (1.0 = at the bound; absolute times "
        + "move with the machine, the ratio much less). Hamming search: top-32 of the anchors among all N "
        + "with labels excluded, against the faster of `hammingBound` (XOR + popcount over the codes as the "
        + "search keeps them, blocked in L2, nothing else) and `popcountPeak` (the same XOR + popcount + add "
        + "steps on registers alone). Exact cosine (top-32, labels excluded) and projection (all N rows): "
        + "against `fmaBound`, the same number of fused multiply-adds on registers.\n\n");
    b.append("| kernel | bits | data | anchors x N | kernel ms | bound ms | kernel / bound (median, range) |\n");
    b.append("|---|---:|---|---|---:|---|---:|\n");
    for (Orchestrator.KernelRatio k : ks) {
      StringBuilder bounds = new StringBuilder();
      k.bounds().forEach((name, ms) -> bounds.append(bounds.isEmpty() ? "" : ", ")
          .append(String.format(Locale.ROOT, "%s %.1f", name, ms)));
      b.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %.1f | %s | **%.2f** (%.2f-%.2f) |\n",
          k.kernel().equals("project") ? "projection" : k.kernel().equals("cosine") ? "exact cosine" : "Hamming search",
          k.bits(), k.data(), k.kernel().equals("project") ? String.format(Locale.ROOT, "%,d rows", k.n())
              : String.format(Locale.ROOT, "%,d x %,d", k.anchors(), k.n()),
          k.kernelMs(), bounds, k.ratio(), k.ratioMin(), k.ratioMax()));
    }
    b.append('\n');
  }

  static String csv(List<Row> rows) {
    StringBuilder b = new StringBuilder(
        "dataset,n,d,method,bits,rule,threads,load_s,encode_s,search_anchors,search_s,search_all_s,"
            + "extrapolated,mining_s,peak_rss_mb,bytes_per_item,quality_anchors,overlap_at_k,"
            + "mean_positional_distance,negative_share_in_exact_top_k,note\n");
    for (Row r : rows) {
      b.append(String.join(",", r.dataset(), i(r.n()), i(r.d()), r.method(), i(r.bits()), r.rule(), i(r.threads()),
          f(r.loadSeconds(), 3), f(r.encodeSeconds(), 3), i(r.searchAnchors()), f(r.searchSeconds(), 3),
          f(r.searchAllSeconds(), 3), Boolean.toString(r.extrapolated()), f(r.miningSeconds(), 3),
          f(r.peakRssBytes() / 1e6, 1), f(r.bytesPerItem(), 1), i(r.qualityAnchors()), f(r.overlap(), 4),
          f(r.positionalDistance(), 2), f(r.negativeShare(), 4), "\"" + r.note().replace("\"", "'") + "\""))
          .append('\n');
    }
    return b.toString();
  }

  static String markdown(Settings s, List<Row> rows, Orchestrator.RunInfo info, List<String> plots) {
    StringBuilder b = new StringBuilder();
    b.append("# NegHash benchmark results\n\n");
    b.append(String.format(Locale.ROOT, "Produced by `bench/run%s` in %.0f s. ", s.mode().equals("quick") ? " --quick" : "",
        info.seconds()));
    b.append("Every method ran in its own process on the same data, machine and thread count; ratios below "
        + "come from this one run.\n\n");
    b.append("| | |\n|---|---|\n");
    info.facts().forEach((k, v) -> b.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    b.append('\n');
    kernels(b, info.kernels());
    targets(b, s, rows);
    graphs(b, s, rows);
    scaling(b, s, rows);
    b.append("## Cross-check against FAISS\n\n");
    if (info.crossChecks().isEmpty()) {
      b.append("No cross-check ran.\n\n");
    }
    for (String c : info.crossChecks()) {
      b.append("- ").append(c).append(" (ids equal except among ties at the k-th distance).\n");
    }
    b.append('\n');
    b.append("## All results\n\n");
    b.append(String.format(Locale.ROOT, "k = %d. *rule*: `labels` excludes the anchor and its label (mining); `self` "
        + "excludes only the anchor (what FAISS can do). *search* is the wall time for the anchors searched "
        + "(each against all N); *all N* is that time scaled to all N anchors, extrapolated (marked ~) when "
        + "a sample was searched (for NegHash, the time of a one-anchor search, which lays out the candidates, is "
        + "counted once and only the rest is scaled). *mining* = encode + all N. Quality is scored against exact cosine "
        + "neighbours under the same rule on a seeded sample of anchors: overlap@k, mean positional "
        + "distance, and the share of the first %d listed negatives that are in the exact top-k.\n\n",
        s.k(), s.negatives()));
    Set<String> sets = new LinkedHashSet<>();
    rows.forEach(r -> sets.add(r.dataset()));
    for (String ds : sets) {
      List<Row> rs = rows.stream().filter(r -> r.dataset().equals(ds)).toList();
      Row first = rs.get(0);
      b.append(String.format(Locale.ROOT, "### %s (N = %,d, d = %d, quality on %d anchors)\n\n", ds, first.n(),
          first.d(), first.qualityAnchors()));
      b.append("| method | b | rule | encode s | search s (anchors) | all N s | mining s | peak RSS MB | B/item "
          + "| overlap@k | pos. dist. | neg. share |\n");
      b.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Row r : rs) {
        b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s (%,d) | %s%s | %s | %s | %s | %s | %s | %s |\n",
            r.method(), r.bits() == 0 ? "" : i(r.bits()), r.rule(), f(r.encodeSeconds(), 2), f(r.searchSeconds(), 2),
            r.searchAnchors(), r.extrapolated() ? "~" : "", f(r.searchAllSeconds(), 2), f(r.miningSeconds(), 2),
            f(r.peakRssBytes() / 1e6, 0), f(r.bytesPerItem(), 0), f(r.overlap(), 3), f(r.positionalDistance(), 1),
            f(r.negativeShare(), 3)));
      }
      b.append('\n');
    }
    b.append("## Plots\n\n");
    for (String p : plots) {
      b.append("![").append(p).append("](").append(p).append(")\n\n");
    }
    return b.toString();
  }

  /**
   * LSH mining against the faster of the two exact searches measured on the same data: NegHash's
   * exact cosine search (labels excluded) and FAISS IndexFlatIP (only the anchor excluded, which
   * is less work), each as load-free mining time (build or encode + search of all N).
   */
  private static void fastestExact(StringBuilder b, List<Row> rows) {
    List<String> sets = rows.stream().map(Row::dataset).distinct().toList();
    StringBuilder t = new StringBuilder();
    for (String ds : sets) {
      Optional<Row> best = rows.stream()
          .filter(r -> r.dataset().equals(ds) && (r.method().equals("neghash-exact") || r.method().equals("faiss-flat-ip")))
          .min(java.util.Comparator.comparingDouble(Row::miningSeconds));
      if (best.isEmpty()) {
        continue;
      }
      Row ex = best.get();
      for (Row r : rows) {
        if (r.dataset().equals(ds) && r.method().equals("neghash-lsh") && r.rule().equals("labels")) {
          t.append(String.format(Locale.ROOT, "| %s | %d | %.2f%s | %s | %.2f%s | %.1fx |\n", ds, r.bits(),
              r.miningSeconds(), r.extrapolated() ? " (~)" : "", ex.method(), ex.miningSeconds(),
              ex.extrapolated() ? " (~)" : "", ex.miningSeconds() / r.miningSeconds()));
        }
      }
    }
    if (t.isEmpty()) {
      return;
    }
    b.append("### LSH mining vs the fastest exact search measured\n\n");
    b.append("Mining time of all N anchors (encode + Hamming search with labels excluded) against the faster of "
        + "NegHash's exact cosine search (labels excluded) and FAISS IndexFlatIP (build + search, only the anchor "
        + "excluded); ~ marks times extrapolated from a sample of anchors.\n\n");
    b.append("| data set | b | LSH mining s | fastest exact | its time s | exact / LSH |\n"
        + "|---|---:|---:|---|---:|---:|\n");
    b.append(t).append('\n');
  }

  private static void targets(StringBuilder b, Settings s, List<Row> rows) {
    b.append("## Headline comparisons, as measured\n\n");
    b.append("### Hamming search: NegHash vs FAISS IndexBinaryFlat on the same codes\n\n");
    b.append("Same codes, same anchors, same threads, top-k with only the anchor excluded (FAISS asked for k+1).\n\n");
    b.append("| data set | b | anchors | NegHash s | FAISS s | FAISS / NegHash |\n|---|---:|---:|---:|---:|---:|\n");
    double worst = Double.POSITIVE_INFINITY;
    for (Row f : rows) {
      if (!f.method().equals("faiss-binary-flat")) {
        continue;
      }
      Optional<Row> nh = find(rows, f.dataset(), "neghash-lsh", f.bits(), "self");
      if (nh.isEmpty()) {
        continue;
      }
      double ratio = f.searchSeconds() / nh.get().searchSeconds();
      worst = Math.min(worst, ratio);
      b.append(String.format(Locale.ROOT, "| %s | %d | %,d | %.3f | %.3f | %.1fx |\n", f.dataset(), f.bits(),
          f.searchAnchors(), nh.get().searchSeconds(), f.searchSeconds(), ratio));
    }
    if (worst != Double.POSITIVE_INFINITY) {
      b.append(String.format(Locale.ROOT, "\nNegHash faster than FAISS at every b on every data set: **%s** "
          + "(smallest ratio %.1fx).\n\n", worst > 1 ? "yes" : "no", worst));
    }

    fastestExact(b, rows);

    b.append("### LSH mining vs exact cosine mining (Fashion-MNIST pixels, d = 784)\n\n");
    Optional<Row> exact = rows.stream().filter(r -> r.dataset().equals("fashion-pixels")
        && r.method().equals("neghash-exact")).findFirst();
    if (exact.isEmpty()) {
      b.append("Not measured in this run (the fashion-pixels data set was not selected).\n\n");
    } else {
      Row ex = exact.get();
      b.append(String.format(Locale.ROOT, "Exact cosine mining (label-aware top-%d, all N = %,d anchors%s): %.2f s. "
              + "LSH mining = encode + Hamming search with the same exclusions.\n\n", s.k(), ex.n(),
          ex.extrapolated() ? ", extrapolated from " + ex.searchAnchors() : "", ex.searchAllSeconds()));
      b.append("| b | encode s | search s | mining s | exact / LSH mining | exact / LSH search | overlap@k | paper, SOP |\n"
          + "|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Row r : rows) {
        if (r.dataset().equals("fashion-pixels") && r.method().equals("neghash-lsh") && r.rule().equals("labels")) {
          Double paper = PAPER_SOP_OVERLAP.get(r.bits());
          b.append(String.format(Locale.ROOT, "| %d | %.2f | %.2f%s | %.2f | %.1fx | %.1fx | %.3f | %s |\n", r.bits(),
              r.encodeSeconds(), r.searchAllSeconds(), r.extrapolated() ? " (~)" : "", r.miningSeconds(),
              ex.searchAllSeconds() / r.miningSeconds(), ex.searchAllSeconds() / r.searchAllSeconds(), r.overlap(),
              paper == null ? "" : String.format(Locale.ROOT, "%.2f", paper)));
        }
      }
      find(rows, "fashion-pixels", "neghash-lsh", 512, "labels").ifPresent(r -> b.append(String.format(Locale.ROOT,
          "\nAt b = 512: LSH mining is %.1fx faster than NegHash's exact mining; overlap@%d %.3f against the "
              + "paper's 0.54 on SOP (%s).\n",
          ex.searchAllSeconds() / r.miningSeconds(), s.k(), r.overlap(), r.overlap() >= 0.54 ? "at or above" : "below")));
      find(rows, "fashion-pixels", "neghash-lsh", 1024, "labels").ifPresent(r -> b.append(String.format(Locale.ROOT,
          "At b = 1024: overlap@%d %.3f against the paper's 0.70 on SOP (%s).\n", s.k(), r.overlap(),
          r.overlap() >= 0.70 ? "at or above" : "below")));
      b.append('\n');
    }

    b.append("### Memory per stored item\n\n");
    b.append("NegHash stores b/8 bytes of code per item (the `B/item` column is measured from the code array). "
        + "Fixed overhead, independent of N: the projection matrix (4·d·b bytes) and the per-bit centre (4·b "
        + "bytes). Per item beside the code while mining: the int label (4 bytes) and the k neighbour ids and "
        + "distances of its result (8·k bytes); during the search the Vector API kernel also keeps an "
        + "interleaved copy of the candidate codes (b/8 bytes per item), and during encoding the centred "
        + "projections (4·b bytes per item) are held up to a 512 MiB budget, then spilled to a temporary "
        + "file. Exact mining holds 4·d bytes of floats per item (and the Vector API kernel an interleaved "
        + "copy of them).\n\n");
    b.append("| data set | N | method | b | B/item stored | b/8 | peak RSS MB |\n|---|---:|---|---:|---:|---:|---:|\n");
    int maxN = rows.stream().mapToInt(Row::n).max().orElse(0);
    for (Row r : rows) {
      if (r.n() == maxN && r.rule().equals(r.method().startsWith("faiss") ? "self" : "labels")) {
        b.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %.0f | %s | %.0f |\n", r.dataset(), r.n(),
            r.method(), r.bits() == 0 ? "" : i(r.bits()), r.bytesPerItem(), r.bits() == 0 ? "" : i(r.bits() / 8),
            r.peakRssBytes() / 1e6));
      }
    }
    b.append('\n');
  }

  /** Methods compared with the graph indexes, in table order. */
  private static boolean graphPeer(Row r) {
    return (r.method().equals("neghash-lsh") && r.rule().equals("labels")) || r.method().equals("neghash-exact")
        || r.method().equals("faiss-flat-ip") || Settings.HNSW_METHODS.contains(r.method());
  }

  /** HNSW against LSH and exact mining, per data set that has HNSW rows. */
  static void graphs(StringBuilder b, Settings s, List<Row> rows) {
    Set<String> sets = new LinkedHashSet<>();
    rows.stream().filter(r -> Settings.HNSW_METHODS.contains(r.method())).forEach(r -> sets.add(r.dataset()));
    if (sets.isEmpty()) {
      return;
    }
    b.append("## Graph indexes (HNSW) against LSH\n\n");
    b.append(String.format(Locale.ROOT, "Mining one epoch with an HNSW index means building it over the epoch's "
        + "embeddings and searching every anchor; LSH mining means encoding and searching. Both are timed here as "
        + "*build/encode* + *search, all N* (extrapolated from a sample where marked ~), top-%d with the anchor's "
        + "label excluded. Lucene applies the label filter inside its graph search (k admissible results); FAISS "
        + "IndexHNSWFlat has no per-query filter in this version, so it over-fetches k' = 2k, drops the anchor's "
        + "label and searches again with k' doubled for anchors left short (the note says how far k' went). "
        + "FAISS IndexFlatIP is exact but only excludes the anchor (`self`). B/item: bytes stored per item "
        + "(LSH: the code; Lucene: index files on disk; FAISS HNSW: vectors + links).\n\n", s.k()));
    for (String ds : sets) {
      List<Row> rs = rows.stream().filter(r -> r.dataset().equals(ds) && graphPeer(r)).toList();
      Row first = rs.get(0);
      b.append(String.format(Locale.ROOT, "### %s (N = %,d, d = %d)\n\n", ds, first.n(), first.d()));
      b.append("| method | b | rule | build/encode s | search, all N s | mining s | peak RSS MB | B/item | overlap@k "
          + "| neg. share |\n|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Row r : rs) {
        String est = r.extrapolated() ? "~" : "";
        b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s%s | %s%s | %s | %s | %s | %s |\n", r.method(),
            r.bits() == 0 ? "" : i(r.bits()), r.rule(), f(r.encodeSeconds(), 2), est,
            f(r.searchAllSeconds(), 2), est, f(r.miningSeconds(), 2), f(r.peakRssBytes() / 1e6, 0),
            f(r.bytesPerItem(), 0), f(r.overlap(), 3), f(r.negativeShare(), 3)));
      }
      b.append('\n');
      for (Row h : rs) {
        if (!Settings.HNSW_METHODS.contains(h.method())) {
          continue;
        }
        for (Row l : rs) {
          if (!l.method().equals("neghash-lsh")) {
            continue;
          }
          double t = h.miningSeconds() / l.miningSeconds();
          b.append(String.format(Locale.ROOT, "- %s vs LSH b=%d: mining %s (%.2f s vs %.2f s); overlap@%d %s "
                  + "(%.3f vs %.3f); peak RSS %.0f MB vs %.0f MB; %.0f vs %.0f B/item.\n",
              h.method(), l.bits(), t >= 1 ? String.format(Locale.ROOT, "LSH %.1fx faster", t)
                  : String.format(Locale.ROOT, "HNSW %.1fx faster", 1 / t),
              h.miningSeconds(), l.miningSeconds(), s.k(), h.overlap() >= l.overlap() ? "HNSW higher" : "LSH higher",
              h.overlap(), l.overlap(), h.peakRssBytes() / 1e6, l.peakRssBytes() / 1e6, h.bytesPerItem(),
              l.bytesPerItem()));
        }
      }
      b.append('\n');
    }
  }

  /** Mining time against N on the synthetic data: the table behind scaling.png. */
  static void scaling(StringBuilder b, Settings s, List<Row> rows) {
    List<Row> syn = rows.stream().filter(r -> r.dataset().startsWith("synthetic")).toList();
    if (syn.isEmpty()) {
      return;
    }
    List<String> cols = new java.util.ArrayList<>();
    for (int bits : s.bits()) {
      cols.add("neghash-lsh/" + bits);
    }
    cols.addAll(List.of("neghash-exact/0", "faiss-flat-ip/0"));
    Settings.HNSW_METHODS.forEach(m -> cols.add(m + "/0"));
    List<String> present = cols.stream().filter(c -> syn.stream().anyMatch(r -> key(r).equals(c))).toList();
    b.append("## Scaling: mining time against N (synthetic)\n\n");
    b.append("Encode/build + search of all N anchors in seconds, labels excluded (FAISS IndexFlatIP: only the "
        + "anchor); ~ marks times extrapolated from a sample of anchors. The data behind `scaling.png`.\n\n");
    b.append("| N |");
    present.forEach(c -> b.append(' ').append(c.endsWith("/0") ? c.substring(0, c.length() - 2)
        : "LSH b=" + c.substring(c.indexOf('/') + 1)).append(" |"));
    b.append("\n|---:|");
    present.forEach(c -> b.append("---:|"));
    b.append('\n');
    java.util.TreeSet<Integer> ns = new java.util.TreeSet<>();
    syn.forEach(r -> ns.add(r.n()));
    for (int n : ns) {
      b.append(String.format(Locale.ROOT, "| %,d |", n));
      for (String c : present) {
        Optional<Row> r = syn.stream().filter(x -> x.n() == n && key(x).equals(c)).findFirst();
        b.append(' ').append(r.map(x -> (x.extrapolated() ? "~" : "") + f(x.miningSeconds(), 2)).orElse("")).append(" |");
      }
      b.append('\n');
    }
    b.append('\n');
  }

  private static String key(Row r) {
    boolean rowRule = r.rule().equals(r.method().startsWith("faiss-flat") ? "self" : "labels");
    return rowRule ? r.method() + "/" + r.bits() : "";
  }

  static Optional<Row> find(List<Row> rows, String dataset, String method, int bits, String rule) {
    return rows.stream().filter(r -> r.dataset().equals(dataset) && r.method().equals(method)
        && r.bits() == bits && r.rule().equals(rule)).findFirst();
  }

  private static String i(int v) {
    return Integer.toString(v);
  }

  static String f(double v, int decimals) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%." + decimals + "f", v);
  }
}
