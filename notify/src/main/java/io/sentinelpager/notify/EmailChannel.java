package io.sentinelpager.notify;

import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.Severity;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * E-mail over SMTP (Jakarta Mail, Angus implementation): a plain-text and an HTML part with the facts and the signed
 * one-click links. The links open a page of the responder that asks to confirm, so a mail scanner that follows links
 * cannot acknowledge by itself. SMTP's own codes decide retries: 4xx transient, 5xx permanent.
 */
public final class EmailChannel implements Channel {

    /** Settings of the e-mail channel; it is on when an SMTP host is set. */
    public record Config(String host, int port, boolean startTls, Optional<String> username,
                         Optional<Secret> password, String from, Duration timeout) {

        public static final ConfigKey HOST = ConfigKey.of("notify.email.smtp.host", null,
                "SMTP server host; setting it turns the e-mail channel on");
        public static final ConfigKey PORT = ConfigKey.of("notify.email.smtp.port", "587", "SMTP server port");
        public static final ConfigKey STARTTLS = ConfigKey.of("notify.email.smtp.starttls", "true",
                "require STARTTLS before authenticating; off only for a local relay");
        public static final ConfigKey USERNAME = ConfigKey.of("notify.email.smtp.username", null,
                "SMTP user name; none means no authentication");
        public static final ConfigKey PASSWORD = ConfigKey.secret("notify.email.smtp.password",
                "SMTP password; required with a user name");
        public static final ConfigKey FROM = ConfigKey.of("notify.email.from", "Sentinel Pager <pager@localhost>",
                "sender address of pages");
        public static final ConfigKey TIMEOUT = ConfigKey.of("notify.email.timeout", "10s",
                "connect, read and write timeout of one SMTP conversation");

        public static Optional<Config> from(PagerConfig config) {
            return config.optional(HOST).map(host -> {
                Optional<String> user = config.optional(USERNAME);
                return new Config(host, config.integer(PORT), config.bool(STARTTLS), user,
                        user.map(u -> config.secret(PASSWORD)), config.string(FROM), config.duration(TIMEOUT));
            });
        }
    }

    private final Config config;
    private final Session session;
    private final InternetAddress from;

    public EmailChannel(Config config) {
        this.config = config;
        Properties p = new Properties();
        p.put("mail.smtp.host", config.host());
        p.put("mail.smtp.port", String.valueOf(config.port()));
        p.put("mail.smtp.auth", String.valueOf(config.username().isPresent()));
        p.put("mail.smtp.starttls.enable", String.valueOf(config.startTls()));
        p.put("mail.smtp.starttls.required", String.valueOf(config.startTls()));
        String millis = String.valueOf(config.timeout().toMillis());
        p.put("mail.smtp.connectiontimeout", millis);
        p.put("mail.smtp.timeout", millis);
        p.put("mail.smtp.writetimeout", millis);
        this.session = Session.getInstance(p);
        try {
            this.from = new InternetAddress(config.from(), true);
        } catch (AddressException e) {
            throw new ConfigException("setting " + Config.FROM.name()
                    + " is not an e-mail address: " + e.getMessage());
        }
    }

    @Override
    public ContactMethodType type() {
        return ContactMethodType.EMAIL;
    }

    @Override
    public void send(Message message) throws DeliveryFailure {
        InternetAddress to;
        try {
            to = new InternetAddress(message.address(), true);
        } catch (AddressException e) {
            throw DeliveryFailure.permanent("e-mail address is malformed");
        }
        try {
            MimeMessage mail = new MimeMessage(session);
            mail.setFrom(from);
            mail.setRecipient(jakarta.mail.Message.RecipientType.TO, to);
            mail.setSubject(message.title(), StandardCharsets.UTF_8.name());
            mail.setSentDate(Date.from(message.requestedAt()));
            mail.setHeader(WebhookChannel.DELIVERY_ID_HEADER, message.id());
            // Mail clients thread and rank by these; a page should stand out and not be auto-replied to.
            mail.setHeader("X-Priority", message.severity() == Severity.HIGH ? "1" : "3");
            mail.setHeader("Auto-Submitted", "auto-generated");
            MimeBodyPart text = new MimeBodyPart();
            text.setText(message.text(), StandardCharsets.UTF_8.name());
            MimeBodyPart html = new MimeBodyPart();
            html.setContent(html(message), "text/html; charset=utf-8");
            mail.setContent(new MimeMultipart("alternative", text, html));
            Transport.send(mail, new Address[] {to}, config.username().orElse(null),
                    config.password().map(Secret::reveal).orElse(null));
        } catch (AuthenticationFailedException e) {
            throw DeliveryFailure.permanent("SMTP server refused our credentials");
        } catch (SendFailedException e) {
            throw classify(e);
        } catch (MessagingException e) {
            // No SMTP reply code: the server could not be reached or the connection broke.
            throw DeliveryFailure.transientFailure("SMTP " + config.host() + ":" + config.port() + " failed: "
                    + e.getClass().getSimpleName() + (e.getCause() == null ? "" : " <- "
                    + e.getCause().getClass().getSimpleName()));
        }
    }

    private static DeliveryFailure classify(SendFailedException e) {
        int code = -1;
        String reply = e.getMessage();
        for (Exception next = e; next != null; next = next instanceof MessagingException m ? m.getNextException() : null) {
            if (next instanceof SMTPAddressFailedException a) {
                code = a.getReturnCode();
                reply = a.getMessage();
                break;
            }
            if (next instanceof SMTPSendFailedException s) {
                code = s.getReturnCode();
                reply = s.getMessage();
            }
        }
        String detail = "SMTP " + (code > 0 ? code + " " : "") + (reply == null ? "" : reply.strip());
        return code >= 400 && code < 500 ? DeliveryFailure.transientFailure(detail) : DeliveryFailure.permanent(detail);
    }

    static String html(Message m) {
        StringBuilder out = new StringBuilder("<!doctype html><html><body style=\"font-family:sans-serif\">");
        out.append("<h2>").append(escape(m.title())).append("</h2><table>");
        m.facts().forEach(f -> out.append("<tr><th align=\"left\">").append(escape(f.name())).append("</th><td>")
                .append(escape(f.value())).append("</td></tr>"));
        out.append("</table><p>");
        m.actions().forEach(a -> out.append("<a href=\"").append(escape(a.url()))
                .append("\" style=\"display:inline-block;padding:12px 20px;margin:4px;background:#0b5cad;color:#fff;"
                        + "text-decoration:none;border-radius:4px\">").append(escape(a.label())).append("</a>"));
        return out.append("</p></body></html>").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
