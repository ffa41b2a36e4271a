package dev.neghash.api.job;

import dev.neghash.api.storage.NpyFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a committed result folder (see {@link JobRunner}) a range of anchors at a time. */
final class ResultReader implements AutoCloseable {
  private final NpyFiles.Rows ids;
  private final NpyFiles.Rows ham;
  private final NpyFiles.Rows cos;
  private final int[] anchors;
  private final int[] labels;
  private final int[] hard;

  ResultReader(Path dir) throws IOException {
    this.ids = new NpyFiles.Rows(dir.resolve(ResultFiles.NEGATIVES));
    this.ham = new NpyFiles.Rows(dir.resolve(ResultFiles.HAMMING));
    this.cos = new NpyFiles.Rows(dir.resolve(ResultFiles.COSINE));
    this.anchors = NpyFiles.readInt32(dir.resolve(ResultFiles.ANCHORS));
    this.labels = Files.isRegularFile(dir.resolve(ResultFiles.LABELS)) ? NpyFiles.readInt32(dir.resolve(ResultFiles.LABELS)) : null;
    this.hard = Files.isRegularFile(dir.resolve(ResultFiles.HARD_POSITIVES)) ? NpyFiles.readInt32(dir.resolve(ResultFiles.HARD_POSITIVES)) : null;
  }

  int anchors() {
    return anchors.length;
  }

  /** Rows {@code [from, to)} as records; padding (-1) is left out of each row. */
  List<NegativeRow> rows(int from, int to) throws IOException {
    List<NegativeRow> out = new ArrayList<>(Math.max(0, to - from));
    if (to <= from) {
      return out;
    }
    int c = ids.cols();
    ByteBuffer bi = ids.read(from, to - from);
    ByteBuffer bh = ham.read(from, to - from);
    ByteBuffer bc = cos.read(from, to - from);
    for (int r = 0; r < to - from; r++) {
      int found = 0;
      while (found < c && bi.getInt((r * c + found) * 4) >= 0) {
        found++;
      }
      int[] neg = new int[found];
      int[] h = new int[found];
      float[] cs = new float[found];
      int[] nl = labels == null ? null : new int[found];
      for (int i = 0; i < found; i++) {
        int o = (r * c + i) * 4;
        neg[i] = bi.getInt(o);
        h[i] = bh.getInt(o);
        cs[i] = bc.getFloat(o);
        if (nl != null) {
          nl[i] = labels[neg[i]];
        }
      }
      int a = anchors[from + r];
      out.add(new NegativeRow(a, labels == null ? null : labels[a], neg, nl, h, cs,
          hard == null ? null : hard[from + r]));
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    ids.close();
    ham.close();
    cos.close();
  }
}
