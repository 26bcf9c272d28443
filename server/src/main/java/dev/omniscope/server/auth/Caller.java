package dev.omniscope.server.auth;

import org.springframework.web.server.ServerWebExchange;

/**
 * Who is calling: a user (by name; {@code local} when authentication is off, who sees everything),
 * and/or the holder of a share token that grants read access to one trace.
 *
 * @param user        null when the caller presented only a share token
 * @param shareToken  the share token presented with the request, or null
 * @param seesAll     true when authentication is off: the local user owns the server
 */
public record Caller(String user, String shareToken, boolean seesAll) {
    static final String ATTRIBUTE = Caller.class.getName();

    public static Caller local(String shareToken) {
        return new Caller(Credentials.LOCAL, shareToken, true);
    }

    public static Caller user(String name, String shareToken) {
        return new Caller(name, shareToken, false);
    }

    public static Caller shareOnly(String shareToken) {
        return new Caller(null, shareToken, false);
    }

    public boolean hasUser() {
        return user != null;
    }

    /** Whether this caller owns a trace owned by {@code owner}. */
    public boolean owns(String owner) {
        return seesAll || (user != null && user.equals(owner));
    }

    public static Caller of(ServerWebExchange exchange) {
        Caller c = exchange.getAttribute(ATTRIBUTE);
        if (c == null) throw new IllegalStateException("no caller: the authentication filter did not run for " + exchange.getRequest().getPath());
        return c;
    }
}
