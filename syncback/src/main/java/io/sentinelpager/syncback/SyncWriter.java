package io.sentinelpager.syncback;

import io.sentinelpager.azure.AzureCallException;
import io.sentinelpager.schemas.PendingSync;
import io.sentinelpager.schemas.SyncOutcome;
import java.time.Duration;
import java.util.Optional;

/**
 * Writes an alert's pending write to the Azure API the alert was read from. Every part is safe to write again: a
 * status, owner or classification is set (not toggled), and a comment is written so that a second attempt finds it
 * there instead of adding it twice. So an attempt whose answer was lost (a crash, a timeout) is simply made again.
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

    Result apply(PendingSync write);

    /** The Azure object the write changes; writes to one object are made one at a time. */
    default String objectOf(PendingSync write) {
        return write.getAlertKey();
    }

    @Override
    void close();
}
