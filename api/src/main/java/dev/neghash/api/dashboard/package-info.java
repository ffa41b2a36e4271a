/**
 * The browser dashboard: the page itself is static ({@code static/index.html} and its ES
 * modules, Chart.js from its WebJar); this package adds the one summary the page needs that the
 * rest of the API does not offer, the distance histogram of a job's negatives against random pairs.
 */
package dev.neghash.api.dashboard;
