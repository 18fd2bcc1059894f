package io.sentinelpager.azure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;

/**
 * The spellings in which a secret can reach a log without being verbatim: a token request carries the client secret
 * form-encoded, a logged URL percent-encodes its query, a logged JSON body escapes it (some writers also escape
 * {@code /}), and HTTP Basic authentication sends {@code client_id:secret} in base64. A secret grep that looks for the
 * verbatim text only misses every one of these. Each spelling comes from the library that would write it, so the
 * grep does not share a misreading with the code it checks.
 */
final class SecretForms {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SecretForms() {
    }

    /** Each distinct spelling of {@code secret}, by the name of the encoding that produces it. */
    static Map<String, String> of(String secret) {
        Map<String, String> forms = new LinkedHashMap<>();
        forms.put("verbatim", secret);
        forms.put("form-encoded", URLEncoder.encode(secret, StandardCharsets.UTF_8));
        forms.put("URL-encoded", new HttpUrl.Builder().scheme("https").host("h").addQueryParameter("s", secret).build()
                .encodedQuery().substring("s=".length()));
        String json = jsonEscaped(secret);
        forms.put("JSON-escaped", json);
        forms.put("JSON-escaped with \\/", json.replace("/", "\\/"));
        forms.put("base64", Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
        return distinct(forms);
    }

    /** As {@link #of}, plus the HTTP Basic credential a client secret would make with its client id. */
    static Map<String, String> ofClientSecret(String clientId, String secret) {
        Map<String, String> forms = new LinkedHashMap<>(of(secret));
        forms.put("HTTP Basic with the client id", Base64.getEncoder().encodeToString(
                (clientId + ":" + secret).getBytes(StandardCharsets.UTF_8)));
        return distinct(forms);
    }

    /** Each secret, by what it is, found in {@code text} in any spelling: "what (spelling)". */
    static List<String> foundIn(String text, Map<String, Map<String, String>> formsBySecret) {
        List<String> found = new ArrayList<>();
        formsBySecret.forEach((what, forms) -> forms.forEach((form, spelled) -> {
            if (text.contains(spelled)) {
                found.add(what + " (" + form + ")");
            }
        }));
        return found;
    }

    private static String jsonEscaped(String text) {
        try {
            String quoted = JSON.writeValueAsString(text);
            return quoted.substring(1, quoted.length() - 1);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first name of each spelling, so a report names no spelling twice. */
    private static Map<String, String> distinct(Map<String, String> forms) {
        Map<String, String> byText = new LinkedHashMap<>();
        forms.forEach((name, text) -> byText.putIfAbsent(text, name));
        Map<String, String> byName = new LinkedHashMap<>();
        byText.forEach((text, name) -> byName.put(name, text));
        return byName;
    }
}
