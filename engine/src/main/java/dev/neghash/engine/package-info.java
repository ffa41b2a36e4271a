/**
 * NegHash engine: locality-sensitive hashing for hard-negative mining, after Deuser et al.,
 * "Locality-Sensitive Hashing for Efficient Hard Negative Sampling in Contrastive Learning",
 * arXiv:2505.17844 (2025).
 *
 * <p>The pipeline is {@link dev.neghash.engine.lsh.Projection} (seeded orthonormal hyperplanes),
 * {@link dev.neghash.engine.lsh.Encoder} (project, centre, binarise, pack into
 * {@link dev.neghash.engine.lsh.PackedCodes}), {@link dev.neghash.engine.search.HammingSearch}
 * (exact all-pairs Hamming top-k with label and positive exclusion), then
 * {@link dev.neghash.engine.mining} (negatives, hard positives, batches, quality). The hot loops
 * live in {@link dev.neghash.engine.kernel} behind {@link dev.neghash.engine.kernel.KernelProvider}.
 */
package dev.neghash.engine;
