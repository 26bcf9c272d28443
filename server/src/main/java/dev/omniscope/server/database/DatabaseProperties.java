package dev.omniscope.server.database;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * An external PostgreSQL, from {@code OMNI_DB_URL}, {@code OMNI_DB_USER} and {@code OMNI_DB_PASSWORD}
 * (or the properties {@code omni.db.*}). Without a URL the embedded PostgreSQL is used.
 */
@ConfigurationProperties("omni.db")
public record DatabaseProperties(String url, String user, String password) {
    public boolean external() {
        return url != null && !url.isBlank();
    }
}
