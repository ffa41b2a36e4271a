package dev.neghash.api.dashboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The system's Chromium, headless, driven by the system's chromedriver (so Selenium Manager never
 * downloads anything), in a laptop-sized window, with a fresh profile. Screenshots go to
 * {@code target/screenshots}.
 */
final class HeadlessChromium implements AutoCloseable {

  /** Laptop screen: the size the dashboard is designed for. */
  static final int WIDTH = 1366;
  static final int HEIGHT = 768;

  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final ChromeDriver driver;
  private final ChromeDriverService service;
  private final Path profile;

  private HeadlessChromium(ChromeDriver driver, ChromeDriverService service, Path profile) {
    this.driver = driver;
    this.service = service;
    this.profile = profile;
  }

  /** Starts Chromium; skips the calling test (fails it under CI) when Chromium or chromedriver is missing. */
  static HeadlessChromium start() throws IOException {
    Path chromium = Tools.require("Chromium", "apt-get install chromium chromium-driver", "NEGHASH_CHROMIUM",
        new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser"}, "chromium", "chromium-browser");
    Path chromedriver = Tools.require("chromedriver", "apt-get install chromium-driver", "NEGHASH_CHROMEDRIVER",
        new String[] {"/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"}, "chromedriver");
    Path profile = Tools.tempDir("neghash-chromium-");
    ChromeOptions o = new ChromeOptions();
    o.setBinary(chromium.toFile());
    // The test machine has no internet: without the background-networking switches Chromium keeps
    // trying to reach Google's services and floods the log with refused connections.
    o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-default-apps", "--disable-extensions", "--user-data-dir=" + profile,
        "--window-size=" + WIDTH + "," + HEIGHT, "--force-device-scale-factor=1", "--lang=en-US");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    o.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(chromedriver.toFile())
        .usingAnyFreePort()
        .build();
    ChromeDriver driver = null;
    try {
      driver = new ChromeDriver(service, o);
      driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
      Files.createDirectories(SCREENSHOTS);
      return new HeadlessChromium(driver, service, profile);
    } catch (RuntimeException | IOException e) {
      // Do not leave a browser behind when the start fails half way.
      if (driver != null) {
        driver.quit();
      }
      service.stop();
      throw e;
    }
  }

  WebDriver driver() {
    return driver;
  }

  /**
   * Waits up to {@code seconds} for {@code condition} to give a non-null, non-false value; an
   * element the page re-rendered while the condition read it counts as not yet.
   */
  <T> T await(int seconds, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, Duration.ofSeconds(seconds), Duration.ofMillis(50))
        .ignoring(StaleElementReferenceException.class).until(condition);
  }

  /**
   * Types {@code row} into the job view's anchor field and waits up to {@code seconds} for the
   * anchor view's text to start with {@code heading}.
   */
  void showAnchor(int row, int seconds, String heading) {
    WebElement input = byId("anchor-row");
    input.clear();
    input.sendKeys(Integer.toString(row), Keys.ENTER);
    await(seconds, d -> d.findElement(By.cssSelector("#anchor-view")).getText().startsWith(heading));
  }

  WebElement byId(String id) {
    return driver.findElement(By.id(id));
  }

  /** Runs a script in the page and returns its result. */
  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Runs an async script (its last argument is the callback). */
  Object jsAsync(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
  }

  /** Saves a screenshot of the window as {@code target/screenshots/<name>.png}. */
  Path screenshot(String name) throws IOException {
    Path f = SCREENSHOTS.resolve(name + ".png");
    Files.write(f, driver.getScreenshotAs(OutputType.BYTES));
    return f;
  }

  /** JavaScript errors the page logged (uncaught exceptions, failed module loads), as text. */
  List<String> scriptErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        // Responses the tests provoke on purpose (401 without a key, 400 for bad input) are logged by
        // Chromium as failed resource loads; they are not script errors.
        .filter(m -> !m.contains("Failed to load resource"))
        .toList();
  }

  /** Simulates dropping a file with these bytes on the element {@code zoneId}, as drag and drop does. */
  void dropFile(String zoneId, String fileName, byte[] bytes) {
    js("""
        const [zoneId, name, b64] = arguments;
        const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bin], name, { type: 'application/octet-stream' }));
        const zone = document.getElementById(zoneId);
        for (const type of ['dragenter', 'dragover', 'drop']) {
          zone.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
        }
        """, zoneId, fileName, java.util.Base64.getEncoder().encodeToString(bytes));
  }

  /** Window size as the page sees it. */
  @SuppressWarnings("unchecked")
  Map<String, Long> viewport() {
    return (Map<String, Long>) js("return {width: window.innerWidth, height: window.innerHeight};");
  }

  @Override
  public void close() throws IOException {
    try {
      driver.quit();
    } finally {
      service.stop();
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
