package io.sentinelpager.platform.security;

import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.schemas.PushSubscription;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The one place that seals a phone's Web Push subscription for push.subscriptions and opens it again: the responder
 * seals what a phone sends, notify opens it to push. The endpoint and the two browser keys are capability secrets
 * (whoever has them can push to that phone), so on the topic they exist only as an AES-256-GCM blob; the record keeps
 * in clear just the user, a non-secret id and the time, which is all that keying, compaction and {@code pager tail}
 * need. A reader of the topic, the console consumer or a dead-letter copy learns who has a phone subscribed, never
 * where to push.
 *
 * <p>The key is derived from {@code links.key} with HKDF-SHA256 under a label of its own ({@link #LABEL}), because
 * notify and the responder already share that secret and an operator should not have to set and guard another one;
 * the label makes the derived key unrelated to the HMAC key of the links, so neither use can stand in for the other.
 * The price is that changing {@code links.key} also makes every sealed subscription unreadable: notify then warns
 * (naming the user and the subscription id) and skips it, pages fall back to the person's next contact method, and
 * each phone must turn push on again in the app, which replaces its record under the same key.
 *
 * <p>Blob: {@code version (1) || nonce (12, random) || ciphertext || tag (16)}. The authenticated data is the version,
 * the user id and the subscription id, so a blob copied into another user's record, or onto another subscription,
 * does not open. Random 96-bit nonces are safe far beyond the number of subscriptions one key will ever seal.
 * Nothing in a message of this class holds the key, the blob or what it seals.
 */
public final class PushSubscriptionSeal {

    /** What the key is derived for; a new format would take a new label, and with it a new key. */
    static final String LABEL = "sentinel-pager push.subscriptions AES-256-GCM v1";
    private static final byte VERSION = 1;
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int ID_BYTES = 16;

    /** Where to push and how to encrypt for the browser (RFC 8030, RFC 8291); never logged. */
    public record Capability(String endpoint, String p256dh, String auth) {
        public Capability {
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(p256dh, "p256dh");
            Objects.requireNonNull(auth, "auth");
        }

        @Override
        public String toString() {
            return "Capability[" + id(endpoint) + "]"; // never the endpoint or keys
        }
    }

    /** A sealed subscription did not open; the message names the user and subscription id, nothing secret. */
    public static final class CannotOpenException extends Exception {
        CannotOpenException(String message) {
            super(message);
        }
    }

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    /** @param linksKey the shared {@link SharedSecrets#LINKS_KEY}, from which the sealing key is derived */
    public PushSubscriptionSeal(Secret linksKey) {
        this.key = new SecretKeySpec(Hmac.derive(linksKey, LABEL, KEY_BYTES), "AES");
    }

    /**
     * The seal of a deployment whose Web Push is on (the setting {@code enabledBy} is set).
     *
     * @throws ConfigException naming {@code links.key} when it is not set
     */
    public static PushSubscriptionSeal from(PagerConfig config, ConfigKey enabledBy) {
        return config.optional(SharedSecrets.LINKS_KEY).map(Secret::of).map(PushSubscriptionSeal::new)
                .orElseThrow(() -> new ConfigException("setting " + SharedSecrets.LINKS_KEY.name()
                        + " is required with " + enabledBy.name() + ": phones' push subscriptions are sealed on"
                        + " push.subscriptions with a key derived from it"));
    }

    /**
     * The non-secret id of a subscription: base64url of the first 16 bytes of SHA-256 of its endpoint. It names one
     * phone stably, so a phone that subscribes again replaces its record, also after {@code links.key} changed; the
     * endpoint holds a long random token, so the hash tells nothing that helps to push.
     */
    public static String id(String endpoint) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(endpoint.getBytes(StandardCharsets.UTF_8));
            return P256.base64url(Arrays.copyOf(hash, ID_BYTES));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JDK", e);
        }
    }

    /** The record's key on push.subscriptions: {@code userId/id}, one record per user and phone. */
    public static String key(String userId, String id) {
        return userId + "/" + id;
    }

    /** The record for push.subscriptions, its capability sealed to this user and subscription id. */
    public PushSubscription seal(String userId, Capability capability, Instant subscribedAt) {
        String id = id(capability.endpoint());
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] sealed;
        try {
            Cipher gcm = cipher(Cipher.ENCRYPT_MODE, nonce, userId, id);
            sealed = gcm.doFinal(plaintext(capability));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is in every JDK", e);
        }
        ByteBuffer blob = ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(VERSION).put(nonce).put(sealed);
        return PushSubscription.newBuilder().setUserId(userId).setId(id).setSealed(blob.flip())
                .setSubscribedAt(subscribedAt).build();
    }

    /**
     * What a record seals, if it was sealed under this key for this very user and subscription.
     *
     * @throws CannotOpenException if the record holds no blob, an unknown version, or a blob sealed under another key,
     *                             altered, or moved from another record
     */
    public Capability open(PushSubscription record) throws CannotOpenException {
        String name = "push subscription " + key(record.getUserId(), record.getId());
        ByteBuffer buffer = record.getSealed() == null ? ByteBuffer.allocate(0) : record.getSealed().duplicate();
        byte[] blob = new byte[buffer.remaining()];
        buffer.get(blob);
        if (blob.length == 0) {
            throw new CannotOpenException(name + " holds no sealed endpoint (written before subscriptions were"
                    + " sealed); the phone must turn push on again");
        }
        if (blob[0] != VERSION) {
            throw new CannotOpenException(name + " is sealed in an unknown format (version " + blob[0] + ")");
        }
        if (blob.length < 1 + NONCE_BYTES + TAG_BITS / 8) {
            throw new CannotOpenException(name + " is sealed in a blob too short to hold anything ("
                    + blob.length + " bytes)");
        }
        try {
            Cipher gcm = cipher(Cipher.DECRYPT_MODE, Arrays.copyOfRange(blob, 1, 1 + NONCE_BYTES),
                    record.getUserId(), record.getId());
            return capability(gcm.doFinal(blob, 1 + NONCE_BYTES, blob.length - 1 - NONCE_BYTES));
        } catch (AEADBadTagException e) {
            // GCM cannot tell these apart, and must not: each is a record this deployment will never push to.
            throw new CannotOpenException(name + " does not open: it was sealed under another "
                    + SharedSecrets.LINKS_KEY.name() + " (changed since the phone subscribed?), or altered, or moved"
                    + " from another user's record; the phone must turn push on again");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is in every JDK", e);
        } catch (IOException e) {
            // Authentic but unreadable: only a bug in the sealing side makes this.
            throw new CannotOpenException(name + " opens to malformed content");
        }
    }

    private Cipher cipher(int mode, byte[] nonce, String userId, String id) throws GeneralSecurityException {
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        gcm.updateAAD(associatedData(userId, id));
        return gcm;
    }

    /** Length-prefixed, so no user id and id pair can be read as another. */
    private static byte[] associatedData(String userId, String id) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(userId);
            out.writeUTF(id);
        } catch (IOException e) {
            throw new IllegalArgumentException("a user id or subscription id longer than 65535 bytes");
        }
        return bytes.toByteArray();
    }

    private static byte[] plaintext(Capability capability) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(capability.endpoint());
            out.writeUTF(capability.p256dh());
            out.writeUTF(capability.auth());
        } catch (IOException e) {
            throw new IllegalArgumentException("a push subscription field is longer than 65535 bytes");
        }
        return bytes.toByteArray();
    }

    private static Capability capability(byte[] plaintext) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(plaintext))) {
            Capability capability = new Capability(in.readUTF(), in.readUTF(), in.readUTF());
            if (in.available() != 0) {
                throw new IOException("trailing bytes");
            }
            return capability;
        }
    }
}
