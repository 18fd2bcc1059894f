package io.sentinelpager.app;

import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.notify.WebPushChannel;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.security.VapidKeys;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.ServiceRunner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The embedded default that {@code pager demo} and {@code pager bench} run on: a broker and registry on this machine,
 * one emulated Azure tenant per connector, and every service, configured as the demo is. The first tenant is the
 * demo's connector; further ones are tenants of their own (their own emulator, tenant id and alerts), so that no
 * alert is read by two connectors.
 */
public final class EmbeddedPager implements AutoCloseable {

    /** A connector and the emulated tenant it reads. */
    public record Tenant(String connectorId, AzureEmulator azure) {
    }

    private final LocalCluster cluster;
    private final List<Tenant> tenants;
    private final DemoAccounts logins;
    private final ServiceContext context;
    private final ServiceRunner runner;

    private EmbeddedPager(LocalCluster cluster, List<Tenant> tenants, DemoAccounts logins, ServiceContext context,
                          ServiceRunner runner) {
        this.cluster = cluster;
        this.tenants = tenants;
        this.logins = logins;
        this.context = context;
        this.runner = runner;
    }

    /**
     * Starts everything and every service. Settings win in this order: {@code own}, the demo's, the cluster's,
     * {@code given}; the connectors' settings are the emulators' alone.
     *
     * @param given   the operator's settings (a --config file and the environment)
     * @param own     the command's settings (ports, inbox directory, poll interval)
     * @param tenants how many connectors, each reading an emulated tenant of its own (at least 1)
     * @param clock   the services' clock: the system's, or one the bench skips forward to make escalations due
     */
    public static EmbeddedPager start(PagerConfig given, Map<String, String> own, int tenants, Clock clock)
            throws IOException {
        LocalCluster cluster = LocalCluster.start();
        List<Tenant> started = new ArrayList<>();
        Path work = Files.createTempDirectory("pager-demo-");
        Map<String, String> connectors = new LinkedHashMap<>();
        for (int n = 1; n <= tenants; n++) {
            Tenant tenant = n == 1 ? new Tenant(DemoConnector.ID, AzureEmulator.start(EmulatorOptions.defaults()))
                    : new Tenant("tenant-" + n, AzureEmulator.start(otherTenant(n)));
            started.add(tenant);
            Path certificate = work.resolve(n == 1 ? "emulator-ca.pem" : "emulator-ca-" + n + ".pem");
            tenant.azure().writeCertificatePem(certificate);
            DemoConnector.seedWorkspace(tenant.azure());
            connectors.putAll(DemoConnector.settings(tenant.connectorId(), tenant.azure(), certificate));
        }
        DemoAccounts logins = DemoAccounts.write(work, List.of("analyst", "lead", "manager"), "manager");

        PagerConfig settings = given.with(cluster.settings()).with(Map.of(
                        "state.dir", work.resolve("state").toString(),
                        "responder.accounts.file", logins.file().toString(),
                        "ingest.poll.interval", "2s",
                        // Pages in the inbox carry one-click links (acknowledge, take ownership) the responder honours.
                        "links.key", logins.linksKey()))
                .with(own)
                .with(demoVapid(given))
                .with(connectors);
        ServiceContext context = ServiceContext.of(settings, io.micrometer.core.instrument.Metrics.globalRegistry,
                clock);
        ServiceRunner runner = ServiceRunner.start(settings, Services.ALL, clock);
        return new EmbeddedPager(cluster, List.copyOf(started), logins, context, runner);
    }

    /** The default options with a tenant id of their own, derived from n so that runs are alike. */
    private static EmulatorOptions otherTenant(int n) {
        EmulatorOptions d = EmulatorOptions.defaults();
        String tenantId = UUID.nameUUIDFromBytes(("sentinel-pager-tenant-" + n).getBytes()).toString();
        return new EmulatorOptions(d.host(), d.hostname(), d.port(), tenantId, d.clientId(), d.clientSecret(),
                d.tokenLifetime(), d.clock(), d.alertListing(), d.incidentPaging());
    }

    /**
     * A VAPID pair made at each start, so that the app's push opt-in works in the demo (browsers allow push from
     * http://127.0.0.1); phones subscribed in an earlier run must turn push on again. A pair in --config or the
     * environment wins.
     */
    private static Map<String, String> demoVapid(PagerConfig given) {
        if (given.optional(VapidKeys.PUBLIC_KEY).isPresent()) {
            return Map.of();
        }
        VapidKeys keys = VapidKeys.generate();
        return Map.of(VapidKeys.PUBLIC_KEY.name(), keys.publicKeyBase64(),
                VapidKeys.PRIVATE_KEY.name(), keys.privateKeyBase64().reveal(),
                WebPushChannel.Config.SUBJECT.name(), "mailto:demo@sentinel-pager.invalid");
    }

    /** Applies the on-call configuration in this directory, as {@code pager apply} does; false if it was refused. */
    public boolean apply(Path onCall, PrintStream out, PrintStream err) throws Exception {
        return ApplyCommand.apply(context, onCall, false, out, err);
    }

    public void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!runner.ready() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    public LocalCluster cluster() {
        return cluster;
    }

    public List<Tenant> tenants() {
        return tenants;
    }

    /** The demo's tenant, the first. */
    public AzureEmulator azure() {
        return tenants.get(0).azure();
    }

    DemoAccounts logins() {
        return logins;
    }

    public ServiceContext context() {
        return context;
    }

    public ServiceRunner runner() {
        return runner;
    }

    /** Services first, then the tenants, then the cluster they run on. */
    @Override
    public void close() {
        runner.close();
        tenants.forEach(t -> t.azure().close());
        cluster.close();
    }
}
