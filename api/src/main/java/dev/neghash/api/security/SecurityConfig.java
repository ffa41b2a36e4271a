package dev.neghash.api.security;

import dev.neghash.api.NeghashProperties;
import jakarta.servlet.DispatcherType;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service's one security filter chain.
 *
 * <p>With an API key configured, every request needs it in the {@value ApiKeys#HEADER} header
 * except a short open list: {@code /actuator/health} (and its liveness and readiness groups), the
 * dashboard's static files, the OpenAPI description and Swagger UI, and the Actuator endpoints
 * named in {@code neghash.security.open-actuator-endpoints}. Everything else, any API route and
 * any path not listed, is closed, so a path spelt in a way nobody foresaw is refused rather than
 * let through. Paths are matched as Spring MVC matches them (decoded, with {@code PathPattern}),
 * and {@link StrictHttpFirewall} first rejects paths that could be read two ways: path parameters
 * ({@code ;}), encoded {@code /}, {@code \}, {@code %} or {@code .}, and {@code //}, {@code ./}
 * or {@code ../} segments.
 *
 * <p>Without a key the service is open (it listens on loopback unless told otherwise); the
 * firewall, the headers and the CORS rule apply all the same.
 *
 * <p>The chain keeps no session and uses no CSRF token (clients authenticate every request with a
 * header, which a browser never adds by itself); CORS is closed unless an allow-list is set; every
 * response carries {@code X-Content-Type-Options: nosniff}, {@code X-Frame-Options: DENY}, a
 * referrer policy and a Content-Security-Policy that allows nothing from other origins.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

  private static final Logger log = LoggerFactory.getLogger(SecurityConfig.class);

  /**
   * What the dashboard needs and no more: its own scripts, styles, images (thumbnails are drawn
   * from {@code data:} and {@code blob:} URLs) and API calls; no frames, plugins or forms
   * elsewhere.
   */
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
      + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  /** Paths open without a key (besides the Actuator endpoints): the dashboard and the API description. */
  static final List<String> OPEN_PATHS = List.of("/", "/index.html", "/favicon.ico", "/css/**", "/js/**",
      "/img/**", "/webjars/**", "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**");

  @Bean
  SecurityFilterChain neghashSecurity(HttpSecurity http, NeghashProperties props, JsonMapper json,
      org.springframework.core.env.Environment env) throws Exception {
    ProblemResponses problems = new ProblemResponses(json);
    ApiKeys keys = new ApiKeys(props.acceptedApiKeys());
    warnWhenOpenBeyondLoopback(keys, env.getProperty("server.address"));
    AuthenticationEntryPoint missingKey = (req, res, e) -> problems.write(res, HttpStatus.UNAUTHORIZED, "unauthorized",
        e instanceof BadCredentialsException
            ? "the API key in the " + ApiKeys.HEADER + " header is not valid"
            : "this service needs an API key in the " + ApiKeys.HEADER + " header");

    http.csrf(AbstractHttpConfigurer::disable)
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .requestCache(AbstractHttpConfigurer::disable)
        .httpBasic(AbstractHttpConfigurer::disable)
        .formLogin(AbstractHttpConfigurer::disable)
        .logout(AbstractHttpConfigurer::disable)
        .anonymous(a -> {})
        .cors(c -> c.configurationSource(cors(props.security().corsAllowedOrigins())))
        .headers(h -> h
            .contentTypeOptions(c -> {})
            .frameOptions(f -> f.deny())
            .referrerPolicy(r -> r.policy(ReferrerPolicy.NO_REFERRER))
            .contentSecurityPolicy(c -> c.policyDirectives(CONTENT_SECURITY_POLICY)))
        .exceptionHandling(e -> e
            .authenticationEntryPoint(missingKey)
            .accessDeniedHandler((req, res, ex) -> problems.write(res, HttpStatus.FORBIDDEN, "forbidden",
                "this key may not do that")));

    if (keys.isEmpty()) {
      http.authorizeHttpRequests(a -> a.anyRequest().permitAll());
      return http.build();
    }

    AuthenticationFilter byKey = new AuthenticationFilter(new ProviderManager(new KeyProvider(keys)),
        request -> {
          String given = request.getHeader(ApiKeys.HEADER);
          return given == null ? null : new KeyToken(given);
        });
    byKey.setSuccessHandler((req, res, auth) -> {});
    byKey.setFailureHandler(new AuthenticationEntryPointFailureHandler(missingKey));
    http.addFilterAt(byKey, BasicAuthenticationFilter.class);

    List<String> openEndpoints = new ArrayList<>(List.of("health"));
    openEndpoints.addAll(props.security().openActuatorEndpoints());
    RequestMatcher openActuator = EndpointRequest.to(openEndpoints.toArray(String[]::new));
    http.authorizeHttpRequests(a -> a
        // A forward to the error page or the resumption of an event stream belongs to a request
        // that was authorised when it arrived.
        .dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC).permitAll()
        .requestMatchers(openActuator).permitAll()
        .requestMatchers(OPEN_PATHS.toArray(String[]::new)).permitAll()
        .anyRequest().authenticated());
    return http.build();
  }

  /**
   * The firewall, strict as Spring Security ships it, stated here so that nobody relaxes it by
   * accident: path parameters, encoded slashes, backslashes, percent signs and periods, and
   * non-normalised paths are all refused.
   */
  @Bean
  HttpFirewall neghashFirewall() {
    StrictHttpFirewall f = new StrictHttpFirewall();
    f.setAllowSemicolon(false);
    f.setAllowUrlEncodedSlash(false);
    f.setAllowUrlEncodedDoubleSlash(false);
    f.setAllowBackSlash(false);
    f.setAllowUrlEncodedPercent(false);
    f.setAllowUrlEncodedPeriod(false);
    f.setAllowNull(false);
    return f;
  }

  /** A path the firewall refuses gets a 400 problem detail, not an exception page. */
  @Bean
  RequestRejectedHandler neghashRejectedRequests(JsonMapper json) {
    ProblemResponses problems = new ProblemResponses(json);
    return (request, response, e) -> {
      log.debug("request rejected by the firewall: {}", e.getMessage());
      problems.write(response, HttpStatus.BAD_REQUEST, "rejected-path",
          "the request path is not in canonical form (no path parameters, encoded '/', '\\', '%' or '.', "
              + "empty, '.' or '..' segments); send the plain path");
    };
  }

  private static void warnWhenOpenBeyondLoopback(ApiKeys keys, String address) {
    if (!keys.isEmpty()) {
      return;
    }
    boolean loopback;
    try {
      loopback = address != null && java.net.InetAddress.getByName(address).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      loopback = false;
    }
    if (!loopback) {
      log.warn("No API key is set and the service listens on {}: anyone who reaches the port can read, change "
          + "and delete everything. Set NEGHASH_API_KEY (or neghash.api-key).", address == null ? "all addresses" : address);
    }
  }

  private static CorsConfigurationSource cors(List<String> origins) {
    UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
    if (!origins.isEmpty()) {
      CorsConfiguration c = new CorsConfiguration();
      c.setAllowedOrigins(origins);
      c.setAllowedMethods(List.of("GET", "POST", "PUT", "DELETE"));
      c.setAllowedHeaders(List.of(ApiKeys.HEADER, "Content-Type", "Accept", "Last-Event-ID"));
      c.setExposedHeaders(List.of("Location", "Retry-After"));
      c.setMaxAge(3600L);
      source.registerCorsConfiguration("/api/**", c);
    }
    return source;
  }

  /** A presented key: unauthenticated until {@link KeyProvider} accepts it. */
  static final class KeyToken extends AbstractAuthenticationToken {
    private final transient String key;

    KeyToken(String key) {
      super(AuthorityUtils.NO_AUTHORITIES);
      this.key = key;
    }

    private KeyToken() {
      super(AuthorityUtils.createAuthorityList("ROLE_CLIENT"));
      this.key = null;
      setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
      return key;
    }

    @Override
    public Object getPrincipal() {
      return "api-key";
    }

    @Override
    public String toString() {
      return "KeyToken[authenticated=" + isAuthenticated() + "]";
    }
  }

  /** Accepts a {@link KeyToken} whose key is one of the configured keys. */
  record KeyProvider(ApiKeys keys) implements org.springframework.security.authentication.AuthenticationProvider {
    @Override
    public Authentication authenticate(Authentication authentication) {
      if (!keys.accepts((String) authentication.getCredentials())) {
        throw new BadCredentialsException("API key not valid");
      }
      return new KeyToken();
    }

    @Override
    public boolean supports(Class<?> type) {
      return KeyToken.class.isAssignableFrom(type);
    }
  }
}
