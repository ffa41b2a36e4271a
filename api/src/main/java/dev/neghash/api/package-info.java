/**
 * The NegHash HTTP service (Spring Boot): datasets with their settings and labels, snapshots
 * uploaded as streams and kept only as packed codes, mining jobs on a bounded executor, and their
 * results; everything it reports as stored is on disk, written crash-safely.
 */
package dev.neghash.api;
