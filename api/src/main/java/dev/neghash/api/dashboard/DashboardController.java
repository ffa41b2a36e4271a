package dev.neghash.api.dashboard;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Data the dashboard page plots and the rest of the API does not offer in one small call. */
@RestController
@Tag(name = "dashboard", description = "Summaries for the browser dashboard")
class DashboardController {

  private final JobPlotsService plots;

  DashboardController(JobPlotsService plots) {
    this.plots = plots;
  }

  @GetMapping(path = "/api/v1/dashboard/jobs/{jobId}/plots", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Histogram of a finished job's negative distances against random pairs, and the random "
      + "overlap@k baseline of its quality report; 409 until the job has SUCCEEDED")
  JobPlots plots(@PathVariable String jobId) throws IOException {
    return plots.plots(jobId);
  }
}
