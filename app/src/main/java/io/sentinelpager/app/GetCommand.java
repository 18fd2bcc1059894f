package io.sentinelpager.app;

import io.sentinelpager.schemas.AppOverride;
import io.sentinelpager.schemas.PolicyConfig;
import io.sentinelpager.schemas.TopicSpec;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code pager get policies}: what is live on the config topics, also the overrides made in the responder app, which
 * the YAML files do not hold.
 */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Print what is live: users, teams, schedules, escalations, policies or overrides.")
final class GetCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "KIND",
            description = "users, teams, schedules, escalations, policies or overrides (made in the app)")
    String kind;

    @CommandLine.Mixin
    ClusterOptions cluster;

    @Override
    public Integer call() {
        String topic = "config." + kind;
        if (Stream.concat(LiveConfig.TOPICS.stream(), LiveConfig.APP_TOPICS.stream()).map(TopicSpec::name)
                .noneMatch(topic::equals)) {
            System.err.println("unknown kind '" + kind + "'; kinds are users, teams, schedules, escalations, policies,"
                    + " overrides");
            return 2;
        }
        Map<String, SpecificRecord> live = LiveConfig.read(cluster.context(), topic);
        if (kind.equals("policies")) {
            System.out.printf("%-6s %-24s %-4s %-8s %s%n", "ORDER", "ID", "VER", "ENABLED", "ACTION");
            live.values().stream().map(PolicyConfig.class::cast)
                    .sorted(Comparator.comparingInt(PolicyConfig::getOrder))
                    .forEach(p -> System.out.printf("%-6d %-24s %-4d %-8s %s%n", p.getOrder(), p.getId(), p.getVersion(),
                            p.getEnabled(), p.getSuppress() ? "suppress: " + p.getSuppressReason()
                                    : "route to " + p.getTeamId() + " via " + p.getEscalationChainId() + " ("
                                    + p.getUrgency().name().toLowerCase() + ")"));
        } else if (kind.equals("overrides")) {
            System.out.printf("%-36s %-16s %-20s %-20s %-16s %-16s %s%n", "ID", "SCHEDULE", "START", "END", "ON CALL",
                    "HANDED BY", "MADE BY, AT");
            live.values().stream().map(AppOverride.class::cast).sorted(Comparator.comparing(AppOverride::getStart))
                    .forEach(o -> System.out.printf("%-36s %-16s %-20s %-20s %-16s %-16s %s, %s%n", o.getId(),
                            o.getScheduleId(), o.getStart(), o.getEnd(), o.getUser(),
                            o.getReplaces() == null ? "-" : o.getReplaces(), o.getCreatedBy(), o.getCreatedAt()));
        } else {
            live.values().forEach(System.out::println);
        }
        return 0;
    }
}
