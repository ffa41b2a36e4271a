package dev.neghash.api.dashboard;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The dashboard's views across epochs and of single anchors. */
@RestController
@Tag(name = "dashboard", description = "Summaries for the browser dashboard")
class HistoryController {

  private static final String JSON = MediaType.APPLICATION_JSON_VALUE;

  private final HistoryService history;
  private final ExactNeighboursService exact;

  HistoryController(HistoryService history, ExactNeighboursService exact) {
    this.history = history;
    this.exact = exact;
  }

  @GetMapping(path = "/api/v1/dashboard/datasets/{id}/history", produces = JSON)
  @Operation(summary = "Every epoch (snapshot) of a dataset with the measures of its newest succeeded job: "
      + "overlap@k, mean Hamming distance of negatives and of random pairs, anchors short, times, items/s")
  DatasetHistory history(@PathVariable String id) throws IOException {
    return history.history(id);
  }

  @GetMapping(path = "/api/v1/dashboard/datasets/{id}/labels", produces = JSON)
  @Operation(summary = "How the dataset's items spread over its labels (distinct labels, largest and smallest class)")
  LabelSummary labels(@PathVariable String id) throws IOException {
    return history.labels(id);
  }

  @GetMapping(path = "/api/v1/dashboard/jobs/{jobId}/rows/{row}/exact", produces = JSON)
  @Operation(summary = "Exact cosine neighbours of one anchor of a finished job (needs the snapshot's kept floats)")
  ExactNeighbours exact(@PathVariable String jobId, @PathVariable int row,
      @Parameter(description = "Neighbours wanted, 1 to 128") @RequestParam(defaultValue = "8") int count)
      throws IOException {
    return exact.neighbours(jobId, row, count);
  }
}
