package io.sentinelpager.syncback;

import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.SyncOutcome;

/** Writes a sync command to the Azure API the alert was read from. */
interface SyncWriter extends AutoCloseable {

    /** What Azure answered: APPLIED, REJECTED (a 4xx that a retry will not fix) or FAILED. */
    record Result(SyncOutcome outcome, Integer httpStatus, String detail) {
    }

    Result apply(SyncCommand command);

    @Override
    void close();
}
