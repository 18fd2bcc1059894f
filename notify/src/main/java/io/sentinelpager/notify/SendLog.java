package io.sentinelpager.notify;

import io.sentinelpager.schemas.DeliveryStarted;
import java.util.List;

/**
 * Where the {@link DeliveryProcessor} writes that it is about to call a provider, durably and outside the stream's
 * transaction, so that the mark outlives a crash that rolls the transaction back. The marks come back to the
 * processor through the {@link NotifyTopology#SENDS_STORE} global store.
 */
interface SendLog {

    /**
     * Returns once every mark is durable.
     *
     * @throws DeliveryFailure (transient) when they could not be written: then nothing may be sent
     */
    void started(List<DeliveryStarted> marks) throws DeliveryFailure;
}
