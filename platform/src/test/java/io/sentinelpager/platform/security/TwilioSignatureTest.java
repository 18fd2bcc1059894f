package io.sentinelpager.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.platform.config.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class TwilioSignatureTest {

    final Secret token = Secret.of("twilio-auth-token");
    final String url = "https://pager.example/twilio/sms?tenant=1";

    @Test
    void signsTheUrlFollowedByTheParametersSortedByName() throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("To", "+15550002");
        params.put("Body", "ack 4821");
        params.put("From", "+15550001");
        // Twilio's documented construction, spelled out: URL, then name+value in name order, no separators.
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec("twilio-auth-token".getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        String expected = Base64.getEncoder().encodeToString(mac.doFinal(
                (url + "Bodyack 4821From+15550001To+15550002").getBytes(StandardCharsets.UTF_8)));

        assertThat(TwilioSignature.compute(token, url, params)).isEqualTo(expected);
        assertThat(TwilioSignature.valid(token, url, params, expected)).isTrue();
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
