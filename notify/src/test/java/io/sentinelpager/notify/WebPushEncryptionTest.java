package io.sentinelpager.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentinelpager.platform.security.P256;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import org.junit.jupiter.api.Test;

/** aes128gcm against the worked example of RFC 8291 Appendix A, byte for byte, and the round trip a browser makes. */
class WebPushEncryptionTest {

    static final String PLAINTEXT = "When I grow up, I want to be a watermelon";
    static final String AS_PUBLIC = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    static final String AS_PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    static final String UA_PUBLIC = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    static final String UA_PRIVATE = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
    static final String AUTH = "BTBZMqHH6r4Tts7J_aSIgg";
    static final String SALT = "DGv6ra1nlYgDCS1FRnbzlw";
    static final String BODY = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6Tlz"
            + "AC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

    @Test
    void encryptsTheRfcExampleByteForByte() {
        KeyPair sender = new KeyPair(key(AS_PUBLIC), P256.privateKey(P256.fromBase64url(AS_PRIVATE)));
        byte[] body = WebPushEncryption.encrypt(PLAINTEXT.getBytes(StandardCharsets.UTF_8), key(UA_PUBLIC),
                P256.fromBase64url(AUTH), sender, P256.fromBase64url(SALT));
        assertThat(P256.base64url(body)).isEqualTo(BODY);
    }

    @Test
    void decryptsTheRfcExampleWithTheBrowsersKey() throws Exception {
        byte[] plain = WebPushEncryption.decrypt(P256.fromBase64url(BODY), P256.privateKey(P256.fromBase64url(UA_PRIVATE)),
                key(UA_PUBLIC), P256.fromBase64url(AUTH));
        assertThat(new String(plain, StandardCharsets.UTF_8)).isEqualTo(PLAINTEXT);
    }

    @Test
    void aFreshMessageRoundTripsAndAnotherAuthSecretCannotReadIt() throws Exception {
        KeyPair browser = P256.generate();
        byte[] auth = P256.fromBase64url("AAECAwQFBgcICQoLDA0ODw");
        byte[] body = WebPushEncryption.encrypt("{\"title\":\"HIGH\"}".getBytes(StandardCharsets.UTF_8),
                (ECPublicKey) browser.getPublic(), auth);
        assertThat(new String(WebPushEncryption.decrypt(body, (ECPrivateKey) browser.getPrivate(),
                (ECPublicKey) browser.getPublic(), auth), StandardCharsets.UTF_8)).isEqualTo("{\"title\":\"HIGH\"}");

        byte[] otherAuth = auth.clone();
        otherAuth[0] ^= 1;
        assertThatThrownBy(() -> WebPushEncryption.decrypt(body, (ECPrivateKey) browser.getPrivate(),
                (ECPublicKey) browser.getPublic(), otherAuth)).isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void aPayloadLargerThanOneRecordIsRefused() {
        KeyPair browser = P256.generate();
        assertThatThrownBy(() -> WebPushEncryption.encrypt(new byte[WebPushEncryption.MAX_PLAINTEXT + 1],
                (ECPublicKey) browser.getPublic(), new byte[16])).isInstanceOf(IllegalArgumentException.class);
    }

    private static ECPublicKey key(String base64url) {
        return P256.publicKey(P256.fromBase64url(base64url));
    }
}
