package io.sentinelpager.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.ConnectorHealth;
import io.sentinelpager.schemas.ConnectorState;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.SourceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * "Monitor the monitor" for one connector: its last successful poll, how stale that is, and its last error, as
 * metrics and as {@link ConnectorHealth} records. When the connector has failed for longer than the outage
 * threshold, an alert of our own (source PAGER, severity high) is raised on alerts.raw and routed like any other;
 * when the connector recovers, a SOURCE_STATUS_CHANGED resolved action closes it.
 *
 * <p>The outage alert's id is derived from when the failing began, and that time is restored from connector.health
 * at start: an ingest restart during an outage keeps the one page, while a later, separate outage gets a page of its
 * own (a closed page is not reopened by an alert with the same key).
 */
final class ConnectorHealthTracker implements AutoCloseable {

    /** The alert id prefix of outage alerts; the connector's own alerts have Graph ids, which never start so. */
    static final String OUTAGE_ALERT_PREFIX = "pager-connector-down-";
    private static final int MAX_ERROR = 1000;

    private final String connectorId;
    private final String instanceId;
    private final Duration outageThreshold;
    private final MeterRegistry metrics;
    private final List<Meter> meters = new ArrayList<>();
    private final Counter failures;
    private Instant lastSuccessAt;
    private Instant lastAttemptAt;
    private String lastError;
    private Instant lastErrorAt;
    private int consecutiveFailures;
    private Instant failingSince;
    private String outageAlertKey;
    private volatile double lagSeconds;

    ConnectorHealthTracker(String connectorId, String instanceId, Duration outageThreshold, MeterRegistry metrics,
                           ConnectorHealth restored) {
        this.connectorId = connectorId;
        this.instanceId = instanceId;
        this.outageThreshold = outageThreshold;
        this.metrics = metrics;
        if (restored != null) {
            lastSuccessAt = restored.getLastSuccessAt();
            lastError = restored.getLastError();
            lastErrorAt = restored.getLastErrorAt();
            consecutiveFailures = restored.getConsecutiveFailures();
            failingSince = restored.getFailingSince();
            outageAlertKey = restored.getOutageAlertKey();
        }
        meters.add(Gauge.builder("pager_ingest_connector_last_success_timestamp_seconds", this,
                        t -> t.lastSuccessAt == null ? Double.NaN : t.lastSuccessAt.toEpochMilli() / 1000.0)
                .tag("connector", connectorId).description("when the connector last polled its source successfully")
                .register(metrics));
        meters.add(Gauge.builder("pager_ingest_connector_lag_seconds", this, t -> t.lagSeconds)
                .tag("connector", connectorId).description("time since the connector last polled successfully")
                .register(metrics));
        meters.add(Gauge.builder("pager_ingest_connector_up", this, t -> t.consecutiveFailures == 0 ? 1 : 0)
                .tag("connector", connectorId).description("1 when the connector's last poll succeeded")
                .register(metrics));
        failures = Counter.builder("pager_ingest_connector_poll_failures").tag("connector", connectorId)
                .description("polls of the connector that failed").register(metrics);
        meters.add(failures);
    }

    /** A poll succeeded: the health record, and the action that closes the outage alert if one is raised. */
    void succeeded(Instant now, Outbox out) {
        lastSuccessAt = now;
        lastAttemptAt = now;
        consecutiveFailures = 0;
        failingSince = null;
        lagSeconds = 0;
        if (outageAlertKey != null) {
            out.action(AlertAction.newBuilder().setActionId("recovered:" + outageAlertKey).setAlertKey(outageAlertKey)
                    .setType(ActionType.SOURCE_STATUS_CHANGED).setActor(connectorId).setChannel(AlertTriage.CHANNEL)
                    .setSourceStatus(SourceStatus.RESOLVED)
                    .setComment("Connector " + connectorId + " reaches its source again").setOccurredAt(now).build());
            outageAlertKey = null;
        }
        out.health(record(ConnectorState.HEALTHY, now));
    }

    /** A poll failed: the health record, and the outage alert once the failing has lasted past the threshold. */
    void failed(Instant now, Exception error, Outbox out) {
        failures.increment();
        lastAttemptAt = now;
        lastErrorAt = now;
        lastError = describe(error);
        consecutiveFailures++;
        if (failingSince == null) {
            failingSince = now;
        }
        lagSeconds = lastSuccessAt == null ? Duration.between(failingSince, now).toMillis() / 1000.0
                : Duration.between(lastSuccessAt, now).toMillis() / 1000.0;
        boolean down = Duration.between(failingSince, now).compareTo(outageThreshold) >= 0;
        if (down && outageAlertKey == null) {
            outageAlertKey = connectorId + ":" + OUTAGE_ALERT_PREFIX + failingSince.toEpochMilli();
            out.alert(outageAlert(now));
        }
        out.health(record(down ? ConnectorState.DOWN : ConnectorState.FAILING, now));
    }

    /** Between polls: how stale the connector's view of its tenant is now. */
    void tick(Instant now) {
        Instant from = lastSuccessAt != null ? lastSuccessAt : failingSince;
        lagSeconds = from == null ? 0 : Math.max(0, Duration.between(from, now).toMillis() / 1000.0);
    }

    private SecurityAlert outageAlert(Instant now) {
        String alertId = outageAlertKey.substring(connectorId.length() + 1);
        String title = "Sentinel Pager cannot reach connector " + connectorId + ": " + firstLine(lastError);
        return SecurityAlert.newBuilder().setAlertKey(outageAlertKey).setConnectorId(connectorId)
                .setSource(AlertSource.PAGER).setAlertId(alertId).setTitle(title.length() > 250
                        ? title.substring(0, 250) + "…" : title)
                .setDescription("Ingest has not been able to poll connector " + connectorId + " since " + failingSince
                        + " (" + consecutiveFailures + " failed polls; last success "
                        + (lastSuccessAt == null ? "never" : lastSuccessAt.toString()) + "). Alerts from this tenant"
                        + " are not reaching anyone until it recovers. Last error: " + lastError)
                .setSeverity(Severity.HIGH).setStatus(SourceStatus.NEW).setCategory("SentinelPagerHealth")
                .setProductName("Sentinel Pager").setCreatedAt(now).setLastUpdatedAt(now).setIngestedAt(now)
                .setSourceJson("{}").build();
    }

    private ConnectorHealth record(ConnectorState state, Instant now) {
        return ConnectorHealth.newBuilder().setConnectorId(connectorId).setInstanceId(instanceId).setState(state)
                .setLastSuccessAt(lastSuccessAt).setLastAttemptAt(lastAttemptAt).setLastError(lastError)
                .setLastErrorAt(lastErrorAt).setConsecutiveFailures(consecutiveFailures).setFailingSince(failingSince)
                .setOutageAlertKey(outageAlertKey).setLagMillis((long) (lagSeconds * 1000)).setUpdatedAt(now).build();
    }

    /** The error in one bounded line; the Azure clients' messages are already free of secrets and tokens. */
    private static String describe(Exception error) {
        String text = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        return text.length() > MAX_ERROR ? text.substring(0, MAX_ERROR) + "…" : text;
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    /** Removes this connector's meters: another instance reports it now. */
    @Override
    public void close() {
        meters.forEach(metrics::remove);
    }
}
