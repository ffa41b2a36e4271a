package dev.neghash.api.dataset;

import dev.neghash.api.problem.ServiceException;
import dev.neghash.api.web.MediaTypes;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Datasets, their labels, split and positive pairs, and their snapshots. */
@RestController
@RequestMapping("/api/v1/datasets")
@Tag(name = "datasets", description = "Datasets, labels and snapshot uploads")
class DatasetController {

  private static final String NPY = MediaTypes.NPY_VALUE;
  private static final String JSON = MediaType.APPLICATION_JSON_VALUE;
  private static final String RAW = MediaType.APPLICATION_OCTET_STREAM_VALUE;

  private final DatasetService service;
  private final DatasetSideFiles sideFiles;
  private final SnapshotUploads uploads;

  DatasetController(DatasetService service, DatasetSideFiles sideFiles, SnapshotUploads uploads) {
    this.service = service;
    this.sideFiles = sideFiles;
    this.uploads = uploads;
  }

  @PostMapping(consumes = JSON, produces = JSON)
  @Operation(summary = "Create a dataset with its encoding settings (d, bits, seed, centring)")
  ResponseEntity<DatasetView> create(@Valid @RequestBody CreateDatasetRequest request) throws IOException {
    Dataset d = service.create(request);
    return ResponseEntity.created(URI.create("/api/v1/datasets/" + d.id())).body(DatasetView.of(d));
  }

  @GetMapping(produces = JSON)
  @Operation(summary = "List datasets")
  List<DatasetView> list() {
    return service.list().stream().map(DatasetView::of).toList();
  }

  @GetMapping(path = "/{id}", produces = JSON)
  @Operation(summary = "Get a dataset")
  DatasetView get(@PathVariable String id) {
    return DatasetView.of(service.require(id));
  }

  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(summary = "Delete a dataset and its snapshots (409 while jobs on it are unfinished)")
  void delete(@PathVariable String id) throws IOException {
    service.delete(id);
  }

  @PutMapping(path = "/{id}/labels", consumes = {NPY, JSON}, produces = JSON)
  @Operation(summary = "Store the labels, once: one integer per item (.npy of any integer dtype, or a JSON array)")
  ResponseEntity<DatasetView> putLabels(@PathVariable String id, HttpServletRequest request) throws IOException {
    sideFiles.putLabels(id, format(request), request.getInputStream(), request.getContentLengthLong());
    return ResponseEntity.created(URI.create("/api/v1/datasets/" + id + "/labels")).body(DatasetView.of(service.require(id)));
  }

  @GetMapping(path = "/{id}/labels", produces = NPY)
  @Operation(summary = "Download the labels as int32 .npy")
  ResponseEntity<Resource> getLabels(@PathVariable String id) {
    Dataset d = service.require(id);
    if (!d.hasLabels()) {
      throw ServiceException.notFound("dataset " + id + " has no labels");
    }
    return MediaTypes.npyFile(d.labelsFile(), "labels.npy");
  }

  @PutMapping(path = "/{id}/split", consumes = {NPY, JSON}, produces = JSON)
  @Operation(summary = "Store the query/reference split, once: 1 marks a query item, 0 a reference item")
  ResponseEntity<DatasetView> putSplit(@PathVariable String id, HttpServletRequest request) throws IOException {
    sideFiles.putSplit(id, format(request), request.getInputStream(), request.getContentLengthLong());
    return ResponseEntity.created(URI.create("/api/v1/datasets/" + id + "/split")).body(DatasetView.of(service.require(id)));
  }

  @PutMapping(path = "/{id}/positives", consumes = {NPY, JSON}, produces = JSON)
  @Operation(summary = "Store explicit positive pairs, once: (P, 2) item ids that are never each other's negatives")
  ResponseEntity<DatasetView> putPositives(@PathVariable String id, HttpServletRequest request) throws IOException {
    sideFiles.putPositives(id, format(request), request.getInputStream(), request.getContentLengthLong());
    return ResponseEntity.created(URI.create("/api/v1/datasets/" + id + "/positives")).body(DatasetView.of(service.require(id)));
  }

  @PostMapping(path = "/{id}/snapshots", consumes = {NPY, RAW, JSON}, produces = JSON)
  @Operation(summary = "Upload one epoch's embeddings as a new snapshot (streamed; only codes are kept)",
      description = "Body: .npy (float16/32/64, either byte order, C order) as application/x-npy; raw little-endian "
          + "float32 as application/octet-stream with ?rows=N; or a JSON array of rows as application/json.")
  ResponseEntity<SnapshotManifest> upload(
      @PathVariable String id,
      @Parameter(description = "Rows of a raw float32 body") @RequestParam(required = false) Long rows,
      @Parameter(description = "Dimension of a raw float32 body (checked against the dataset)") @RequestParam(required = false) Integer dims,
      @Parameter(description = "Also keep the floats (4d bytes per item) so quality reports can run on this snapshot")
      @RequestParam(defaultValue = "false") boolean keepFloats,
      HttpServletRequest request) throws IOException {
    SnapshotManifest s = uploads.addSnapshot(id, format(request), request.getInputStream(),
        request.getContentLengthLong(), rows, dims, keepFloats);
    return ResponseEntity.created(URI.create("/api/v1/datasets/" + id + "/snapshots/" + s.id())).body(s);
  }

  @GetMapping(path = "/{id}/snapshots", produces = JSON)
  @Operation(summary = "List a dataset's snapshots, oldest first")
  List<SnapshotManifest> snapshots(@PathVariable String id) {
    return service.require(id).snapshots();
  }

  @GetMapping(path = "/{id}/snapshots/{sid}", produces = JSON)
  @Operation(summary = "Get a snapshot ('latest' names the newest)")
  SnapshotManifest snapshot(@PathVariable String id, @PathVariable String sid) {
    return service.snapshot(service.require(id), sid);
  }

  @GetMapping(path = "/{id}/snapshots/{sid}/codes", produces = NPY)
  @Operation(summary = "Download a snapshot's packed codes: uint8 .npy, N x b/8, NumPy packbits little-endian bit order")
  ResponseEntity<Resource> codes(@PathVariable String id, @PathVariable String sid) {
    Dataset d = service.require(id);
    SnapshotManifest s = service.snapshot(d, sid);
    return MediaTypes.npyFile(service.codesFile(d, s), "codes.npy");
  }

  @DeleteMapping("/{id}/snapshots/{sid}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(summary = "Delete a snapshot (409 while unfinished jobs use it)")
  void deleteSnapshot(@PathVariable String id, @PathVariable String sid) throws IOException {
    service.deleteSnapshot(id, sid);
  }

  private static DatasetService.Format format(HttpServletRequest request) {
    MediaType t = MediaType.parseMediaType(request.getContentType());
    if (MediaTypes.NPY.isCompatibleWith(t)) {
      return DatasetService.Format.NPY;
    }
    if (MediaType.APPLICATION_JSON.isCompatibleWith(t)) {
      return DatasetService.Format.JSON;
    }
    return DatasetService.Format.RAW;
  }

}
