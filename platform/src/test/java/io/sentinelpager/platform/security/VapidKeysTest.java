package io.sentinelpager.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.PagerConfig;
import java.security.interfaces.ECPublicKey;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VapidKeysTest {

    @Test
    void aGeneratedPairReadsBackFromSettings() {
        VapidKeys pair = VapidKeys.generate();
        PagerConfig config = PagerConfig.empty().with(Map.of(VapidKeys.PUBLIC_KEY.name(), pair.publicKeyBase64(),
                VapidKeys.PRIVATE_KEY.name(), pair.privateKeyBase64().reveal()));

        VapidKeys read = VapidKeys.from(config).orElseThrow();

        assertThat(read.publicKeyBase64()).isEqualTo(pair.publicKeyBase64()).hasSize(87);
        assertThat(P256.encode(read.privateKey())).isEqualTo(P256.encode(pair.privateKey()));
        assertThat(VapidKeys.publicKey(config)).contains(pair.publicKeyBase64());
        assertThat(read.toString()).doesNotContain(pair.privateKeyBase64().reveal());
        assertThat(config.describe().get(VapidKeys.PRIVATE_KEY.name())).isEqualTo("****");
    }

    @Test
    void halvesOfTwoPairsAreRefusedWithoutShowingTheKey() {
        VapidKeys one = VapidKeys.generate();
        String otherPrivate = VapidKeys.generate().privateKeyBase64().reveal();
        PagerConfig config = PagerConfig.empty().with(Map.of(VapidKeys.PUBLIC_KEY.name(), one.publicKeyBase64(),
                VapidKeys.PRIVATE_KEY.name(), otherPrivate));

        assertThatThrownBy(() -> VapidKeys.from(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("not one key pair").hasMessageNotContaining(otherPrivate);
    }

    @Test
    void withoutAPublicKeyWebPushIsOffAndAPrivateKeyAloneIsNotEnough() {
        assertThat(VapidKeys.from(PagerConfig.empty())).isEmpty();
        PagerConfig onlyPublic = PagerConfig.empty().with(VapidKeys.PUBLIC_KEY.name(),
                VapidKeys.generate().publicKeyBase64());
        assertThatThrownBy(() -> VapidKeys.from(onlyPublic)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(VapidKeys.PRIVATE_KEY.name());
    }

    @Test
    void aPointOffTheCurveIsRefused() {
        byte[] point = P256.encode((ECPublicKey) P256.generate().getPublic());
        point[64] ^= 1;
        assertThatThrownBy(() -> P256.publicKey(point)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a point on P-256");
    }
}
