package io.sentinelpager.notify;

import io.sentinelpager.schemas.ContactMethodType;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * One way of reaching a person. A channel sends what it is given once per call and keeps no delivery state:
 * idempotence, retries, rate limits and fallback are the {@link DeliveryProcessor}'s, the same for every channel.
 */
public interface Channel {

    /** The contact method type this channel serves. */
    ContactMethodType type();

    /**
     * The channel as start-up logs it: its type, and for a channel whose contact methods are names, the names it
     * knows. Never an address or a credential.
     */
    default String describe() {
        return DeliveryProcessor.name(type());
    }

    /** Called by each delivery task as it starts, for a channel that reads a store of the topology (Web Push). */
    default void init(ProcessorContext<?, ?> context) {
    }

    /** @throws DeliveryFailure classified as transient, rate-limited or permanent */
    void send(Message message) throws DeliveryFailure;

    /**
     * True when the receiver deduplicates by {@link Message#id()}, so that sending the same message again is
     * harmless. Only then does the processor resend a message whose first send may have happened before a crash;
     * a channel whose provider cannot deduplicate (SMS, e-mail, a call) is never sent the same message twice.
     */
    default boolean idempotent() {
        return false;
    }

    /**
     * True when {@link #trace} reads where the channel writes, so that it answers {@code CANNOT_TELL} only when that
     * read fails.
     */
    default boolean traceable() {
        return false;
    }

    /** What a channel can tell, after a crash, of a message it may have sent. */
    enum Trace {
        /** The message is there: it went out, and must not be sent again. */
        FOUND,
        /** The message is not there: it never went out, and can be sent now, once. */
        ABSENT,
        /** The provider keeps no record the channel can read (an SMS, an e-mail, a call). */
        CANNOT_TELL
    }

    /**
     * Whether the page with this delivery id reached the address, asked when a crash cut its send short (a mark on
     * notify.sends, no committed outcome). A channel that can look where it writes (the inbox reads its file) turns
     * that "maybe" into a yes or a no, so the page is neither sent twice nor reported {@code UNKNOWN}.
     */
    default Trace trace(String deliveryId, String address) {
        return Trace.CANNOT_TELL;
    }
}
