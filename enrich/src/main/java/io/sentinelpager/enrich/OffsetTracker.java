package io.sentinelpager.enrich;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which input offsets may be committed. Records finish out of order (a quick alert overtakes one waiting for its
 * query), but a partition's committed offset may only pass records that are finished: it is the first offset still
 * open. After a crash everything from there is read again, and since outputs are idempotent (the same key and the same
 * enrichment, which readers treat as an update) reading again repeats nothing a person sees.
 */
final class OffsetTracker {

    /** Per partition: offset to whether it is finished. */
    private final Map<TopicPartition, TreeMap<Long, Boolean>> open = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    void received(TopicPartition partition, long offset) {
        open.computeIfAbsent(partition, p -> new TreeMap<>()).put(offset, false);
    }

    void finished(TopicPartition partition, long offset) {
        TreeMap<Long, Boolean> offsets = open.get(partition);
        if (offsets != null && offsets.containsKey(offset)) {
            offsets.put(offset, true);
        }
    }

    /** The offsets to commit now (the next one to read, per partition), only where they moved. */
    Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        open.forEach((partition, offsets) -> {
            Long next = null;
            while (!offsets.isEmpty() && offsets.firstEntry().getValue()) {
                next = offsets.pollFirstEntry().getKey() + 1;
            }
            if (next != null && !next.equals(committed.get(partition))) {
                out.put(partition, new OffsetAndMetadata(next));
            }
        });
        return out;
    }

    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
    }

    /** Forgets partitions this instance no longer owns; their open records are another instance's now. */
    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(p -> {
            open.remove(p);
            committed.remove(p);
        });
    }

    int open() {
        return open.values().stream().mapToInt(TreeMap::size).sum();
    }
}
