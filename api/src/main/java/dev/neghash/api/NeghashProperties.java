package dev.neghash.api;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Every setting of the service (prefix {@code neghash}), with its default; each can be set as a
 * flag ({@code --neghash.jobs.concurrency=2}) or an environment variable ({@code
 * NEGHASH_JOBS_CONCURRENCY=2}).
 *
 * @param dataDir where datasets, snapshots and job results are kept
 * @param apiKey when set, every request outside the open list (see {@link Security}) must send it, or
 *     one of {@code apiKeys}, in the {@code X-API-Key} header
 * @param apiKeys further accepted keys (comma-separated in an environment variable), so that a key
 *     can be replaced without downtime: add the new one, move clients over, remove the old one
 * @param threads worker threads for encoding and mining, 0 for all cores
 * @param uploads upload limits
 * @param jobs job execution settings
 * @param events Server-Sent Events settings
 * @param security what is open without a key, and cross-origin access
 */
@Validated
@ConfigurationProperties("neghash")
public record NeghashProperties(
    @NotNull @DefaultValue("./data") Path dataDir,
    String apiKey,
    List<String> apiKeys,
    @Min(0) @Max(1024) @DefaultValue("0") int threads,
    @Valid @NotNull @DefaultValue Uploads uploads,
    @Valid @NotNull @DefaultValue Jobs jobs,
    @Valid @NotNull @DefaultValue Events events,
    @Valid @NotNull @DefaultValue Security security) {

  /**
   * Upload limits.
   *
   * @param maxBytes largest embeddings body (.npy or raw)
   * @param maxSmallBytes largest JSON embeddings body, and largest labels, split or positive-pairs
   *     body (these are held in memory)
   * @param maxConcurrent uploads encoded at the same time; more get 429
   * @param encoderMemory projections an upload keeps in memory before spilling to the data folder
   */
  public record Uploads(
      @NotNull @DefaultValue("64GB") DataSize maxBytes,
      @NotNull @DefaultValue("64MB") DataSize maxSmallBytes,
      @Min(1) @DefaultValue("2") int maxConcurrent,
      @NotNull @DefaultValue("128MB") DataSize encoderMemory) {}

  /**
   * Job execution.
   *
   * @param concurrency jobs running at the same time
   * @param queueCapacity jobs waiting beyond those; more get 429
   * @param retryAfter the Retry-After a 429 suggests
   * @param shutdownGrace how long shutdown waits for running jobs before failing them
   * @param searchBlock anchors whose neighbour lists a job holds at once: a job without batches
   *     writes its results block by block, so its memory beyond the codes is O(searchBlock x k)
   *     whatever the number of items (batch jobs need every list)
   */
  public record Jobs(
      @Min(1) @Max(64) @DefaultValue("1") int concurrency,
      @Min(0) @DefaultValue("16") int queueCapacity,
      @NotNull @DefaultValue("10s") Duration retryAfter,
      @NotNull @DefaultValue("30s") Duration shutdownGrace,
      @Min(1) @DefaultValue("16384") int searchBlock) {}

  /**
   * Server-Sent Events.
   *
   * @param timeout how long one event stream stays open (clients reconnect)
   * @param progressInterval least time between two progress events of one job
   * @param heartbeat interval of keep-alive comments
   */
  public record Events(
      @NotNull @DefaultValue("30m") Duration timeout,
      @NotNull @DefaultValue("500ms") Duration progressInterval,
      @NotNull @DefaultValue("15s") Duration heartbeat) {}

  /**
   * Access settings. Without a key the whole service is open (it listens on loopback by default);
   * with one, only {@code /actuator/health}, the dashboard's static files and the OpenAPI
   * description are.
   *
   * @param openActuatorEndpoints Actuator endpoints besides {@code health} served without a key
   *     (e.g. {@code prometheus} for a scraper that cannot send headers); none by default
   * @param corsAllowedOrigins origins whose pages may call the API from a browser; none by
   *     default, so cross-origin calls are refused
   */
  public record Security(
      @NotNull @DefaultValue List<String> openActuatorEndpoints,
      @NotNull @DefaultValue List<String> corsAllowedOrigins) {}

  /** Every configured API key, blank entries left out; empty when the service is open. */
  public List<String> acceptedApiKeys() {
    List<String> keys = new ArrayList<>();
    if (apiKey != null && !apiKey.isBlank()) {
      keys.add(apiKey);
    }
    if (apiKeys != null) {
      apiKeys.stream().filter(k -> k != null && !k.isBlank()).forEach(keys::add);
    }
    return List.copyOf(keys);
  }

  /** Whether an API key is configured. */
  public boolean apiKeyRequired() {
    return !acceptedApiKeys().isEmpty();
  }
}
