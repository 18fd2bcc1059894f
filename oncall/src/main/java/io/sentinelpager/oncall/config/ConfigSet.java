package io.sentinelpager.oncall.config;

import io.sentinelpager.schemas.EscalationChainConfig;
import io.sentinelpager.schemas.PolicyConfig;
import io.sentinelpager.schemas.ScheduleConfig;
import io.sentinelpager.schemas.TeamConfig;
import io.sentinelpager.schemas.UserConfig;
import java.util.List;

/** Everything a configuration directory defines, as the records published to the config topics. */
public record ConfigSet(List<UserConfig> users, List<TeamConfig> teams, List<ScheduleConfig> schedules,
                        List<EscalationChainConfig> escalations, List<PolicyConfig> policies) {

    public ConfigSet {
        users = List.copyOf(users);
        teams = List.copyOf(teams);
        schedules = List.copyOf(schedules);
        escalations = List.copyOf(escalations);
        policies = List.copyOf(policies);
    }

    public int size() {
        return users.size() + teams.size() + schedules.size() + escalations.size() + policies.size();
    }
}
