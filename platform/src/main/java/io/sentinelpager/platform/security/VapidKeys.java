package io.sentinelpager.platform.security;

import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Optional;

/**
 * The application server's VAPID key pair (RFC 8292): notify signs its push requests with the private key, and the
 * responder hands the public key to the app, which subscribes with it so that the push service accepts only requests
 * signed by us. Both services read the same settings, which is why the keys live here and not in either service.
 *
 * <p>{@link #toString()} shows only the public key.
 */
public final class VapidKeys {

    public static final ConfigKey PUBLIC_KEY = ConfigKey.of("notify.webpush.vapid.public", null,
            "VAPID public key (RFC 8292), base64url of the uncompressed P-256 point; `pager vapid` makes a pair."
                    + " notify signs with the pair and the responder gives the app this key to subscribe with;"
                    + " without it the Web Push channel and the app's push opt-in are off");
    public static final ConfigKey PRIVATE_KEY = ConfigKey.secret("notify.webpush.vapid.private",
            "VAPID private key, base64url of the 32-byte P-256 scalar; only notify needs it");

    private final ECPublicKey publicKey;
    private final ECPrivateKey privateKey;

    private VapidKeys(ECPublicKey publicKey, ECPrivateKey privateKey) {
        this.publicKey = publicKey;
        this.privateKey = privateKey;
    }

    /** A new random pair. */
    public static VapidKeys generate() {
        KeyPair pair = P256.generate();
        return new VapidKeys((ECPublicKey) pair.getPublic(), (ECPrivateKey) pair.getPrivate());
    }

    /** The public key alone, as the responder needs it; checked so the app never gets a key it cannot use. */
    public static Optional<String> publicKey(PagerConfig config) {
        return config.optional(PUBLIC_KEY).map(text -> {
            P256.publicKey(decode(PUBLIC_KEY, text));
            return text.strip();
        });
    }

    /**
     * The pair, if the public key is set.
     *
     * @throws ConfigException naming the key if a key is missing or malformed, or the two do not belong together
     */
    public static Optional<VapidKeys> from(PagerConfig config) {
        Optional<String> pub = config.optional(PUBLIC_KEY);
        if (pub.isEmpty()) {
            return Optional.empty();
        }
        Secret priv = config.optional(PRIVATE_KEY).map(Secret::of).orElseThrow(() -> new ConfigException(
                "setting " + PRIVATE_KEY.name() + " is required with " + PUBLIC_KEY.name()));
        VapidKeys keys;
        try {
            keys = new VapidKeys(P256.publicKey(decode(PUBLIC_KEY, pub.get())),
                    P256.privateKey(decode(PRIVATE_KEY, priv.reveal())));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("setting " + PUBLIC_KEY.name() + " or " + PRIVATE_KEY.name() + " is not a"
                    + " P-256 key: " + e.getMessage());
        }
        if (!keys.matches()) {
            throw new ConfigException("settings " + PUBLIC_KEY.name() + " and " + PRIVATE_KEY.name()
                    + " are not one key pair; make a new pair with `pager vapid`");
        }
        return Optional.of(keys);
    }

    public ECPublicKey publicKey() {
        return publicKey;
    }

    public ECPrivateKey privateKey() {
        return privateKey;
    }

    /** The public key as browsers take it ({@code applicationServerKey}) and as the VAPID {@code k} parameter. */
    public String publicKeyBase64() {
        return P256.base64url(P256.encode(publicKey));
    }

    /** The private key in the form of {@link #PRIVATE_KEY}, for `pager vapid` and the demo. */
    public Secret privateKeyBase64() {
        return Secret.of(P256.base64url(P256.encode(privateKey)));
    }

    private boolean matches() {
        try {
            byte[] probe = "vapid key pair check".getBytes(StandardCharsets.UTF_8);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] decode(ConfigKey key, String text) {
        try {
            return P256.fromBase64url(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("setting " + key.name() + " is not base64url");
        }
    }

    @Override
    public String toString() {
        return "VapidKeys[public=" + publicKeyBase64() + "]";
    }
}
