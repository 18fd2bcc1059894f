package io.sentinelpager.policy;

import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the policy service: the default route and how long a routing decision is kept. Not to be confused with
 * a policy itself ({@code schemas.PolicyConfig}), which is configuration the service reads from its topic.
 */
public record PolicyServiceConfig(String defaultTeam, String defaultEscalationChain, Duration decisionRetention) {

    public static final ConfigKey DEFAULT_TEAM = ConfigKey.of("policy.default.team", "soc",
            "team that receives alerts no policy routes elsewhere");
    public static final ConfigKey DEFAULT_ESCALATION_CHAIN = ConfigKey.of("policy.default.escalation.chain", "default",
            "escalation chain of the default route");
    public static final ConfigKey DECISION_RETENTION = ConfigKey.of("policy.decisions.retention", "14d",
            "how long the routing of an alert's first record is kept for its later records; at least the retention"
                    + " of alerts.enriched, so that no record still readable there is routed afresh");

    /** Every setting policy reads beyond the platform's. */
    public static final List<ConfigKey> KEYS = List.of(DEFAULT_TEAM, DEFAULT_ESCALATION_CHAIN, DECISION_RETENTION);

    public static PolicyServiceConfig from(PagerConfig config) {
        return new PolicyServiceConfig(config.string(DEFAULT_TEAM), config.string(DEFAULT_ESCALATION_CHAIN),
                config.duration(DECISION_RETENTION));
    }
}
