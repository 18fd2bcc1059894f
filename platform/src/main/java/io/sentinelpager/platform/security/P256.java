package io.sentinelpager.platform.security;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * NIST P-256 keys in the raw forms that Web Push uses (RFC 8291, RFC 8292): a public key is the 65-byte uncompressed
 * point {@code 04 || x || y}, a private key the 32-byte scalar, both usually base64url. The JDK speaks only X.509 and
 * PKCS#8, so this converts; it needs no provider beyond the JDK's own.
 */
public final class P256 {

    public static final int PUBLIC_KEY_LENGTH = 65;
    private static final int COORDINATE = 32;
    private static final ECParameterSpec PARAMETERS = parameters();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();

    private P256() {
    }

    public static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK supports P-256", e);
        }
    }

    /** The uncompressed point of a public key. */
    public static byte[] encode(ECPublicKey key) {
        byte[] out = new byte[PUBLIC_KEY_LENGTH];
        out[0] = 0x04;
        copyUnsigned(key.getW().getAffineX(), out, 1);
        copyUnsigned(key.getW().getAffineY(), out, 1 + COORDINATE);
        return out;
    }

    /** The 32-byte scalar of a private key. */
    public static byte[] encode(ECPrivateKey key) {
        byte[] out = new byte[COORDINATE];
        copyUnsigned(key.getS(), out, 0);
        return out;
    }

    /**
     * @throws IllegalArgumentException if the bytes are not an uncompressed point on P-256 (the message never holds
     *                                  the bytes)
     */
    public static ECPublicKey publicKey(byte[] point) {
        if (point.length != PUBLIC_KEY_LENGTH || point[0] != 0x04) {
            throw new IllegalArgumentException("a P-256 public key is 65 bytes starting with 04, got "
                    + point.length + " bytes");
        }
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(point, 1, 1 + COORDINATE));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(point, 1 + COORDINATE, PUBLIC_KEY_LENGTH));
        if (!onCurve(x, y)) {
            // An off-curve point would make ECDH leak bits of our private key (invalid-curve attack).
            throw new IllegalArgumentException("the public key is not a point on P-256");
        }
        try {
            return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(
                    new ECPublicKeySpec(new ECPoint(x, y), PARAMETERS));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the public key is not a valid P-256 key");
        }
    }

    /** @throws IllegalArgumentException if the bytes are not a 32-byte scalar */
    public static ECPrivateKey privateKey(byte[] scalar) {
        if (scalar.length != COORDINATE) {
            throw new IllegalArgumentException("a P-256 private key is 32 bytes, got " + scalar.length + " bytes");
        }
        try {
            return (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(
                    new ECPrivateKeySpec(new BigInteger(1, scalar), PARAMETERS));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the private key is not a valid P-256 key");
        }
    }

    public static String base64url(byte[] bytes) {
        return B64URL.encodeToString(bytes);
    }

    /** Decodes base64url with or without padding, and tolerates standard base64 as some clients send it. */
    public static byte[] fromBase64url(String text) {
        String url = text.strip().replace('+', '-').replace('/', '_');
        while (url.endsWith("=")) {
            url = url.substring(0, url.length() - 1);
        }
        return B64URL_DECODER.decode(url);
    }

    private static boolean onCurve(BigInteger x, BigInteger y) {
        BigInteger p = ((java.security.spec.ECFieldFp) PARAMETERS.getCurve().getField()).getP();
        if (x.signum() < 0 || x.compareTo(p) >= 0 || y.signum() < 0 || y.compareTo(p) >= 0) {
            return false;
        }
        BigInteger left = y.multiply(y).mod(p);
        BigInteger right = x.pow(3).add(PARAMETERS.getCurve().getA().multiply(x)).add(PARAMETERS.getCurve().getB()).mod(p);
        return left.equals(right);
    }

    private static void copyUnsigned(BigInteger value, byte[] out, int at) {
        byte[] bytes = value.toByteArray();
        int skip = bytes.length > COORDINATE ? bytes.length - COORDINATE : 0;
        int length = bytes.length - skip;
        System.arraycopy(bytes, skip, out, at + COORDINATE - length, length);
    }

    private static ECParameterSpec parameters() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK supports P-256", e);
        }
    }
}
