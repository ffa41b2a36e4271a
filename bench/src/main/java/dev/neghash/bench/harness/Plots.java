package dev.neghash.bench.harness;

import dev.neghash.engine.io.AtomicFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** The harness's PNG plots, drawn with XChart. */
final class Plots {

  private static final int WIDTH = 820;
  private static final int HEIGHT = 520;

  private Plots() {}

  /** Writes every plot that has data into {@code s.out()} and returns the file names written. */
  static List<String> write(Settings s, List<Row> rows) throws IOException {
    List<String> written = new ArrayList<>();
    List<Row> synthetic = rows.stream().filter(r -> r.dataset().startsWith("synthetic")).toList();

    XYChart scaling = chart("Mining time vs N (synthetic, d = " + (synthetic.isEmpty() ? "?" : synthetic.get(0).d())
        + ", k = " + s.k() + ", " + s.threads() + " threads; encode/build + search of all N anchors)", "N (items)",
        "seconds (sampled anchors extrapolated)", true, true);
    for (int b : s.bits()) {
      series(scaling, "NegHash LSH b=" + b, synthetic, r -> isLsh(r, b, "labels"), r -> r.n(), Row::miningSeconds);
    }
    series(scaling, "NegHash exact cosine", synthetic, r -> r.method().equals("neghash-exact"), r -> r.n(),
        Row::miningSeconds);
    series(scaling, "FAISS IndexFlatIP (self only)", synthetic, r -> r.method().equals("faiss-flat-ip"), r -> r.n(),
        Row::miningSeconds);
    for (String hm : Settings.HNSW_METHODS) {
      series(scaling, hm + " (build + search)", synthetic, r -> r.method().equals(hm), r -> r.n(), Row::miningSeconds);
    }
    save(scaling, s, "scaling.png", written);

    List<Row> fashion = rows.stream().filter(r -> r.dataset().equals("fashion-pixels")).toList();
    String data = fashion.isEmpty() ? rows.isEmpty() ? "" : rows.get(0).dataset() : "fashion-pixels";
    List<Row> one = rows.stream().filter(r -> r.dataset().equals(data)).toList();
    XYChart bitsChart = chart("Time vs code length (" + data + ", k = " + s.k() + ", " + s.threads()
        + " threads, all N anchors)", "bits", "seconds", false, true);
    series(bitsChart, "NegHash search, labels excluded", one, r -> isLsh(r, r.bits(), "labels"), Row::bits,
        Row::searchAllSeconds);
    series(bitsChart, "NegHash search, self only", one, r -> isLsh(r, r.bits(), "self"), Row::bits,
        Row::searchAllSeconds);
    series(bitsChart, "FAISS IndexBinaryFlat search, self only", one, r -> r.method().equals("faiss-binary-flat"),
        Row::bits, Row::searchAllSeconds);
    series(bitsChart, "NegHash encode", one, r -> isLsh(r, r.bits(), "labels"), Row::bits, Row::encodeSeconds);
    flat(bitsChart, "NegHash exact cosine (labels)", one, "neghash-exact", s.bits());
    flat(bitsChart, "FAISS IndexFlatIP (self only)", one, "faiss-flat-ip", s.bits());
    save(bitsChart, s, "time_vs_bits.png", written);

    XYChart quality = chart("Overlap@" + s.k() + " with exact cosine neighbours (labels excluded)", "bits",
        "overlap@k", false, false);
    Map<String, List<Row>> byData = new TreeMap<>();
    for (Row r : rows) {
      if (isLsh(r, r.bits(), "labels")) {
        byData.computeIfAbsent(r.dataset() + (r.dataset().startsWith("synthetic") ? " N=" + r.n() : ""),
            x -> new ArrayList<>()).add(r);
      }
    }
    byData.forEach((name, rs) -> series(quality, name, rs, r -> true, Row::bits, Row::overlap));
    quality.addSeries("paper, SOP (overlap@128)", new double[] {512, 1024}, new double[] {0.54, 0.70});
    save(quality, s, "quality_vs_bits.png", written);

    XYChart memory = chart("Peak RSS per method process vs N (synthetic, d = 768)", "N (items)", "peak RSS (MB)",
        true, true);
    for (int b : s.bits()) {
      series(memory, "NegHash LSH b=" + b, synthetic, r -> isLsh(r, b, "labels"), r -> r.n(),
          r -> r.peakRssBytes() / 1e6);
    }
    int maxBits = s.bits()[s.bits().length - 1];
    series(memory, "NegHash exact cosine", synthetic, r -> r.method().equals("neghash-exact"), r -> r.n(),
        r -> r.peakRssBytes() / 1e6);
    series(memory, "FAISS IndexBinaryFlat b=" + maxBits, synthetic,
        r -> r.method().equals("faiss-binary-flat") && r.bits() == maxBits, r -> r.n(), r -> r.peakRssBytes() / 1e6);
    series(memory, "FAISS IndexFlatIP", synthetic, r -> r.method().equals("faiss-flat-ip"), r -> r.n(),
        r -> r.peakRssBytes() / 1e6);
    save(memory, s, "memory.png", written);
    return written;
  }

