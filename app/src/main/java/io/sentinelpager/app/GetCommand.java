package io.sentinelpager.app;

import io.sentinelpager.schemas.PolicyConfig;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code pager get policies}: what is live on the config topics. */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Print what is live: users, teams, schedules, escalations or policies.")
final class GetCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "KIND", description = "users, teams, schedules, escalations or policies")
    String kind;

    @CommandLine.Mixin
    ClusterOptions cluster;

    @Override
    public Integer call() {
        String topic = "config." + kind;
        if (LiveConfig.TOPICS.stream().noneMatch(t -> t.name().equals(topic))) {
            System.err.println("unknown kind '" + kind + "'; kinds are users, teams, schedules, escalations, policies");
            return 2;
        }
        Map<String, SpecificRecord> live = LiveConfig.read(cluster.context()).get(topic);
        if (kind.equals("policies")) {
            System.out.printf("%-6s %-24s %-4s %-8s %s%n", "ORDER", "ID", "VER", "ENABLED", "ACTION");
            live.values().stream().map(PolicyConfig.class::cast)
                    .sorted(java.util.Comparator.comparingInt(PolicyConfig::getOrder))
                    .forEach(p -> System.out.printf("%-6d %-24s %-4d %-8s %s%n", p.getOrder(), p.getId(), p.getVersion(),
                            p.getEnabled(), p.getSuppress() ? "suppress: " + p.getSuppressReason()
                                    : "route to " + p.getTeamId() + " via " + p.getEscalationChainId() + " ("
                                    + p.getUrgency().name().toLowerCase() + ")"));
        } else {
            live.values().forEach(System.out::println);
        }
        return 0;
    }
}
