package dev.neghash.api.ops;

import dev.neghash.api.storage.DataStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/** Publishes the bytes the data folder holds ({@code neghash_storage_bytes} in Prometheus). */
@Component
class StorageMetrics implements MeterBinder {
  private final DataStore store;

  StorageMetrics(DataStore store) {
    this.store = store;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("neghash.storage", store, DataStore::bytesStored).baseUnit("bytes")
        .description("Bytes of datasets, snapshots and job results in the data folder").register(registry);
  }
}
