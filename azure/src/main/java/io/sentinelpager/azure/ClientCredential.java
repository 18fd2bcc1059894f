package io.sentinelpager.azure;

import io.sentinelpager.platform.config.Secret;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How the app registration proves itself to Entra ID: a client secret, or a certificate whose
 * public part is uploaded to the app and whose private key the connector holds. Neither ever
 * appears in {@code toString()}.
 */
public sealed interface ClientCredential {

    /** The text with anything secret in this credential masked. */
    String redact(String text);

    /** A client secret value (not its id). */
    record ClientSecret(Secret secret) implements ClientCredential {

        public ClientSecret {
            Objects.requireNonNull(secret, "secret");
        }

        @Override
        public String redact(String text) {
            return text.replace(secret.reveal(), secret.toString());
        }
    }

    /**
     * A certificate with its private key: a PEM file (key and certificate, unencrypted key) or a
     * PKCS#12 file (.pfx or .p12), optionally protected by a password.
     */
    record ClientCertificate(Path path, Optional<Secret> password) implements ClientCredential {

        public enum Format { PEM, PKCS12 }

        public ClientCertificate {
            Objects.requireNonNull(path, "path");
            password = Objects.requireNonNullElse(password, Optional.empty());
            format(path);
        }

        /** The file's format, from its extension, the way azure-identity tells them apart. */
        public Format format() {
            return format(path);
        }

        @Override
        public String redact(String text) {
            return password.map(p -> text.replace(p.reveal(), p.toString())).orElse(text);
        }

        private static Format format(Path path) {
            String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".pem")) {
                return Format.PEM;
            }
            if (name.endsWith(".pfx") || name.endsWith(".p12")) {
                return Format.PKCS12;
            }
            throw new IllegalArgumentException("must be a .pem, .pfx or .p12 file; got '" + path + "'");
        }
    }
}
