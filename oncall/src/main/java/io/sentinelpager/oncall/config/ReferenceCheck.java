package io.sentinelpager.oncall.config;

import io.sentinelpager.oncall.config.Definitions.Located;
import io.sentinelpager.schemas.EntraIdentity;
import io.sentinelpager.schemas.EscalationChainConfig;
import io.sentinelpager.schemas.EscalationTarget;
import io.sentinelpager.schemas.PolicyConfig;
import io.sentinelpager.schemas.RotationLayer;
import io.sentinelpager.schemas.ScheduleConfig;
import io.sentinelpager.schemas.ScheduleOverride;
import io.sentinelpager.schemas.TeamConfig;
import io.sentinelpager.schemas.UserConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What can only be checked once every file is read, as any file may refer to an object of another: that every id an
 * object names is defined, that no two policies share an order, and that no two users are the same Entra ID person.
 */
final class ReferenceCheck {

    private final Definitions defined;
    private final List<Problem> problems;

    private ReferenceCheck(Definitions defined, List<Problem> problems) {
        this.defined = defined;
        this.problems = problems;
    }

    static void run(Definitions defined, List<Problem> problems) {
        ReferenceCheck check = new ReferenceCheck(defined, problems);
        check.users();
        check.teams();
        check.schedules();
        check.escalations();
        check.policies();
    }

    /** One person signs in as one user: with two, which of them the responder picked would depend on file order. */
    private void users() {
        Map<EntraIdentity, String> people = new HashMap<>();
        for (Located<UserConfig> user : defined.users.values()) {
            EntraIdentity entra = user.value().getEntra();
            String other = entra == null ? null : people.putIfAbsent(entra, user.value().getId());
            if (other != null) {
                problems.add(user.file().problem(user.pointer() + "/entra", "user " + user.value().getId()
                        + ": entra {tenant: " + entra.getTenantId() + ", object: " + entra.getObjectId()
                        + "} is also user " + other + "'s; one person signs in as one user"));
            }
        }
    }

    private void teams() {
        for (Located<TeamConfig> team : defined.teams.values()) {
            TeamConfig t = team.value();
            for (String member : t.getMembers()) {
                requireExists(defined.users, member, "user", team, "/members", "team " + t.getId() + ": member");
            }
            for (String schedule : t.getScheduleIds()) {
                requireExists(defined.schedules, schedule, "schedule", team, "/schedules",
                        "team " + t.getId() + ": schedule");
            }
            if (t.getEscalationChainId() != null) {
                requireExists(defined.escalations, t.getEscalationChainId(), "escalation chain", team, "/escalation",
                        "team " + t.getId() + ": escalation");
            }
        }
    }

    private void schedules() {
        for (Located<ScheduleConfig> schedule : defined.schedules.values()) {
            for (RotationLayer layer : schedule.value().getLayers()) {
                for (String participant : layer.getParticipants()) {
                    requireExists(defined.users, participant, "user", schedule, "", "schedule "
                            + schedule.value().getId() + ": participant");
                }
            }
            for (ScheduleOverride o : schedule.value().getOverrides()) {
                requireExists(defined.users, o.getUser(), "user", schedule, "/overrides", "schedule "
                        + schedule.value().getId() + ": override user");
            }
        }
    }

    private void escalations() {
        for (Located<EscalationChainConfig> chain : defined.escalations.values()) {
            for (int s = 0; s < chain.value().getSteps().size(); s++) {
                for (EscalationTarget target : chain.value().getSteps().get(s).getTargets()) {
                    String where = "escalation chain " + chain.value().getId() + " step " + (s + 1) + ":";
                    switch (target.getKind()) {
                        case USER -> requireExists(defined.users, target.getId(), "user", chain, "/steps/" + s,
                                where + " user");
                        case SCHEDULE -> requireExists(defined.schedules, target.getId(), "schedule", chain,
                                "/steps/" + s, where + " schedule");
                        default -> requireExists(defined.teams, target.getId(), "team", chain, "/steps/" + s,
                                where + " team");
                    }
                }
            }
        }
    }

    private void policies() {
        Map<Integer, String> orders = new HashMap<>();
        for (Located<PolicyConfig> policy : defined.policies.values()) {
            PolicyConfig p = policy.value();
            if (!p.getSuppress()) {
                requireExists(defined.teams, p.getTeamId(), "team", policy, "/route/team",
                        "policy " + p.getId() + ": team");
                if (!p.getEscalationChainId().isEmpty()) {
                    requireExists(defined.escalations, p.getEscalationChainId(), "escalation chain", policy,
                            "/route/escalation", "policy " + p.getId() + ": escalation");
                }
            }
            String other = orders.putIfAbsent(p.getOrder(), p.getId());
            if (other != null) {
                problems.add(policy.file().problem(policy.pointer() + "/order", "policy " + p.getId() + ": order "
                        + p.getOrder() + " is also the order of policy " + other + "; policies are tried in order,"
                        + " so each needs its own"));
            }
        }
    }

    private <T> void requireExists(Map<String, Located<T>> map, String id, String kind, Located<?> from,
                                   String pointer, String what) {
        if (!map.containsKey(id)) {
            problems.add(from.file().problem(from.pointer() + pointer, what + " '" + id + "' is not a defined " + kind
                    + (map.isEmpty() ? "" : "; defined: " + String.join(", ", map.keySet()))));
        }
    }
}
