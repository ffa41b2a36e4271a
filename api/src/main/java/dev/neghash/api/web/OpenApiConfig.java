package dev.neghash.api.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI description's header and the API-key scheme (served at /v3/api-docs, UI at /swagger-ui.html). */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

  @Bean
  OpenAPI neghashOpenApi() {
    return new OpenAPI()
        .info(new Info().title("NegHash API").version("v1")
            .description("LSH hard-negative mining as a service: datasets, streamed snapshot uploads (only packed "
                + "codes are kept), mining jobs with progress events, and their results. Errors are RFC 9457 "
                + "problem details whose type is urn:neghash:problem:<code>.")
            .license(new License().name("See the repository")))
        .components(new Components().addSecuritySchemes("apiKey",
            new SecurityScheme().type(SecurityScheme.Type.APIKEY).in(SecurityScheme.In.HEADER).name("X-API-Key")
                .description("Required on every /api call when the service is started with neghash.api-key")))
        .addSecurityItem(new SecurityRequirement().addList("apiKey"));
  }
}
