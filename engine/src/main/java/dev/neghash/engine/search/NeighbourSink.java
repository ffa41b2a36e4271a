package dev.neghash.engine.search;

import java.io.IOException;

/**
 * Receives the neighbour lists of a search block by block, in anchor order, so that a caller can
 * write them out or reduce them without ever holding every anchor's list.
 */
@FunctionalInterface
public interface NeighbourSink {

  /**
   * Takes the lists of anchor rows {@code [firstRow, firstRow + block.n())}; {@code block}'s row 0
   * is anchor row {@code firstRow}. The block's arrays are the sink's to keep.
   *
   * @throws IOException if writing the block fails (the search stops)
   */
  void accept(int firstRow, Neighbours block) throws IOException;
}
