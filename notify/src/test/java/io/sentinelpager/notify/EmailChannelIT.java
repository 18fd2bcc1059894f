package io.sentinelpager.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.security.ActionLinks;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.ContactMethodType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The e-mail channel against GreenMail, a real SMTP server that requires our credentials. */
class EmailChannelIT {

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("pager", "smtp-password-for-tests"))
            .withPerMethodLifecycle(true);

    EmailChannel channel(String password) {
        return new EmailChannel(new EmailChannel.Config("127.0.0.1", SMTP.getSmtp().getPort(), false,
                Optional.of("pager"), Optional.of(Secret.of(password)), "Sentinel Pager <pager@contoso.example>",
                Duration.ofSeconds(5)));
    }

    @Test
    void theMailHasTheFactsAndSignedOneClickLinks() throws Exception {
        channel("smtp-password-for-tests").send(TestMessages.page(ContactMethodType.EMAIL, "lead@contoso.example"));

        MimeMessage[] received = SMTP.getReceivedMessages();
        assertThat(received).hasSize(1);
        MimeMessage mail = received[0];
        assertThat(mail.getSubject()).isEqualTo("HIGH: Impossible travel for jdoe@contoso.example");
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("lead@contoso.example");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("Sentinel Pager <pager@contoso.example>");
        assertThat(mail.getHeader("X-Pager-Delivery-Id")[0]).isEqualTo("c1:a-42/round-0/step-0/lead/email");
        MimeMultipart parts = (MimeMultipart) mail.getContent();
        String text = GreenMailUtil.getBody(parts.getBodyPart(0));
        String html = GreenMailUtil.getBody(parts.getBodyPart(1));
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat(text).contains("Facts: sign-ins from Berlin and Lagos 5 min apart", "Also paged: analyst");
        assertThat(html).contains("Acknowledge", "Take ownership");

        // The acknowledge link in the received mail verifies, for this user and alert, once.
        Matcher ack = Pattern.compile("Acknowledge: https://pager\\.example/act/([A-Za-z0-9_.=-]+)")
                .matcher(text.replace("=\r\n", "").replace("=3D", "="));
        assertThat(ack.find()).isTrue();
        ActionLinks.Claims claims = TestMessages.LINKS.check(ack.group(1));
        assertThat(claims.action()).isEqualTo(ActionType.ACKNOWLEDGE);
        assertThat(claims.alertKey()).isEqualTo("c1:a-42");
        assertThat(claims.userId()).isEqualTo("lead");
    }

    @Test
    void refusedCredentialsArePermanentAndTheMessageHoldsNoPassword() {
        assertThatThrownBy(() -> channel("wrong-password").send(
                TestMessages.page(ContactMethodType.EMAIL, "lead@contoso.example")))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> {
                    assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.PERMANENT);
                    assertThat(f.getMessage()).isEqualTo("SMTP server refused our credentials");
                });
        assertThat(SMTP.getReceivedMessages()).isEmpty();
    }

    @Test
    void anUnreachableServerIsTransientAndAMalformedAddressPermanent() {
        EmailChannel closed = new EmailChannel(new EmailChannel.Config("127.0.0.1", 9, false, Optional.empty(),
                Optional.empty(), "pager@contoso.example", Duration.ofSeconds(2)));

        assertThatThrownBy(() -> closed.send(TestMessages.page(ContactMethodType.EMAIL, "lead@contoso.example")))
                .isInstanceOfSatisfying(DeliveryFailure.class,
                        f -> assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.TRANSIENT));
        assertThatThrownBy(() -> channel("smtp-password-for-tests").send(
                TestMessages.page(ContactMethodType.EMAIL, "not an address")))
                .isInstanceOfSatisfying(DeliveryFailure.class,
                        f -> assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.PERMANENT));
    }
}
