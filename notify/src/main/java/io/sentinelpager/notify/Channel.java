package io.sentinelpager.notify;

import io.sentinelpager.schemas.NotificationRequest;

/** One way of reaching a person. Throws with a reason a person can act on when delivery fails. */
public interface Channel {
    void deliver(NotificationRequest request) throws Exception;
}
