package dev.omniscope.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

import dev.omniscope.common.UserError;
import dev.omniscope.server.auth.Authenticator;
import dev.omniscope.server.auth.Credentials;
import dev.omniscope.server.database.DatabaseSource;

/** The web service: Spring Boot WebFlux over PostgreSQL, serving the API and the web UI. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class OmniServer {
    private static final Logger log = LoggerFactory.getLogger(OmniServer.class);

    /** A started server; {@link #awaitShutdown()} returns once Ctrl-C or SIGTERM has stopped it. */
    public record Running(ConfigurableApplicationContext context, String url, String databaseDescription, CountDownLatch closed) {
        public void awaitShutdown() {
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        public void stop() {
            context.close();
        }
    }

    public static Running start(ServerSettings settings) {
        checkBindAddress(settings.bindAddress(), Authenticator.fromEnvironment());
        SpringApplication app = new SpringApplication(OmniServer.class);
        app.setDefaultProperties(defaults(settings));
        app.setLogStartupInfo(false);
        CountDownLatch closed = new CountDownLatch(1);
        app.addListeners(event -> {
            if (event instanceof ContextClosedEvent) closed.countDown();
        });
        ConfigurableApplicationContext context;
        try {
            context = app.run();
        } catch (RuntimeException e) {
            throw explain(e, settings);
        }
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        String host = settings.bindAddress().contains(":") ? "[" + settings.bindAddress() + "]" : settings.bindAddress();
        if (host.equals("0.0.0.0") || host.equals("[::]")) host = "localhost";
        String description = context.getBean(DatabaseSource.class).description();
        return new Running(context, "http://" + host + ":" + port, description, closed);
    }

    private static Map<String, Object> defaults(ServerSettings settings) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("server.address", settings.bindAddress());
        p.put("server.port", settings.port());
        return p;
    }

    /**
     * Listening beyond this machine needs authentication: without it, anyone who reaches the
     * address could read and delete every trace.
     */
    static void checkBindAddress(String address, Credentials credentials) {
        InetAddress resolved;
        try {
            resolved = InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new UserError("--bind " + address + ": not an address of this machine", 2);
        }
        if (!resolved.isLoopbackAddress() && !credentials.configured()) {
            throw new UserError("refusing to listen on " + address + " without authentication: anyone who can reach it could read "
                    + "and delete every trace. Add a user (omni auth add-user NAME) or an API token (omni auth add-token NAME), "
                    + "or set OMNI_USERS / OMNI_API_TOKENS; or listen on 127.0.0.1 (the default)", 2);
        }
    }

    private static RuntimeException explain(RuntimeException e, ServerSettings settings) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PortInUseException) {
                return new UserError("port " + settings.port() + " on " + settings.bindAddress()
                        + " is already in use; choose another with --port");
            }
            if (t instanceof UserError user) return user;
        }
        return e;
    }
}
