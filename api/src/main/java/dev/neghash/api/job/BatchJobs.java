package dev.neghash.api.job;

import dev.neghash.engine.Defaults;
import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.NegHash;
import dev.neghash.engine.mining.BatchHardness;
import dev.neghash.engine.mining.BatchOptions;
import dev.neghash.engine.mining.Batches;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A job's batch settings: the engine's options from job parameters, the up-front check and the hardness report. */
final class BatchJobs {

  /** Largest snapshots (N x d floats) whose batch hardness a job measures. */
  static final long HARDNESS_MAX_FLOATS = 1L << 28;

  private BatchJobs() {}

  /** The engine's batch options for these job parameters (null: their defaults). */
  static BatchOptions options(int batchSize, Integer neighbours, long seed, Integer itemsPerLabel,
      Double randomShare, Integer rankFrom) {
    try {
      return new BatchOptions(batchSize, neighbours != null ? neighbours : Defaults.batchNeighbours(batchSize), seed,
          Defaults.BATCH_PASSES, itemsPerLabel == null ? 0 : itemsPerLabel, randomShare == null ? 0 : randomShare,
          rankFrom == null ? 0 : rankFrom);
    } catch (InvalidInputException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(e.getMessage().replace("batch size must", "batchSize must"), e);
    }
  }

  /**
   * Refuses a request whose batches the dataset's labels cannot fill (too few distinct labels for
   * batches without repeated labels; too few labels with itemsPerLabel items for P x K batches), or
   * whose rank window starts at or past the neighbour list length.
   *
   * @param labels the dataset's labels, or null
   * @param n items in the snapshot
   * @param k the job's neighbour list length
   */
  static void checkFeasible(JobRequest r, int[] labels, int n, int k) {
    BatchOptions o = options(r.batchSize(), r.batchNeighbours(), r.seed() == null ? 0 : r.seed(), r.itemsPerLabel(),
        r.randomShare(), r.batchRankFrom());
    try {
      o.checkRankWindow(k);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(e.getMessage().replace("rankFrom", "batchRankFrom"), e);
    }
    if (labels != null && labels.length != n) {
      return; // the job itself reports labels that do not match the snapshot
    }
    o.checkFeasible(labels, n);
  }

  /** The batches' hardness on the snapshot's floats, or null when they are too large to load. */
  static JobResult.BatchHardness hardness(NegHash neghash, Batches batches, int[] labels, Path floats, int n, int d,
      long seed) throws IOException {
    if ((long) n * d > HARDNESS_MAX_FLOATS || batches.batches().isEmpty()) {
      return null;
    }
    float[] x = new float[n * d];
    try (FileChannel ch = FileChannel.open(floats, StandardOpenOption.READ)) {
      FloatBuffer fb = ch.map(FileChannel.MapMode.READ_ONLY, 0, (long) n * d * Float.BYTES)
          .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      fb.get(x);
    }
    BatchHardness h = neghash.batchHardness(batches, labels, x, d, seed);
    return new JobResult.BatchHardness(h.mined(), h.random(), h.items());
  }
}
