package dev.omniscope.server.auth;

import java.nio.charset.StandardCharsets;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.omniscope.server.api.Blocking;
import reactor.core.publisher.Mono;

/**
 * Decides who is calling, for every request under {@code /api/}. With authentication off the
 * caller is {@code local}. With it on, every API path except the health check and the OpenAPI
 * documents needs HTTP Basic (users) or {@code Authorization: Bearer} (API tokens), or a share
 * token ({@code ?share=} or {@code X-Omni-Share}) that grants read access to one trace; anything
 * else is answered 401. The web app's static files stay public: they hold no data.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class AuthenticationFilter implements WebFilter {
    static final String SHARE_HEADER = "X-Omni-Share";

    private final Authenticator authenticator;

    AuthenticationFilter(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (!path.startsWith("/api/")) return chain.filter(exchange);
        String share = shareToken(exchange);
        if (!authenticator.enabled()) {
            exchange.getAttributes().put(Caller.ATTRIBUTE, Caller.local(share));
            return chain.filter(exchange);
        }
        if (isPublic(path)) {
            exchange.getAttributes().put(Caller.ATTRIBUTE, Caller.shareOnly(share));
            return chain.filter(exchange);
        }
        String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization == null) {
            if (share == null) return unauthorized(exchange, "this server needs credentials: HTTP Basic (user and password) or Authorization: Bearer TOKEN");
            exchange.getAttributes().put(Caller.ATTRIBUTE, Caller.shareOnly(share));
            return chain.filter(exchange);
        }
        // bcrypt takes tens of milliseconds: not on an event-loop thread
        return Mono.fromCallable(() -> java.util.Optional.ofNullable(authenticator.authenticate(authorization)))
                .subscribeOn(Blocking.scheduler())
                .flatMap(user -> {
                    if (user.isEmpty()) return unauthorized(exchange, "the credentials are not valid");
                    exchange.getAttributes().put(Caller.ATTRIBUTE, Caller.user(user.get(), share));
                    return chain.filter(exchange);
                });
    }

    static boolean isPublic(String path) {
        return path.equals("/api/health") || path.equals("/api/docs") || path.startsWith("/api/docs/")
                || path.startsWith("/api/swagger-ui/"); // the documentation page's own files
    }

    private static String shareToken(ServerWebExchange exchange) {
        String token = exchange.getRequest().getHeaders().getFirst(SHARE_HEADER);
        if (token == null || token.isBlank()) token = exchange.getRequest().getQueryParams().getFirst("share");
        return token == null || token.isBlank() ? null : token.trim();
    }

    private static Mono<Void> unauthorized(ServerWebExchange exchange, String detail) {
        var response = exchange.getResponse();
        response.setStatusCode(HttpStatus.UNAUTHORIZED);
        response.getHeaders().add(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"omniscope\", Bearer realm=\"omniscope\"");
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        String body = "{\"type\":\"https://omniscope.dev/problems/unauthorized\",\"title\":\"Unauthorized\",\"status\":401,"
                + "\"detail\":\"" + detail + "\",\"instance\":\"" + jsonEscape(exchange.getRequest().getPath().value()) + "\"}";
        var buffer = response.bufferFactory().wrap(body.getBytes(StandardCharsets.UTF_8));
        return response.writeWith(Mono.just(buffer));
    }

    private static String jsonEscape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.toString();
    }
}
