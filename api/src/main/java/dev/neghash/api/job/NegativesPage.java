package dev.neghash.api.job;

import java.util.List;

/**
 * One page of a job's negatives.
 *
 * @param jobId the job
 * @param page page number, from 0
 * @param size anchors per page
 * @param totalAnchors anchors in the result
 * @param totalPages pages in the result
 * @param items the anchors of this page
 */
public record NegativesPage(String jobId, int page, int size, int totalAnchors, int totalPages, List<NegativeRow> items) {}
