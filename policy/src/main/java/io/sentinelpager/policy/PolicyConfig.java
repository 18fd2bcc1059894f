package io.sentinelpager.policy;

import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;

/** Settings of the policy service. */
public record PolicyConfig(String defaultTeam, String defaultEscalationChain) {

    public static final ConfigKey DEFAULT_TEAM = ConfigKey.of("policy.default.team", "soc",
            "team that receives alerts no policy routes elsewhere");
    public static final ConfigKey DEFAULT_ESCALATION_CHAIN = ConfigKey.of("policy.default.escalation.chain", "default",
            "escalation chain of the default route");

    public static PolicyConfig from(PagerConfig config) {
        return new PolicyConfig(config.string(DEFAULT_TEAM), config.string(DEFAULT_ESCALATION_CHAIN));
    }
}
