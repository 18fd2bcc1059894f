package io.sentinelpager.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.schemas.PushSubscription;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

class PushSubscriptionSealTest {

    static final Instant T0 = Instant.parse("2026-11-29T03:00:00Z");
    final PushSubscriptionSeal seal = new PushSubscriptionSeal(Secret.of("links-key-for-tests"));
    final PushSubscriptionSeal.Capability phone = new PushSubscriptionSeal.Capability(
            "https://fcm.googleapis.com/fcm/send/" + UUID.randomUUID(),
            P256.base64url(P256.encode((ECPublicKey) P256.generate().getPublic())), "AAECAwQFBgcICQoLDA0ODw");

    @Test
    void aSealedSubscriptionOpensToWhatWasSealedAndShowsNoneOfItInClear() throws Exception {
        PushSubscription record = seal.seal("lead", phone, T0);

        assertThat(record.getUserId()).isEqualTo("lead");
        assertThat(record.getId()).isEqualTo(PushSubscriptionSeal.id(phone.endpoint())).hasSize(22);
        assertThat(record.getSubscribedAt()).isEqualTo(T0);
        assertThat(leaked(avroBytes(record))).as("secrets in the record's Avro bytes").isEmpty();
        assertThat(leaked(record.toString())).as("secrets in the record's toString").isEmpty();
        assertThat(leaked(phone.toString())).as("secrets in the capability's toString").isEmpty();

        assertThat(seal.open(record)).isEqualTo(phone);
        assertThat(new PushSubscriptionSeal(Secret.of("links-key-for-tests")).open(record))
                .as("the other service, holding the same links.key").isEqualTo(phone);
        assertThat(seal.seal("lead", phone, T0).getSealed()).as("a fresh nonce each time")
                .isNotEqualTo(record.getSealed());
    }

    @Test
    void aSubscriptionSealedUnderAnotherLinksKeyIsRefused() {
        PushSubscription record = new PushSubscriptionSeal(Secret.of("the-links-key-before-rotation"))
                .seal("lead", phone, T0);

        assertRefused(record, "does not open: it was sealed under another links.key");
    }

    @Test
    void anAlteredBlobIsRefused() {
        PushSubscription record = seal.seal("lead", phone, T0);
        byte[] blob = bytes(record.getSealed());
        blob[blob.length - 20] ^= 0x01;
        record.setSealed(ByteBuffer.wrap(blob));

        assertRefused(record, "does not open");
    }

    @Test
    void aBlobMovedToAnotherUsersRecordIsRefused() {
        PushSubscription lead = seal.seal("lead", phone, T0);
        PushSubscription intruder = seal.seal("intruder", new PushSubscriptionSeal.Capability(
                "https://push.example/mine", phone.p256dh(), phone.auth()), T0);
        intruder.setSealed(lead.getSealed());
        PushSubscription sameIdOtherUser = PushSubscription.newBuilder(lead).setUserId("intruder").build();

        assertRefused(intruder, "does not open");
        assertRefused(sameIdOtherUser, "push subscription intruder/" + lead.getId() + " does not open");
    }

    @Test
    void aRecordFromBeforeSealingOrInAnUnknownFormatIsRefused() {
        PushSubscription clear = PushSubscription.newBuilder().setUserId("lead").setSubscribedAt(T0).build();
        assertRefused(clear, "holds no sealed endpoint");

        PushSubscription record = seal.seal("lead", phone, T0);
        byte[] blob = bytes(record.getSealed());
        blob[0] = 9;
        record.setSealed(ByteBuffer.wrap(blob));
        assertRefused(record, "unknown format (version 9)");

        record.setSealed(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertRefused(record, "too short");
    }

    @Test
    void webPushWithoutLinksKeyFailsAtStartNamingTheSetting() throws Exception {
        assertThatThrownBy(() -> PushSubscriptionSeal.from(PagerConfig.empty(), VapidKeys.PUBLIC_KEY))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("setting links.key is required with notify.webpush.vapid.public");
        PushSubscription record = PushSubscriptionSeal.from(PagerConfig.empty().with("links.key", "links-key-for-tests"),
                VapidKeys.PUBLIC_KEY).seal("lead", phone, T0);
        assertThat(seal.open(record)).isEqualTo(phone);
    }

    private void assertRefused(PushSubscription record, String why) {
        assertThatThrownBy(() -> seal.open(record)).isInstanceOf(PushSubscriptionSeal.CannotOpenException.class)
                .hasMessageContaining(why)
                .satisfies(e -> assertThat(leaked(e.getMessage())).as("secrets in the refusal").isEmpty());
    }

    /** The names of the capability's parts that appear in the text; names only, so a failure prints no secret. */
    private List<String> leaked(String text) {
        Map<String, String> parts = new LinkedHashMap<>();
        parts.put("endpoint", phone.endpoint());
        parts.put("endpoint token", phone.endpoint().substring(phone.endpoint().lastIndexOf('/') + 1));
        parts.put("p256dh", phone.p256dh());
        parts.put("auth", phone.auth());
        return parts.entrySet().stream().filter(e -> text.contains(e.getValue())).map(Map.Entry::getKey).toList();
    }

    private static String avroBytes(PushSubscription record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DatumWriter<PushSubscription> writer = new SpecificDatumWriter<>(PushSubscription.class);
        Encoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        writer.write(record, encoder);
        encoder.flush();
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}
