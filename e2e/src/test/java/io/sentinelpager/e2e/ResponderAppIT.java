package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.app.DemoConnector;
import io.sentinelpager.emulator.Fault;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.security.P256;
import io.sentinelpager.testkit.LocalClusterExtension;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The responder app in a real browser (Debian's Chromium, headless, at a phone's screen size) against the whole
 * pipeline: log in, see a new alert appear without reloading, acknowledge it, add a note, close it, and find the
 * Graph alert resolved with the note in the Azure emulator. Screenshots of the main screens go to
 * {@code target/screenshots}.
 *
 * <p>Needs /usr/bin/chromium and /usr/bin/chromedriver (packages chromium and chromium-driver), which .ci/run
 * installs; CI sets PAGER_REQUIRE_BROWSER=1 so that a missing browser fails the run instead of skipping this test.
 */
@ExtendWith(LocalClusterExtension.class)
class ResponderAppIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final Duration WAIT = Duration.ofSeconds(60);

    static Pipeline pipeline;
    WebDriver browser;
    Path profile;

    @BeforeAll
    static void start(LocalCluster cluster) throws Exception {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed && "1".equals(System.getenv("PAGER_REQUIRE_BROWSER"))) {
            throw new IllegalStateException("the browser tests need Debian's chromium and chromium-driver packages"
                    + " (apt-get install chromium chromium-driver); .ci/run installs them");
        }
        Assumptions.assumeTrue(installed, "Debian's chromium and chromium-driver are not installed; skipping the"
                + " browser tests (apt-get install chromium chromium-driver)");
        Files.createDirectories(SCREENSHOTS);
        pipeline = Pipeline.shared(cluster);
    }

    @BeforeEach
    void openBrowser() throws Exception {
        profile = Files.createTempDirectory("pager-chromium-");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
        // The flags keep Chromium off the network (this machine's is closed) and fit it to a container.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=390,844");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void anAnalystLogsInSeesANewAlertLiveAcknowledgesCommentsAndClosesIt() throws Exception {
        WebDriverWait wait = logIn("analyst");

        // A new alert in Defender, after the page was loaded: it must appear without a reload.
        ObjectNode sample = SampleAlerts.defenderEndpoint();
        String title = "Browser test " + UUID.randomUUID().toString().substring(0, 8);
        sample.put("title", title);
        ObjectNode stored = pipeline.azure.alerts().add(sample);
        String alertId = stored.get("id").asText();
        String key = DemoConnector.ID + ":" + alertId;
        By card = By.cssSelector("#alerts li[data-key='" + key + "'] a");
        wait.until(ExpectedConditions.visibilityOfElementLocated(card));
        assertThat(browser.findElement(card).getText()).contains(title)
                .containsIgnoringCase(stored.get("severity").asText() + " · triggered");
        screenshot("2-alerts");

        browser.findElement(card).click();
        wait.until(ExpectedConditions.textToBe(By.id("detail-title"), title));
        screenshot("3-detail");

        browser.findElement(By.id("act-ack")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-meta"), "acknowledged"));
        String note = "Isolated the host from the phone " + UUID.randomUUID().toString().substring(0, 8);
        browser.findElement(By.id("comment-text")).sendKeys(note);
        browser.findElement(By.id("comment-submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("timeline"), note));
        new Select(browser.findElement(By.id("close-classification"))).selectByValue("truePositive");
        browser.findElement(By.id("act-close")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-meta"), "closed"));
        screenshot("4-closed");

        await("Graph alert resolved with the note").atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
            JsonNode alert = pipeline.azure.alerts().get(alertId).orElseThrow();
            return "resolved".equals(alert.path("status").asText())
                    && alert.path("comments").toString().contains(note);
        });
        JsonNode alert = pipeline.azure.alerts().get(alertId).orElseThrow();
        assertThat(alert.path("classification").asText()).isEqualTo("truePositive");
        assertThat(alert.path("assignedTo").asText()).isEqualTo("analyst@contoso.example");

        browser.findElement(By.id("nav-oncall")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("oncall"), "Security Operations"));
        screenshot("5-oncall");
    }

    @Test
    void theReportsScreenChartsMyTeamsResponseOnAPhoneWithACsvOfEachTable() throws Exception {
        // A page acknowledged and closed as a false positive through the API, which the reports service counts.
        String key = pipeline.pagedAlert();
        for (String action : new String[] {"ack", "close"}) {
            HttpResponse<String> done = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + pipeline.responderPort() + "/api/alerts/" + key + "/" + action))
                    .header("Authorization", "Bearer " + pipeline.tokens.get("analyst"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"classification\":\"falsePositive\"}")));
            assertThat(done.statusCode()).as(action).isEqualTo(202);
            await(action + " applied").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> pipeline.status(key).equals(action.equals("ack") ? "acknowledged" : "closed"));
        }
        WebDriverWait wait = logIn("analyst");

        browser.findElement(By.id("nav-reports")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("reports-view")));
        // The team's row, with a time to resolve, once the reports service has counted the close.
        wait.until(driver -> {
            driver.navigate().refresh();
            new WebDriverWait(driver, Duration.ofSeconds(5)).until(ExpectedConditions
                    .presenceOfElementLocated(By.cssSelector("#reports-team tbody")));
            // The column MTTR p50 of a row of team soc.
            return driver.findElements(By.cssSelector("#reports-team tbody tr")).stream().anyMatch(row ->
                    row.getText().contains("soc") && !row.findElements(By.cssSelector("td")).get(5).getText()
                            .equals("–"));
        });
        assertThat(browser.findElement(By.id("reports-team")).getText()).contains("soc");
        assertThat(browser.findElements(By.cssSelector("#reports-chart svg rect"))).isNotEmpty();
        assertThat(browser.findElement(By.id("reports-noise")).getText()).contains("Download CSV");
        assertThat(browser.findElements(By.cssSelector("#reports-view a.csv"))).extracting(a -> a.getAttribute("href"))
                .anySatisfy(href -> assertThat(href).contains("/api/reports/rule-noise.csv"))
                .anySatisfy(href -> assertThat(href).contains("/api/reports/response.csv?dimension=team"));
        screenshot("12-reports");
    }

    @Test
    void aLiveUpdateChangesTheCardInPlaceSoATapLandsOnTheAlertTapped() throws Exception {
        WebDriverWait wait = logIn("analyst");
        ObjectNode sample = SampleAlerts.defenderEndpoint();
        String title = "Held card " + UUID.randomUUID().toString().substring(0, 8);
        sample.put("title", title);
        String key = DemoConnector.ID + ":" + pipeline.azure.alerts().add(sample).get("id").asText();
        By card = By.cssSelector("#alerts li[data-key='" + key + "'] a");
        WebElement held = wait.until(ExpectedConditions.visibilityOfElementLocated(card));

        // A colleague acknowledges from their own phone while this analyst's finger is on the card.
        HttpResponse<String> ack = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + pipeline.responderPort() + "/api/alerts/"
                                + URLEncoder.encode(key, StandardCharsets.UTF_8) + "/ack"))
                .header("Authorization", "Bearer " + pipeline.tokens.get("analyst"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ack.statusCode()).as(ack.body()).isEqualTo(202);

        // The very element found before the update shows the new status: it was updated, not rebuilt.
        wait.until(d -> held.getText().contains("acknowledged"));
        held.click();
        wait.until(ExpectedConditions.textToBe(By.id("detail-title"), title));
    }

    @Test
    void theDetailOfASentinelAlertShowsTheRuleQueryRowsOnAPhoneScreen() throws Exception {
        DemoConnector.seedWorkspace(pipeline.azure);
        String key = DemoConnector.ID + ":" + pipeline.azure.alerts().add(DemoConnector.sentinelSampleAlert())
                .get("id").asText();
        WebDriverWait wait = logIn("analyst");
        // The message's Open link, as a phone would follow it.
        browser.get("http://127.0.0.1:" + pipeline.responderPort() + "/alerts/"
                + java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#enrichment table tbody tr")));
        String enrichment = browser.findElement(By.id("enrichment")).getText();
        assertThat(enrichment).contains("Rule", "Query window", "jdoe@contoso.com", "203.0.113.7");
        assertThat(browser.findElements(By.cssSelector("#enrichment table tbody tr"))).hasSizeGreaterThanOrEqualTo(3);
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "document.getElementById('enrichment').scrollIntoView()");
        screenshot("6-enrichment");
    }

    @Test
    void aPageAMaintenanceWindowSuppressedCanBeClosedIntoAzureFromThePhone(@TempDir Path dir) throws Exception {
        // This test's own policy, before the examples: alerts whose title carries the marker fall in a suppressing
        // maintenance window. Nothing else matches it, so the other tests on the shared pipeline route as before.
        String marker = "suppressed-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now();
        pipeline.applyExamplesWith(dir, "maintenance.yaml", """
                policies:
                  - id: %s
                    name: This test's alerts arrive during a pen test
                    order: 1
                    when: {title: {contains: %s}}
                    route: {team: soc, escalation: default, urgency: high}
                    maintenance:
                      - {from: "%s", to: "%s", mode: suppress, reason: pen test}
                """.formatted(marker, marker, now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1))));
        ObjectNode sample = SampleAlerts.defenderEndpoint();
        sample.put("title", "Pen test " + marker);
        String alertId = pipeline.azure.alerts().add(sample).get("id").asText();
        String key = DemoConnector.ID + ":" + alertId;
        await("suppressed page").atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> "closed".equals(status(key)));

        WebDriverWait wait = logIn("analyst");
        browser.get("http://127.0.0.1:" + pipeline.responderPort() + "/alerts/"
                + URLEncoder.encode(key, StandardCharsets.UTF_8));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-meta"), "closed"));
        // Closed here, still new in Defender: Close is what resolves it there; reopen would page people.
        assertThat(browser.findElement(By.id("act-close")).isEnabled()).isTrue();
        assertThat(browser.findElement(By.id("act-own")).isEnabled()).isFalse();
        screenshot("7-suppressed");

        new Select(browser.findElement(By.id("close-classification"))).selectByValue("falsePositive");
        browser.findElement(By.id("act-close")).click();
        await("Graph alert resolved").atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() ->
                "resolved".equals(pipeline.azure.alerts().get(alertId).orElseThrow().path("status").asText()));
        assertThat(pipeline.azure.alerts().get(alertId).orElseThrow().path("classification").asText())
                .isEqualTo("falsePositive");
        // Nothing left open in Azure: Close goes grey like on any closed page.
        wait.until(ExpectedConditions.not(ExpectedConditions.elementToBeClickable(By.id("act-close"))));
    }

    @Test
    void aWriteBackAzureRefusesShowsOnTheAlertAndItsCardNamingTheMissingPermission() throws Exception {
        String key = pipeline.pagedAlert();
        WebDriverWait wait = logIn("analyst");
        openAlert(wait, key);
        // Nothing written to Azure yet, so nothing said about it.
        assertThat(browser.findElement(By.id("detail-azure")).isDisplayed()).isFalse();

        pipeline.azure.faults().revoke("graph.alerts.patch");
        try {
            browser.findElement(By.id("act-ack")).click();
            // Azure refuses after the acknowledgement is shown; the analyst sees it on the same screen, no reload.
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-azure"), "refused our update"));
            assertThat(browser.findElement(By.id("detail-azure")).getText())
                    .startsWith("Azure:").contains("403").contains("SecurityAlert.ReadWrite.All");
            assertThat(browser.findElement(By.id("detail-meta")).getText()).contains("acknowledged");
            screenshot("8-azure-refused");

            browser.findElement(By.cssSelector("#detail-view .back")).click();
            wait.until(ExpectedConditions.textToBe(azureOnCard(key), "Azure refused the update"));
            screenshot("9-azure-refused-card");
        } finally {
            pipeline.azure.faults().grant("graph.alerts.patch");
        }
    }

    @Test
    void whileAzureIsDownTheAlertSaysItWillRetryThenThatAzureIsUpToDate() throws Exception {
        String key = pipeline.pagedAlert();
        WebDriverWait wait = logIn("analyst");
        pipeline.azure.faults().inject("graph.alerts.patch", Fault.unavailable(Duration.ZERO).percent(100));
        try {
            openAlert(wait, key);
            browser.findElement(By.id("act-ack")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-azure"), "not updated yet"));
            assertThat(browser.findElement(By.id("detail-azure")).getText()).contains("next try").contains("503");
            screenshot("10-azure-retrying");

            browser.findElement(By.cssSelector("#detail-view .back")).click();
            wait.until(ExpectedConditions.textToBe(azureOnCard(key), "Azure not updated yet, retrying"));
            browser.findElement(By.cssSelector("#alerts li[data-key='" + key + "'] a")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-azure"), "not updated yet"));
        } finally {
            pipeline.azure.faults().clear();
        }
        // The next retry reaches Azure: the line the analyst is looking at changes (the very element: no reload).
        WebElement line = browser.findElement(By.id("detail-azure"));
        wait.until(d -> line.getText().startsWith("Azure: up to date"));
        screenshot("11-azure-up-to-date");

        browser.findElement(By.cssSelector("#detail-view .back")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#alerts li[data-key='" + key + "']")));
        wait.until(ExpectedConditions.numberOfElementsToBe(azureOnCard(key), 0));
    }

    /**
     * Logging out asks whether this phone should stop getting pages, and removes its subscription when told to. Headless
     * Chromium cannot subscribe: pushManager.subscribe() registers with Google's push service, which this machine's
     * closed network never reaches (tried: it neither resolves nor rejects within 30 s). So the browser's own PushManager is given the subscription a phone would have, as
     * a script run before the app's, while the server holds that phone and another one of the same person for real.
     */
    @Test
    void loggingOutOfAPhoneThatGetsPagesAsksWhetherToStopThemAndRemovesOnlyThatPhone() throws Exception {
        String user = "auditor"; // in no team of the example config, so nothing is ever pushed to these endpoints
        String phone = Pipeline.PUSH_ORIGIN + "/send/" + UUID.randomUUID();
        String otherPhone = Pipeline.PUSH_ORIGIN + "/send/" + UUID.randomUUID();
        int before = pushSubscriptions(user);
        for (String endpoint : new String[] {phone, otherPhone}) {
            assertThat(pushApi(user, "POST", "{\"endpoint\":\"" + endpoint + "\",\"keys\":{\"p256dh\":\""
                    + P256.base64url(P256.encode((ECPublicKey) P256.generate().getPublic()))
                    + "\",\"auth\":\"AAECAwQFBgcICQoLDA0ODw\"}}").statusCode()).isEqualTo(201);
        }
        await("both phones subscribed").atMost(WAIT).until(() -> pushSubscriptions(user) == before + 2);
        ((ChromeDriver) browser).executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
                window.unsubscribed = false;
                PushManager.prototype.getSubscription = async () => window.unsubscribed ? null : {
                  endpoint: '%s', options: {}, toJSON() { return { endpoint: this.endpoint }; },
                  unsubscribe: async () => { window.unsubscribed = true; return true; } };
                """.formatted(phone)));

        WebDriverWait wait = logIn(user);
        browser.findElement(By.id("logout")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("logout-choice")));
        screenshot("6-logout-choice");
        browser.findElement(By.id("logout-keep-push")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-view")));
        assertThat(pushSubscriptions(user)).as("pages kept on this phone").isEqualTo(before + 2);

        logIn(user);
        browser.findElement(By.id("logout")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("logout-stop-push"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-view")));
        assertThat(((ChromeDriver) browser).executeScript("return window.unsubscribed"))
                .as("the browser's subscription is dropped too").isEqualTo(true);
        await("this phone's subscription removed").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> pushSubscriptions(user) == before + 1);
        assertThat(pushApi(user, "DELETE", "{\"endpoint\":\"" + otherPhone + "\"}").statusCode()).isEqualTo(204);
        assertThat(send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.responderPort()
                + "/api/me"))).statusCode()).isEqualTo(401);
    }

    @Test
    void theScheduleScreenShowsTwoWeeksOfShiftsAndCoveringOneMarksItAsAnOverride() throws Exception {
        WebDriverWait wait = logIn("lead");
        browser.findElement(By.id("nav-schedule")).click();
        By days = By.cssSelector("#schedules section[data-schedule='soc-primary'] .day");
        // Every local day that the next 14 days touch: today's rest, 13 whole days and the start of the 15th.
        wait.until(ExpectedConditions.numberOfElementsToBe(days, 15));
        // The weekly rotation hands off within any 14 days: both people have a shift, and the hand-off shows.
        assertThat(browser.findElement(By.cssSelector("#schedules section[data-schedule='soc-primary'] .shifts"))
                .getText()).contains("Lee Lead").contains("Alex Analyst");
        assertThat(browser.findElements(By.cssSelector("section[data-schedule='soc-primary'] .shift.handoff")))
                .isNotEmpty();
        screenshot("12-schedule");

        // Lead covers the analyst's last shift of the fortnight: the app shows it as an override.
        List<WebElement> cover = browser.findElements(By.xpath("//section[@data-schedule='soc-primary']"
                + "//button[text()='Cover this shift']"));
        assertThat(cover).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("section[data-schedule='soc-primary'] .shift.override")))
                .isEmpty();
        cover.get(cover.size() - 1).click();
        try {
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Done: lead is on call"));
            wait.until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("section[data-schedule='soc-primary'] .shift.override")));
            screenshot("13-schedule-override");
        } finally {
            // The shared pipeline's other tests page the rotation as the YAML has it.
            JsonNode overrides = new com.fasterxml.jackson.databind.ObjectMapper().readTree(send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + pipeline.responderPort() + "/api/overrides"))
                    .header("Authorization", "Bearer " + pipeline.tokens.get("manager"))).body());
            for (JsonNode o : overrides) {
                if (o.path("createdBy").asText().equals("lead")) {
                    assertThat(send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.responderPort()
                            + "/api/overrides/" + o.path("id").asText())).DELETE()
                            .header("Authorization", "Bearer " + pipeline.tokens.get("manager"))).statusCode())
                            .isEqualTo(204);
                }
            }
        }
    }

    @Test
    void aBrowserWithoutPagesLogsOutWithoutBeingAsked() throws Exception {
        WebDriverWait wait = logIn("lead");
        browser.findElement(By.id("logout")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-view")));
        assertThat(browser.findElement(By.id("logout-choice")).isDisplayed()).isFalse();
    }

    @Test
    void aWrongPasswordIsRefusedOnTheLoginForm() {
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        browser.get("http://127.0.0.1:" + pipeline.responderPort() + "/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-user"))).sendKeys("lead");
        browser.findElement(By.id("login-password")).sendKeys("not the password");
        browser.findElement(By.id("login-submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-error"), "wrong user name or password"));
        assertThat(browser.findElement(By.id("list-view")).isDisplayed()).isFalse();
    }

    /** A page's status as the analyst's API token sees it; empty until the responder has the page. */
    private static String status(String key) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + pipeline.responderPort() + "/api/alerts/"
                                + URLEncoder.encode(key, StandardCharsets.UTF_8)))
                .header("Authorization", "Bearer " + pipeline.tokens.get("analyst")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200
                ? new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).path("status").asText() : "";
    }

    /** How many push subscriptions the person has, as the API counts them. */
    private static int pushSubscriptions(String user) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + pipeline.responderPort() + "/api/push/subscriptions"))
                .header("Authorization", "Bearer " + pipeline.tokens.get(user)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).path("count").asInt();
    }

    private static HttpResponse<String> pushApi(String user, String method, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.responderPort()
                        + "/api/push/subscriptions")).header("Authorization", "Bearer " + pipeline.tokens.get(user))
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Opens the alert as a message's Open link does, and waits for its detail. */
    private void openAlert(WebDriverWait wait, String key) {
        browser.get("http://127.0.0.1:" + pipeline.responderPort() + "/alerts/"
                + URLEncoder.encode(key, StandardCharsets.UTF_8));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-meta"), "triggered"));
    }

    /** Where the alert's card says that Azure does not have the response. */
    private static By azureOnCard(String key) {
        return By.cssSelector("#alerts li[data-key='" + key + "'] .azure");
    }

    /** Logs in through the app's form, as a person would, and waits for the alert list. */
    private WebDriverWait logIn(String user) throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        browser.get("http://127.0.0.1:" + pipeline.responderPort() + "/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-user"))).sendKeys(user);
        browser.findElement(By.id("login-password")).sendKeys(pipeline.password);
        screenshot("1-login");
        browser.findElement(By.id("login-submit")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("list-view")));
        return wait;
    }

    private void screenshot(String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
