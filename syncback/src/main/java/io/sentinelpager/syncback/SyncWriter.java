package io.sentinelpager.syncback;

import io.sentinelpager.azure.AzureCallException;
import io.sentinelpager.schemas.IncidentRollup;
import io.sentinelpager.schemas.PendingSync;
import io.sentinelpager.schemas.SyncOutcome;
import java.time.Duration;
import java.util.Optional;

/**
 * Writes an alert's pending write to the Azure API the alert was read from, so that Azure takes each part once: an
 * attempt whose answer was lost (a crash, a restart, a timeout) may have been applied, and a second one must then not
 * make the change again. A status, owner or classification is set (not toggled), yet a repeated write is still seen
 * (Graph records each PATCH in the alert's history); so when an earlier attempt may be in Azure the writer reads the
 * object first and writes only what it does not show. A comment is written so that a second attempt finds it there
 * instead of adding it twice.
 */
interface SyncWriter extends AutoCloseable {

    /**
     * What Azure answered: APPLIED, REJECTED (a retry will not fix it) or FAILED (it may pass).
     *
     * @param retryAfter how long Azure asked us to wait, when it did
     */
    record Result(SyncOutcome outcome, Integer httpStatus, String detail, Optional<Duration> retryAfter) {

        static Result applied(String detail) {
            return new Result(SyncOutcome.APPLIED, 200, detail, Optional.empty());
        }

        static Result rejected(String detail) {
            return new Result(SyncOutcome.REJECTED, null, detail, Optional.empty());
        }

        /** A failed call, retriable or not as the azure module's classifier decided. */
        static Result of(AzureCallException e) {
            return new Result(e.retriable() ? SyncOutcome.FAILED : SyncOutcome.REJECTED,
                    e.httpStatus() == 0 ? null : e.httpStatus(), e.getMessage(), e.retryAfter());
        }
    }

    /**
     * What a check of an incident's roll-up found (the incident's status and owner in Azure's words, its alerts) and
     * did; {@code done} when the incident is resolved or gone, so there is nothing left to watch.
     */
    record Check(Result result, String status, String assignedTo, IncidentRollups.Count count,
                 IncidentRollups.Target target, boolean done) {

        static Check failed(Result result) {
            return new Check(result, null, null, new IncidentRollups.Count(0, 0, 0), IncidentRollups.Target.NONE,
                    false);
        }
    }

    /**
     * Writes what Azure does not have yet of {@code write}: any attempt may follow one that Azure took without our
     * hearing so (a crash before the answer was recorded, a timeout, a 5xx), so a write Azure shows in full is applied
     * without a call that changes anything.
     */
    Result apply(PendingSync write);

    /** Reads the incident and its alerts, and writes the incident what they add up to ({@link IncidentRollups}). */
    Check rollUp(IncidentRollup rollup);

    /** The Azure object the write changes; writes to one object are made one at a time. */
    default String objectOf(PendingSync write) {
        return write.getAlertKey();
    }

    /** The incident: writes to it, and its alerts' writes where Azure keeps them on it, are made one at a time. */
    default String objectOf(IncidentRollup rollup) {
        return rollup.getConnectorId() + ":" + rollup.getIncidentId();
    }

    @Override
    void close();
}
