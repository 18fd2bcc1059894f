package io.sentinelpager.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.platform.config.Secret;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TwilioSignatureTest {

    final Secret token = Secret.of("twilio-auth-token");
    final String url = "https://pager.example/twilio/sms?tenant=1";

    /**
     * Twilio's published test vector: auth token {@code 12345}, this URL and these POST parameters sign to
     * {@code RSOYDt4T1cUTdK1PDd93/VVr8B8=}. Source: twilio/twilio-java,
     * src/test/java/com/twilio/security/RequestValidatorTest.java ({@code testValidate}); the same vector is the worked
     * example on Twilio's "Webhooks security / Validating requests" page
     * (https://www.twilio.com/docs/usage/security#validating-requests). The parameters go in out of name order, so
     * the sort is checked against Twilio's answer rather than against our own reading of the docs.
     */
    @Test
    void signsTwilioPublishedExampleToTwilioPublishedSignature() {
        Secret publishedToken = Secret.of("12345");
        String publishedUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";
        Map<String, String> params = new LinkedHashMap<>();
        params.put("Digits", "1234");
        params.put("To", "+18005551212");
        params.put("From", "+14158675309");
        params.put("Caller", "+14158675309");
        params.put("CallSid", "CA1234567890ABCDE");
        String published = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

        assertThat(TwilioSignature.compute(publishedToken, publishedUrl, params)).isEqualTo(published);
        assertThat(TwilioSignature.valid(publishedToken, publishedUrl, params, published)).isTrue();
        assertThat(TwilioSignature.valid(publishedToken, publishedUrl, params, "NOT" + published)).isFalse();
    }

    @Test
    void aChangedParameterUrlOrTokenInvalidatesTheSignature() {
        Map<String, String> params = Map.of("From", "+15550001", "Body", "ack 4821");
        String signature = TwilioSignature.compute(token, url, params);

        assertThat(TwilioSignature.valid(token, url, Map.of("From", "+15550001", "Body", "close 4821"), signature))
                .isFalse();
        assertThat(TwilioSignature.valid(token, url + "&x=1", params, signature)).isFalse();
        assertThat(TwilioSignature.valid(Secret.of("other"), url, params, signature)).isFalse();
        assertThat(TwilioSignature.valid(token, url, params, null)).isFalse();
    }
}
