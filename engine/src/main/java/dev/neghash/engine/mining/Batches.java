package dev.neghash.engine.mining;

import java.util.List;

/**
 * Batches for the next epoch.
 *
 * @param batchSize items per batch
 * @param batches the batches, each exactly {@code batchSize} item ids
 * @param leftOut items in no batch (the dropped last batch and anything that never fitted)
 */
public record Batches(int batchSize, List<int[]> batches, int leftOut) {

  /** All batches flattened row-major ({@code batches x batchSize}). */
  public int[] flat() {
    int[] out = new int[batches.size() * batchSize];
    for (int i = 0; i < batches.size(); i++) {
      System.arraycopy(batches.get(i), 0, out, i * batchSize, batchSize);
    }
    return out;
  }
}
