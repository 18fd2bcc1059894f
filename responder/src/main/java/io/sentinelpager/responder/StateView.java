package io.sentinelpager.responder;

import io.javalin.http.ServiceUnavailableResponse;
import io.sentinelpager.oncall.OnCall;
import io.sentinelpager.platform.kafka.GlobalTables;
import io.sentinelpager.platform.service.StreamsService;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.AppOverride;
import io.sentinelpager.schemas.CalendarFeed;
import io.sentinelpager.schemas.IncidentState;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.RevokedSession;
import io.sentinelpager.schemas.SyncState;
import io.sentinelpager.schemas.UserConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * What the responder reads: the pages of the alert.state view, Azure's sync state and the config tables, from the
 * Streams stores of {@link ResponderTopology}. Until the view is queryable every read is a 503 that asks for a retry,
 * so no caller ever answers from a half-restored store.
 */
final class StateView {

    private final StreamsService view;

    StateView(StreamsService view) {
        this.view = view;
    }

    /** The page with this alert key, or null. */
    AlertLifecycle page(String alertKey) {
        return pages().get(alertKey);
    }

    List<AlertLifecycle> openPages() {
        List<AlertLifecycle> open = new ArrayList<>();
        try (KeyValueIterator<String, AlertLifecycle> it = pages().all()) {
            it.forEachRemaining(kv -> {
                if (kv.value != null && kv.value.getStatus() != LifecycleStatus.CLOSED) {
                    open.add(kv.value);
                }
            });
        }
        return open;
    }

    /**
     * The pages that have any of these alerts: an alert's own page has its key, an incident's page lists it among its
     * members, so only alerts without a page of their own are looked for among all pages.
     */
    List<AlertLifecycle> pagesWith(Set<String> alertKeys) {
        ReadOnlyKeyValueStore<String, AlertLifecycle> pages = pages();
        List<AlertLifecycle> out = new ArrayList<>();
        Set<String> grouped = new HashSet<>();
        for (String key : alertKeys) {
            AlertLifecycle own = pages.get(key);
            if (own != null) {
                out.add(own);
            } else {
                grouped.add(key);
            }
        }
        if (!grouped.isEmpty()) {
            try (KeyValueIterator<String, AlertLifecycle> it = pages.all()) {
                it.forEachRemaining(kv -> {
                    if (kv.value != null && kv.value.getMembers().keySet().stream().anyMatch(grouped::contains)) {
                        out.add(kv.value);
                    }
                });
            }
        }
        return out;
    }

    Function<String, IncidentState> incidents() {
        return this.<IncidentState>store(ResponderTopology.INCIDENT_STATE_STORE)::get;
    }

    /** What Azure has from us, by alert key. */
    Function<String, SyncState> syncStates() {
        return this.<SyncState>global(ResponderTopology.SYNC_STATE_STORE)::get;
    }

    /** The logout of the session with this nonce, or null. */
    RevokedSession revokedSession(String nonce) {
        return this.<RevokedSession>global(ResponderTopology.REVOKED_SESSIONS_STORE).get(nonce);
    }

    /** The person's current calendar feed, or null: global, so a revoked feed is refused also during a rebalance. */
    CalendarFeed calendarFeed(String userId) {
        return this.<CalendarFeed>global(ResponderTopology.CALENDAR_FEEDS_STORE).get(userId);
    }

    /** Whether the on-call configuration has this user now: a user deleted from it has no more access. */
    boolean isOnCallUser(String userId) {
        return this.<UserConfig>global(ResponderTopology.USERS_STORE).get(userId) != null;
    }

    List<UserConfig> users() {
        return List.copyOf(GlobalTables.copy(this.<UserConfig>store(ResponderTopology.USERS_STORE)).values());
    }

    People people() {
        ReadOnlyKeyValueStore<String, UserConfig> users = store(ResponderTopology.USERS_STORE);
        return new People(GlobalTables.copy(store(ResponderTopology.TEAMS_STORE)), users::get,
                OnCall.withAppOverrides(GlobalTables.copy(store(ResponderTopology.SCHEDULES_STORE)),
                        overrides().values()));
    }

    /** The overrides made in the app, by id. */
    Map<String, AppOverride> overrides() {
        return GlobalTables.copy(store(ResponderTopology.OVERRIDES_STORE));
    }

    private ReadOnlyKeyValueStore<String, AlertLifecycle> pages() {
        return store(ResponderTopology.STATE_STORE);
    }

    /**
     * A global store: whole also while Streams rebalances, when live updates still go out and sessions are still
     * checked; hence no {@link StreamsService#queryable()} check.
     */
    private <V> ReadOnlyKeyValueStore<String, V> global(String name) {
        return view.streams().store(StoreQueryParameters.fromNameAndType(name,
                QueryableStoreTypes.<String, V>keyValueStore()));
    }

    <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        if (!view.queryable()) {
            throw new ServiceUnavailableResponse("alert state is still loading, retry in a moment");
        }
        return view.streams().store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
    }
}
