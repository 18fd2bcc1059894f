package io.sentinelpager.app;

import io.sentinelpager.enrich.EnrichApp;
import io.sentinelpager.escalate.EscalateApp;
import io.sentinelpager.ingest.IngestApp;
import io.sentinelpager.notify.NotifyApp;
import io.sentinelpager.platform.service.ServiceFactory;
import io.sentinelpager.policy.PolicyApp;
import io.sentinelpager.responder.ResponderApp;
import io.sentinelpager.syncback.SyncbackApp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every service the pager command can run, in pipeline order. */
public final class Services {

    public static final Map<String, ServiceFactory> ALL;

    static {
        Map<String, ServiceFactory> all = new LinkedHashMap<>();
        all.put(IngestApp.NAME, IngestApp::create);
        all.put(EnrichApp.NAME, EnrichApp::create);
        all.put(PolicyApp.NAME, PolicyApp::create);
        all.put(EscalateApp.NAME, EscalateApp::create);
        all.put(NotifyApp.NAME, NotifyApp::create);
        all.put(ResponderApp.NAME, ResponderApp::create);
        all.put(SyncbackApp.NAME, SyncbackApp::create);
        ALL = java.util.Collections.unmodifiableMap(all);
    }

    private Services() {
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
