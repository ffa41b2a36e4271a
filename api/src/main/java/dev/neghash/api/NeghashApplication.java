package dev.neghash.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The NegHash HTTP service: datasets, streamed snapshot uploads, mining jobs and their results. */
// Clients authenticate with API keys (see SecurityConfig): no user accounts, so no generated password.
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
@EnableScheduling
@EnableConfigurationProperties(NeghashProperties.class)
public class NeghashApplication {

  /** Starts the service from its command line (see {@link ServiceArguments}). */
  public static void main(String[] args) {
    String[] spring = ServiceArguments.toSpring(args);
    if (spring == null) {
      System.out.print(ServiceArguments.USAGE);
      return;
    }
    start(spring);
  }

  /** Starts the service with Spring Boot command-line arguments ({@code --name=value}). */
  public static ConfigurableApplicationContext start(String... args) {
    SpringApplication app = new SpringApplication(NeghashApplication.class);
    return app.run(args);
  }
}
