package io.sentinelpager.responder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentinelpager.platform.config.PagerConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponderConfigTest {

    static final Map<String, String> ACCOUNTS = Map.of("responder.accounts.file", "accounts.yaml");

    @Test
    void aSessionMayLastAsLongAsALogoutIsKept() {
        assertThat(ResponderConfig.from(PagerConfig.empty().with(ACCOUNTS).with(Map.of("responder.session.ttl", "7d")))
                .sessionTtl()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void aSessionOutlivingItsLogoutIsRefusedSayingWhy() {
        assertThatThrownBy(() -> ResponderConfig.from(PagerConfig.empty().with(ACCOUNTS)
                .with(Map.of("responder.session.ttl", "8d"))))
                .hasMessageContaining("responder.session.ttl is 8d")
                .hasMessageContaining("at most 7d, how long responder.revoked-sessions keeps a logout");
    }
}
