package dev.omniscope.server.database;

import javax.sql.DataSource;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.omniscope.common.OmniHome;

@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {
    @Bean(destroyMethod = "close")
    DatabaseSource databaseSource(DatabaseProperties properties) {
        return properties.external()
                ? new ExternalDatabase(properties)
                : EmbeddedDatabase.start(OmniHome.root().resolve("db"));
    }

    /** Closed by its {@link DatabaseSource}, after the pool drains and before PostgreSQL stops. */
    @Bean(destroyMethod = "")
    DataSource dataSource(DatabaseSource source) {
        return source.dataSource();
    }
}
