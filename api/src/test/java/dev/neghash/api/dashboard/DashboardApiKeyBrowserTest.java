package dev.neghash.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The dashboard against a service started with an API key, in headless Chromium: the page asks
 * for the key, shows the service's message for a wrong one, works with the right one (lists and
 * the event stream), and keeps it for the rest of the browser session.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "neghash.api-key=" + DashboardApiKeyBrowserTest.KEY, "neghash.threads=2",
    // Far beyond the waits below: the stream must show itself open without a heartbeat's help.
    "neghash.events.heartbeat=10m"})
@Timeout(300)
class DashboardApiKeyBrowserTest {

  static final String KEY = "s3cret-dashboard-key";

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry r) throws Exception {
    Tools.tempDataDir(r, "neghash-browser-key-test-");
  }

  @LocalServerPort int port;

  @Test
  void asksForTheKeyOnceAndKeepsItForTheSession() throws Exception {
    try (HeadlessChromium chromium = HeadlessChromium.start()) {
      chromium.driver().get("http://127.0.0.1:" + port + "/");
      WebElement dialog = chromium.byId("key-dialog");
      chromium.await(30, d -> dialog.getDomAttribute("open") != null);
      assertThat(chromium.byId("key-message").getText()).isEqualTo("this service needs an API key in the X-API-Key header");
      assertThat(chromium.byId("live").getDomAttribute("data-status")).isNotEqualTo("live");
      // Focus starts in the key field: type and press Enter, no mouse needed.
      assertThat(chromium.js("return document.activeElement.id")).isEqualTo("key-input");
      chromium.screenshot("09-api-key-prompt");

      chromium.driver().switchTo().activeElement().sendKeys("wrong-key", Keys.ENTER);
      chromium.await(30, d -> chromium.byId("key-message").getText().equals("the API key in the X-API-Key header is not valid")
          && dialog.getDomAttribute("open") != null);
      chromium.driver().switchTo().activeElement().sendKeys(KEY, Keys.ENTER);
      chromium.await(30, d -> dialog.getDomAttribute("open") == null);
      chromium.await(30, d -> chromium.byId("datasets-empty").isDisplayed());
      chromium.await(30, d -> "live".equals(chromium.byId("live").getDomAttribute("data-status")));
      assertThat(chromium.byId("forget-key").isDisplayed()).isTrue();
      assertThat(chromium.byId("toast").isDisplayed()).isFalse();
      // A reload in the same tab keeps the key: no second prompt.
      chromium.driver().navigate().refresh();
      chromium.await(30, d -> "live".equals(chromium.byId("live").getDomAttribute("data-status")));
      chromium.await(30, d -> chromium.byId("datasets-empty").isDisplayed());
      assertThat(chromium.byId("key-dialog").getDomAttribute("open")).isNull();
      // Forgetting it brings the prompt back; cancelling leaves a way to enter it later.
      chromium.byId("forget-key").click();
      chromium.await(30, d -> d.findElement(By.id("key-dialog")).getDomAttribute("open") != null);
      chromium.byId("key-cancel").click();
      chromium.await(30, d -> chromium.byId("enter-key").isDisplayed());
      chromium.await(30, d -> chromium.byId("toast").isDisplayed());
      assertThat(chromium.byId("toast-text").getText())
          .isEqualTo("Could not load from the service: this service needs an API key in the X-API-Key header");
      assertThat(chromium.scriptErrors()).isEmpty();
    }
  }
}
