package dev.neghash.api.dataset;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * Settings of a new dataset; everything but {@code dims} has a default.
 *
 * @param name free text for people (default empty)
 * @param dims embedding dimension d
 * @param bits code length b, a multiple of 64 from 64 to 4096 (default 512)
 * @param seed seed of the random hyperplanes (default 42)
 * @param center centre projections on the per-bit mean of each snapshot (default true)
 * @param normalize scale rows to unit L2 norm before projecting (default true)
 */
public record CreateDatasetRequest(
    @Size(max = 200) String name,
    @NotNull @Min(1) @Max(1 << 20) Integer dims,
    @Min(64) @Max(4096) Integer bits,
    Long seed,
    Boolean center,
    Boolean normalize) {}
