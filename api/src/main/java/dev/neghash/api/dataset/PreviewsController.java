package dev.neghash.api.dataset;

import dev.neghash.api.web.MediaTypes;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Previews of a dataset's items (small images or text) and names of its labels, for people. */
@RestController
@RequestMapping("/api/v1/datasets/{id}")
@Tag(name = "datasets", description = "Datasets, labels and snapshot uploads")
class PreviewsController {

  private static final String JSON = MediaType.APPLICATION_JSON_VALUE;

  private final PreviewsService previews;
  private final LabelNames labelNames;

  PreviewsController(PreviewsService previews, LabelNames labelNames) {
    this.labelNames = labelNames;
    this.previews = previews;
  }

  @PutMapping(path = "/previews", consumes = MediaTypes.NPY_VALUE, produces = JSON)
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Store image previews, once: uint8 .npy of shape (N, h, w) or (N, h, w, 3), h and w at most 256")
  PreviewsInfo putImages(@PathVariable String id, HttpServletRequest request) throws IOException {
    return previews.putImages(id, request.getInputStream(), request.getContentLengthLong());
  }

  @PutMapping(path = "/previews", consumes = MediaTypes.JSONL_VALUE, produces = JSON)
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Store text previews, once: JSON Lines, one line per item (a JSON string or {\"text\": ...})")
  PreviewsInfo putText(@PathVariable String id, HttpServletRequest request) throws IOException {
    return previews.putText(id, request.getInputStream(), request.getContentLengthLong());
  }

  @GetMapping(path = "/previews", produces = JSON)
  @Operation(summary = "What previews and label names the dataset has (kind null when it has no previews)")
  PreviewsInfo info(@PathVariable String id) throws IOException {
    return previews.info(id);
  }

  @DeleteMapping("/previews")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(summary = "Delete the dataset's previews (label names stay)")
  void delete(@PathVariable String id) throws IOException {
    previews.deletePreviews(id);
  }

  @GetMapping(path = "/previews/items", produces = JSON)
  @Operation(summary = "Some items with label, label name and preview (image pixels as base64, or text)")
  PreviewItems items(@PathVariable String id,
      @Parameter(description = "Item ids, comma-separated (at most 256)") @RequestParam List<Integer> ids)
      throws IOException {
    return previews.items(id, ids);
  }

  @PutMapping(path = "/label-names", consumes = JSON, produces = JSON)
  @Operation(summary = "Store or replace label names: {\"0\": \"T-shirt\", ...} or [\"T-shirt\", ...]")
  PreviewsInfo putLabelNames(@PathVariable String id, HttpServletRequest request) throws IOException {
    labelNames.put(id, request.getInputStream(), request.getContentLengthLong());
    return previews.info(id);
  }
}
