package io.sentinelpager.app;

import io.sentinelpager.enrich.EnrichApp;
import io.sentinelpager.enrich.EnrichConfig;
import io.sentinelpager.escalate.EscalateApp;
import io.sentinelpager.escalate.EscalateConfig;
import io.sentinelpager.ingest.IngestApp;
import io.sentinelpager.ingest.IngestConfig;
import io.sentinelpager.notify.NotifyApp;
import io.sentinelpager.notify.NotifyConfig;
import io.sentinelpager.platform.config.KnownKeys;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.PlatformConfig;
import io.sentinelpager.platform.service.ServiceFactory;
import io.sentinelpager.policy.PolicyApp;
import io.sentinelpager.policy.PolicyServiceConfig;
import io.sentinelpager.reports.ReportsApp;
import io.sentinelpager.reports.ReportsConfig;
import io.sentinelpager.responder.ResponderApp;
import io.sentinelpager.responder.ResponderConfig;
import io.sentinelpager.syncback.SyncbackApp;
import io.sentinelpager.syncback.SyncbackConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every service the pager command can run, in pipeline order, and every setting they read. */
public final class Services {

    private static final Logger log = LoggerFactory.getLogger(Services.class);

    public static final Map<String, ServiceFactory> ALL;

    /**
     * Every setting some service reads, and the
     * {@code PAGER_*} variables that are ours but not settings: the ./pager script's JVM options and the directory it
     * was run from, the log level in logback.xml and the demo registry's archive.
     */
    public static final KnownKeys SETTINGS = new KnownKeys(Stream.of(PlatformConfig.KEYS, IngestConfig.KEYS,
            EnrichConfig.KEYS, PolicyServiceConfig.KEYS, EscalateConfig.KEYS, NotifyConfig.KEYS, ResponderConfig.KEYS,
            SyncbackConfig.KEYS, ReportsConfig.KEYS)
            .flatMap(List::stream).toList(), Set.of("PAGER_JAVA_OPTS", PagerCommand.CALLER_DIR, "PAGER_LOG_LEVEL",
            "PAGER_REGISTRY_ARCHIVE"));

    static {
        Map<String, ServiceFactory> all = new LinkedHashMap<>();
        all.put(IngestApp.NAME, IngestApp::create);
        all.put(EnrichApp.NAME, EnrichApp::create);
        all.put(PolicyApp.NAME, PolicyApp::create);
        all.put(EscalateApp.NAME, EscalateApp::create);
        all.put(NotifyApp.NAME, NotifyApp::create);
        all.put(ResponderApp.NAME, ResponderApp::create);
        all.put(SyncbackApp.NAME, SyncbackApp::create);
        all.put(ReportsApp.NAME, ReportsApp::create);
        ALL = java.util.Collections.unmodifiableMap(all);
    }

    private Services() {
    }

    /**
     * The settings in this file (if any) and the environment. A setting in the file that no service reads stops
     * start-up before anything runs, since whoever wrote it believes it is in effect; an unknown {@code PAGER_*}
     * variable is only logged, as the environment is shared with other tools.
     */
    public static PagerConfig settings(Path file) {
        return settings(file == null ? List.of() : List.of(file));
    }

    /** The settings in these files, later ones winning, and the environment; checked as {@link #settings(Path)}. */
    public static PagerConfig settings(List<Path> files) {
        PagerConfig settings = PagerConfig.load(files, System.getenv());
        SETTINGS.check(settings, log::warn);
        return withResponderUrls(settings);
    }

    /**
     * notify's and escalate's responder URL (where links in messages and pages point), when not set, from the
     * responder's: its public URL, or its port on this host. One setting to change instead of three that must agree.
     */
    static PagerConfig withResponderUrls(PagerConfig settings) {
        Optional<String> publicUrl = settings.optional(ResponderConfig.PUBLIC_URL);
        String port = settings.string(ResponderConfig.PORT);
        if (publicUrl.isEmpty() && port.equals("0")) {
            return settings; // a port picked at start-up is known to the responder alone
        }
        String url = publicUrl.map(u -> u.replaceAll("/+$", "")).orElse("http://localhost:" + port);
        Map<String, String> derived = new LinkedHashMap<>();
        for (String key : List.of(NotifyConfig.RESPONDER_URL.name(), EscalateConfig.RESPONDER_URL.name())) {
            if (!settings.origins().containsKey(key)) {
                derived.put(key, url);
            }
        }
        return settings.with(derived);
    }

    /** The factories of the named services; "all" means every one. */
    public static Map<String, ServiceFactory> select(List<String> names) {
        if (names.contains("all")) {
            return ALL;
        }
        Map<String, ServiceFactory> out = new LinkedHashMap<>();
        for (String name : names) {
            ServiceFactory factory = ALL.get(name);
            if (factory == null) {
                throw new IllegalArgumentException("unknown service '" + name + "'; services are " + ALL.keySet() + " or all");
            }
            out.put(name, factory);
        }
        return out;
    }
}
