package dev.neghash.api.dataset;

import java.time.Instant;

/**
 * A dataset's settings, fixed at creation ({@code dataset.json}): every snapshot of it is encoded
 * with the same projection, so codes of different epochs are comparable.
 *
 * @param id server-generated id
 * @param name free text for people
 * @param dims embedding dimension d
 * @param bits code length b
 * @param seed seed of the projection
 * @param center centre projections on the per-bit snapshot mean
 * @param normalize scale rows to unit L2 norm before projecting
 * @param createdAt creation time
 */
public record DatasetManifest(
    String id, String name, int dims, int bits, long seed, boolean center, boolean normalize, Instant createdAt) {}
