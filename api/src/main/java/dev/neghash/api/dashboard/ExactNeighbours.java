package dev.neghash.api.dashboard;

import java.util.List;

/**
 * The exact cosine neighbours of one anchor of a finished job, with the job's exclusions (itself,
 * items with its label, explicit positive pairs; reference items only in mode queries): what the
 * LSH negatives approximate.
 *
 * @param jobId the job
 * @param row the result row
 * @param anchor the anchor's item id
 * @param candidates candidates compared
 * @param neighbours the nearest, highest cosine first (ties by smaller id)
 */
public record ExactNeighbours(String jobId, int row, int anchor, int candidates, List<Neighbour> neighbours) {

  /**
   * One neighbour.
   *
   * @param id item id
   * @param cosine exact cosine similarity with the anchor
   */
  public record Neighbour(int id, double cosine) {}
}
