package dev.omniscope.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;

class SinglePageAppFallbackTest {
    @Test
    void clientRoutesGoToTheApp() {
        assertThat(SinglePageAppFallback.isAppRoute(HttpMethod.GET, "/")).isTrue();
        assertThat(SinglePageAppFallback.isAppRoute(HttpMethod.GET, "/t/abc/step/12")).isTrue();
        assertThat(SinglePageAppFallback.isAppRoute(HttpMethod.HEAD, "/t/abc")).isTrue();
    }

    @Test
    void apiFilesAndWritesDoNot() {
        assertThat(SinglePageAppFallback.isAppRoute(HttpMethod.GET, "/api/health")).isFalse();
        assertThat(SinglePageAppFallback.isAppRoute(HttpMethod.GET, "/api")).isFalse();
        assertThat(SinglePageAppFallback.isAppRoute(HttpMethod.GET, "/assets/index-abc.js")).isFalse();
        assertThat(SinglePageAppFallback.isAppRoute(HttpMethod.POST, "/t/abc")).isFalse();
    }
}
