/**
 * Who may call the service: API-key authentication on Spring Security's filter chain, the strict
 * firewall for request paths, and RFC 9457 bodies for every refusal, including those Tomcat makes
 * before a request reaches Spring.
 */
package dev.neghash.api.security;
