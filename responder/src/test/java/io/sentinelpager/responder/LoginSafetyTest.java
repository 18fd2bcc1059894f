package io.sentinelpager.responder;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoginSafetyTest {

    @Test
    void aLoggedNameKeepsToOneLineAndItsControlCharactersShow() {
        assertThat(LogText.escape("analyst")).isEqualTo("analyst");
        assertThat(LogText.escape("x\r\n12:00:00 INFO login manager")).isEqualTo("x\\r\\n12:00:00 INFO login manager");
        assertThat(LogText.escape("a\u001b[2Jb\u0000\u2028")).isEqualTo("a\\u001b[2Jb\\u0000\\u2028");
        assertThat(LogText.escape("back\\slash")).as("so that a written \\n cannot pass for an escaped one")
                .isEqualTo("back\\\\slash");
        assertThat(LogText.escape(null)).isNull();
    }

    @Test
    void theAppsOriginIsThePublicUrlWithoutPathOrDefaultPort() {
        assertThat(LoginApi.originOf("https://Pager.Contoso.com/")).isEqualTo("https://pager.contoso.com");
        assertThat(LoginApi.originOf("https://pager.contoso.com:443/app")).isEqualTo("https://pager.contoso.com");
        assertThat(LoginApi.originOf("http://127.0.0.1:8080")).isEqualTo("http://127.0.0.1:8080");
        assertThat(LoginApi.originOf("https://pager.contoso.com:8443")).isEqualTo("https://pager.contoso.com:8443");
    }
}
