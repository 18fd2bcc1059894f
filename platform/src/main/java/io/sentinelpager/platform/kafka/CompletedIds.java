package io.sentinelpager.platform.kafka;

import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The ids of external side effects already done (a notification sent, a Graph PATCH applied), in a changelogged
 * store: a request replayed after a restart or a rebalance is recognised and skipped. Only a crash between the side
 * effect and the commit can repeat one, which is the price of never losing one.
 */
public final class CompletedIds {

    private final KeyValueStore<String, Long> store;

    private CompletedIds(KeyValueStore<String, Long> store) {
        this.store = store;
    }

    /** The store to add to the topology, under the name the processor opens it by. */
    public static StoreBuilder<KeyValueStore<String, Long>> store(String name) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.Long());
    }

    /** Opens the store in a processor's {@code init}. */
    public static CompletedIds open(ProcessingContext context, String name) {
        return new CompletedIds(context.getStateStore(name));
    }

    public boolean contains(String id) {
        return store.get(id) != null;
    }

    public void add(String id, Instant at) {
        store.put(id, at.toEpochMilli());
    }
}
