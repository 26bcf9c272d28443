package dev.omniscope.server.web;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;

/**
 * Client-side routes ({@code /t/{id}/step/{n}} and the like) are the web app's: a GET for a path
 * outside {@code /api/} whose last segment has no file extension is answered with index.html, so
 * that a reloaded or shared link opens the app at that route.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class SinglePageAppFallback implements WebFilter {
    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        var request = exchange.getRequest();
        String path = request.getPath().pathWithinApplication().value();
        if (isAppRoute(request.getMethod(), path)) {
            return chain.filter(exchange.mutate().request(request.mutate().path("/index.html").build()).build());
        }
        return chain.filter(exchange);
    }

    static boolean isAppRoute(HttpMethod method, String path) {
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) return false;
        if (path.equals("/api") || path.startsWith("/api/")) return false;
        String last = path.substring(path.lastIndexOf('/') + 1);
        return !last.contains(".");
    }
}
