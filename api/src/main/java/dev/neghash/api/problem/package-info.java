/**
 * The service's refusals in the domain's words ({@link dev.neghash.api.problem.ServiceException}
 * and its kinds); the web layer maps them to HTTP.
 */
package dev.neghash.api.problem;
