package io.sentinelpager.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.platform.config.Secret;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HmacTest {

    static final HexFormat HEX = HexFormat.of();

    @Test
    void hkdfGivesTheRfc5869TestVectors() {
        byte[] inputKey = new byte[22];
        Arrays.fill(inputKey, (byte) 0x0b);
        // RFC 5869 A.1: salt and info.
        assertThat(HEX.formatHex(Hmac.hkdf(HEX.parseHex("000102030405060708090a0b0c"), inputKey,
                HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"), 42)))
                .isEqualTo("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
        // RFC 5869 A.3: no salt, no info, as derive() uses no salt.
        assertThat(HEX.formatHex(Hmac.hkdf(new byte[0], inputKey, new byte[0], 42)))
                .isEqualTo("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
    }

    @Test
    void keysDerivedUnderDifferentLabelsOrFromDifferentSecretsDiffer() {
        Secret key = Secret.of("links-key-for-tests");
        byte[] push = Hmac.derive(key, "push", 32);

        assertThat(push).hasSize(32).isEqualTo(Hmac.derive(Secret.of("links-key-for-tests"), "push", 32))
                .isNotEqualTo(Hmac.derive(key, "other purpose", 32))
                .isNotEqualTo(Hmac.derive(Secret.of("another-links-key"), "push", 32));
    }
}
