package io.sentinelpager.notify;

import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
import java.nio.file.Path;

/** Settings of the notify service. */
public record NotifyConfig(Path inboxDir) {

    public static final ConfigKey INBOX_DIR = ConfigKey.of("notify.inbox.dir", "pager-inbox",
            "directory of the inbox channel: one file per person, one line per page");

    public static NotifyConfig from(PagerConfig config) {
        return new NotifyConfig(config.path(INBOX_DIR));
    }
}
