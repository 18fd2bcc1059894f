package io.sentinelpager.enrich;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Recent answers of rule queries, by query text and window, for a short time. An analytics rule that raises one alert
 * per result row gives many alerts with the same query over the same window: they share one query. An identical query
 * that is still running is joined, not started again. Only complete answers are kept (a partial one may be whole on
 * the next try); failures are never kept. Bounded by entry count, least recently used out first.
 */
final class QueryCache {

    private record Key(String query, Instant start, Instant end) {
    }

    /** An answer, or one on its way (expires is then {@link Instant#MAX}). */
    private record Entry(CompletableFuture<QueryAnswer> answer, Instant expires) {
    }

    private final Duration ttl;
    private final Clock clock;
    private final Map<Key, Entry> entries;

    QueryCache(Duration ttl, int maxEntries, Clock clock) {
        this.ttl = ttl;
        this.clock = clock;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** The cached answer of this query over this window, or the one {@code load} gives (then cached). */
    QueryAnswer get(String query, Instant start, Instant end, Supplier<QueryAnswer> load) {
        if (ttl.isZero()) {
            return load.get();
        }
        Key key = new Key(query, start, end);
        CompletableFuture<QueryAnswer> mine = new CompletableFuture<>();
        CompletableFuture<QueryAnswer> found;
        synchronized (this) {
            Entry entry = entries.get(key);
            if (entry != null && clock.instant().isBefore(entry.expires())) {
                found = entry.answer();
            } else {
                found = null;
                entries.put(key, new Entry(mine, Instant.MAX));
            }
        }
        if (found != null) {
            try {
                return found.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            QueryAnswer answer = load.get();
            synchronized (this) {
                if (answer.partialError().isPresent()) {
                    entries.remove(key);
                } else {
                    entries.put(key, new Entry(mine, clock.instant().plus(ttl)));
                }
            }
            mine.complete(answer);
            return answer;
        } catch (RuntimeException e) {
            synchronized (this) {
                entries.remove(key);
            }
            mine.completeExceptionally(e);
            throw e;
        }
    }
}
