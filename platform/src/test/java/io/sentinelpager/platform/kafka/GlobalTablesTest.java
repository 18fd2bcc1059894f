package io.sentinelpager.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.Test;

class GlobalTablesTest {

    @Test
    void aCopyHoldsWhatTheStoreHeldAndNoLaterChange() {
        KeyValueStore<String, String> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("teams"),
                Serdes.String(), Serdes.String()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        store.put("soc", "Security");
        store.put("net", "Network");

        Map<String, String> copy = GlobalTables.copy(store);
        store.put("dba", "Databases");
        store.delete("soc");

        assertThat(copy).containsExactly(Map.entry("net", "Network"), Map.entry("soc", "Security"));
    }

    @Test
    void aCopyOfATimestampedStoreHoldsTheValuesWithoutTheirTimestamps() {
        TimestampedKeyValueStore<String, String> store = Stores.timestampedKeyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("users"), Serdes.String(), Serdes.String()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        store.put("ana", ValueAndTimestamp.make("Ana", 1L));
        store.put("bob", ValueAndTimestamp.make("Bob", 2L));

        assertThat(GlobalTables.copyValues(store)).containsExactly(Map.entry("ana", "Ana"), Map.entry("bob", "Bob"));
    }
}
