package dev.neghash.api.job;

import dev.neghash.engine.Defaults;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The defaults a client fills its forms with: the engine's {@link Defaults}, as the service applies them. */
@RestController
class DefaultsController {

  /**
   * Every default a request may leave out.
   *
   * @param bits code length of a new dataset
   * @param seed seed of a new dataset's hyperplanes and of a job's random choices
   * @param center whether a new dataset centres projections
   * @param normalize whether a new dataset scales rows to unit length
   * @param k neighbours per anchor (at most the number of candidates)
   * @param negatives negatives per anchor (at most k)
   * @param batchSize items per batch, where a client offers batches
   * @param qualitySample anchors of a quality report (at most N)
   * @param strategy how negatives are chosen
   * @param mode which items are anchors
   */
  record DefaultsView(int bits, long seed, boolean center, boolean normalize, int k, int negatives, int batchSize,
      int qualitySample, String strategy, String mode) {}

  @GetMapping(path = "/api/v1/defaults", produces = "application/json")
  @Operation(summary = "The defaults of dataset and job parameters")
  DefaultsView defaults() {
    return new DefaultsView(Defaults.BITS, Defaults.SEED, Defaults.CENTER, Defaults.NORMALIZE, Defaults.K,
        Defaults.NEGATIVES, Defaults.BATCH_SIZE, Defaults.QUALITY_SAMPLE, "top", "all");
  }
}
