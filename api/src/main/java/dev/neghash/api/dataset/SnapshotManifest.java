package dev.neghash.api.dataset;

import java.time.Instant;

/**
 * One uploaded epoch of a dataset ({@code snapshot.json}): its codes are in {@code codes.npy}
 * (uint8, N x b/8, NumPy packbits little-endian layout), its floats in {@code floats.f32} only when
 * kept.
 *
 * @param id server-generated id
 * @param datasetId the dataset
 * @param seq 1 for the first snapshot of the dataset, then 2, 3, ...
 * @param items number of rows N
 * @param dims embedding dimension d
 * @param bits code length b
 * @param floatsKept whether the float rows were kept (4d bytes per item) for quality reports
 * @param format upload format: npy, raw or json
 * @param dtype element type of the upload, e.g. {@code <f4}
 * @param bytesReceived request body bytes read
 * @param storedBytes bytes this snapshot occupies on disk
 * @param encodeSeconds wall time from the first byte to the committed snapshot
 * @param createdAt commit time
 */
public record SnapshotManifest(
    String id, String datasetId, int seq, int items, int dims, int bits, boolean floatsKept,
    String format, String dtype, long bytesReceived, long storedBytes, double encodeSeconds, Instant createdAt) {}
