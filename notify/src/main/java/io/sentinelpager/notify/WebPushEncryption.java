package io.sentinelpager.notify;

import io.sentinelpager.platform.security.P256;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Message encryption for Web Push (RFC 8291) in the {@code aes128gcm} content coding (RFC 8188), so that the push
 * service relays the page without being able to read it: a fresh P-256 key pair and salt per message, ECDH with the
 * browser's key, HKDF-SHA256 mixed with the browser's auth secret, and AES-128-GCM over a single record.
 *
 * <p>Both directions are here because both follow one key schedule: notify encrypts, and the push-service emulator
 * in the tests decrypts with the subscription's private key as the browser would.
 */
final class WebPushEncryption {

    /** RFC 8291 §4: the payload of a push message fits one 4096-byte record. */
    static final int RECORD_SIZE = 4096;
    /** Header (salt, rs, idlen, keyid), the padding delimiter and the GCM tag leave this much for the plaintext. */
    static final int MAX_PLAINTEXT = RECORD_SIZE - (16 + 4 + 1 + P256.PUBLIC_KEY_LENGTH) - 1 - 16;

    private static final int SALT = 16;
    private static final int TAG_BITS = 128;
    private static final byte LAST_RECORD = 0x02;
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebPushEncryption() {
    }

    /**
     * @param uaPublic   the subscription's {@code p256dh}
     * @param authSecret the subscription's {@code auth}
     * @return the request body: the aes128gcm header, then the one encrypted record
     */
    static byte[] encrypt(byte[] plaintext, ECPublicKey uaPublic, byte[] authSecret) {
        byte[] salt = new byte[SALT];
        RANDOM.nextBytes(salt);
        return encrypt(plaintext, uaPublic, authSecret, P256.generate(), salt);
    }

    /** With the sender's key pair and salt given, which only the RFC's worked example should do: never reuse them. */
    static byte[] encrypt(byte[] plaintext, ECPublicKey uaPublic, byte[] authSecret, KeyPair ephemeral, byte[] salt) {
        if (plaintext.length > MAX_PLAINTEXT) {
            throw new IllegalArgumentException("a push payload holds at most " + MAX_PLAINTEXT + " bytes, got "
                    + plaintext.length);
        }
        byte[] asPublic = P256.encode((ECPublicKey) ephemeral.getPublic());
        try {
            byte[] ecdh = ecdh((ECPrivateKey) ephemeral.getPrivate(), uaPublic);
            Keys keys = keys(ecdh, authSecret, P256.encode(uaPublic), asPublic, salt);
            byte[] padded = Arrays.copyOf(plaintext, plaintext.length + 1);
            padded[plaintext.length] = LAST_RECORD;
            Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys.cek, "AES"), new GCMParameterSpec(TAG_BITS, keys.nonce));
            byte[] record = aes.doFinal(padded);
            return ByteBuffer.allocate(SALT + 4 + 1 + asPublic.length + record.length)
                    .put(salt).putInt(RECORD_SIZE).put((byte) asPublic.length).put(asPublic).put(record).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM, ECDH and HMAC-SHA256 are in every JDK", e);
        }
    }

    /**
     * The receiving side, as a browser does it.
     *
     * @throws GeneralSecurityException if the body was not encrypted for this key and secret, or was altered
     */
    static byte[] decrypt(byte[] body, ECPrivateKey uaPrivate, ECPublicKey uaPublic, byte[] authSecret)
            throws GeneralSecurityException {
        ByteBuffer in = ByteBuffer.wrap(body);
        byte[] salt = new byte[SALT];
        in.get(salt);
        int recordSize = in.getInt();
        byte[] asPublic = new byte[in.get() & 0xff];
        in.get(asPublic);
        byte[] record = new byte[in.remaining()];
        in.get(record);
        if (record.length > recordSize) {
            throw new GeneralSecurityException("more than one record: " + record.length + " > rs " + recordSize);
        }
        Keys keys = keys(ecdh(uaPrivate, P256.publicKey(asPublic)), authSecret, P256.encode(uaPublic), asPublic, salt);
        Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(keys.cek, "AES"), new GCMParameterSpec(TAG_BITS, keys.nonce));
        byte[] padded = aes.doFinal(record);
        int end = padded.length - 1;
        while (end >= 0 && padded[end] == 0) {
            end--;
        }
        if (end < 0 || padded[end] != LAST_RECORD) {
            throw new GeneralSecurityException("the record does not end with the last-record delimiter");
        }
        return Arrays.copyOf(padded, end);
    }

    private record Keys(byte[] cek, byte[] nonce) {
    }

    /** RFC 8291 §3.3–3.4 and RFC 8188 §2.2: from the shared secret to the content key and nonce. */
    private static Keys keys(byte[] ecdh, byte[] authSecret, byte[] uaPublic, byte[] asPublic, byte[] salt)
            throws GeneralSecurityException {
        byte[] keyInfo = concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), uaPublic, asPublic);
        byte[] ikm = hkdf(authSecret, ecdh, keyInfo, 32);
        byte[] cek = hkdf(salt, ikm, "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII), 16);
        byte[] nonce = hkdf(salt, ikm, "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII), 12);
        return new Keys(cek, nonce);
    }

    private static byte[] ecdh(ECPrivateKey own, ECPublicKey other) throws GeneralSecurityException {
        KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
        agreement.init(own);
        agreement.doPhase(other, true);
        return agreement.generateSecret();
    }

    /** HKDF-SHA256 (RFC 5869) for outputs of at most one hash length, which is all Web Push needs. */
    static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(salt, "HmacSHA256"));
        byte[] prk = mac.doFinal(ikm);
        mac.init(new SecretKeySpec(prk, "HmacSHA256"));
        mac.update(info);
        mac.update((byte) 0x01);
        return Arrays.copyOf(mac.doFinal(), length);
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer out = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] part : parts) {
            out.put(part);
        }
        return out.array();
    }
}