  private static boolean isLsh(Row r, int bits, String rule) {
    return r.method().equals("neghash-lsh") && r.bits() == bits && r.rule().equals(rule);
  }

  private static XYChart chart(String title, String x, String y, boolean logX, boolean logY) {
    XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
    c.getStyler().setXAxisLogarithmic(logX).setYAxisLogarithmic(logY);
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    c.getStyler().setMarkerSize(7);
    c.getStyler().setXAxisDecimalPattern("#,##0.###");
    c.getStyler().setYAxisDecimalPattern("#,##0.###");
    c.getStyler().setChartTitleFont(c.getStyler().getChartTitleFont().deriveFont(13f));
    return c;
  }

  private static void series(XYChart c, String name, List<Row> rows, Predicate<Row> keep,
      ToDoubleFunction<Row> x, ToDoubleFunction<Row> y) {
    List<Row> rs = rows.stream().filter(keep).filter(r -> y.applyAsDouble(r) > 0).toList();
    if (rs.isEmpty()) {
      return;
    }
    c.addSeries(name, rs.stream().mapToDouble(x).toArray(), rs.stream().mapToDouble(y).toArray());
  }

  /** A constant series across the bit widths, for a method without bits. */
  private static void flat(XYChart c, String name, List<Row> rows, String method, int[] bits) {
    rows.stream().filter(r -> r.method().equals(method)).findFirst().ifPresent(r -> {
      double[] xs = new double[bits.length];
      double[] ys = new double[bits.length];
      for (int i = 0; i < bits.length; i++) {
        xs[i] = bits[i];
        ys[i] = r.searchAllSeconds();
      }
      c.addSeries(name, xs, ys);
    });
  }

  private static void save(XYChart c, Settings s, String file, List<String> written) throws IOException {
    if (c.getSeriesCollection().isEmpty()) {
      return;
    }
    // XChart labels log axes at powers of ten only: span whole decades so there are labels.
    if (c.getStyler().isYAxisLogarithmic()) {
      double[] r = range(c, false);
      c.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(r[0]))));
      c.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(r[1]))));
    }
    if (c.getStyler().isXAxisLogarithmic()) {
      double[] r = range(c, true);
      c.getStyler().setXAxisMin(Math.pow(10, Math.floor(Math.log10(r[0]))));
      c.getStyler().setXAxisMax(Math.pow(10, Math.ceil(Math.log10(r[1]))));
    }
    byte[] png = BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
    AtomicFiles.write(s.out().resolve(file), o -> o.write(png));
    written.add(file);
  }

  private static double[] range(XYChart c, boolean x) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    for (var series : c.getSeriesCollection()) {
      for (double v : x ? series.getXData() : series.getYData()) {
        if (v > 0) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    return new double[] {lo, hi};
  }
}
