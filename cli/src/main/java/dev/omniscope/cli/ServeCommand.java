package dev.omniscope.cli;

import dev.omniscope.common.OmniVersion;
import dev.omniscope.common.UserError;
import java.util.concurrent.Callable;

import dev.omniscope.server.OmniServer;
import dev.omniscope.server.ServerSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serve the web UI and the API.",
            "Uses an embedded PostgreSQL 17 kept under $OMNI_HOME (default ~/.omniscope), or the one named by OMNI_DB_URL, "
                + "OMNI_DB_USER and OMNI_DB_PASSWORD. Stops cleanly on Ctrl-C or SIGTERM."
        })
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "N", defaultValue = "8080",
            description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free one)")
    int port;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "address to listen on (default: ${DEFAULT-VALUE}, this machine only)")
    String bind;

    @Override
    public Integer call() {
        if (port < 0 || port > 65535) throw new UserError("--port must be between 0 and 65535, not " + port, 2);
        OmniServer.Running server = OmniServer.start(new ServerSettings(bind, port));
        System.out.println("Omniscope " + OmniVersion.version() + " is serving at " + server.url()
                + " (" + server.databaseDescription() + "). Press Ctrl-C to stop.");
        System.out.flush();
        server.awaitShutdown();
        return 0;
    }
}
