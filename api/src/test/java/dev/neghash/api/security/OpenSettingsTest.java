package dev.neghash.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The settings that open more than the default list: an Actuator endpoint and a CORS allow-list. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"neghash.api-keys=k-one", "neghash.security.open-actuator-endpoints=prometheus",
        "neghash.security.cors-allowed-origins=http://trainer.example:8888", "neghash.threads=1",
        "neghash.data-dir=${java.io.tmpdir}/neghash-open-settings-test"})
class OpenSettingsTest {

  @LocalServerPort int port;

  @Test
  void aNamedActuatorEndpointIsOpenAndTheOthersAreNot() throws IOException {
    RawHttp http = new RawHttp(port);
    RawHttp.Res prometheus = http.send("GET", "/actuator/prometheus", Map.of(), null);
    assertThat(prometheus.status()).isEqualTo(200);
    assertThat(prometheus.body()).contains("neghash_");
    assertThat(http.send("GET", "/actuator/metrics", Map.of(), null).status()).isEqualTo(401);
    assertThat(http.send("GET", "/api/v1/datasets", Map.of(), null).status()).isEqualTo(401);
  }

  @Test
  void anAllowedOriginGetsCorsHeadersAndOthersDoNot() throws IOException {
    RawHttp http = new RawHttp(port);
    RawHttp.Res allowed = http.send("OPTIONS", "/api/v1/datasets", Map.of("Origin", "http://trainer.example:8888",
        "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "x-api-key,content-type"), null);
    assertThat(allowed.status()).isEqualTo(200);
    assertThat(allowed.headers()).containsEntry("access-control-allow-origin", "http://trainer.example:8888");
    assertThat(allowed.headers().get("access-control-allow-headers").toLowerCase()).contains("x-api-key");
    RawHttp.Res other = http.send("OPTIONS", "/api/v1/datasets", Map.of("Origin", "http://evil.example",
        "Access-Control-Request-Method", "POST"), null);
    assertThat(other.headers()).doesNotContainKey("access-control-allow-origin");
    assertThat(other.status()).isEqualTo(403);
  }
}
