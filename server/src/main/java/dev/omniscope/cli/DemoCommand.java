package dev.omniscope.cli;

import dev.omniscope.common.OmniVersion;
import java.util.concurrent.Callable;

import dev.omniscope.server.OmniServer;
import dev.omniscope.server.ServerSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {"Try Omniscope: starts the server with the embedded database and prints where to open it."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "TCP port (default: ${DEFAULT-VALUE})")
    int port;

    @Override
    public Integer call() {
        OmniServer.Running server = OmniServer.start(new ServerSettings("127.0.0.1", port));
        System.out.println();
        System.out.println("  Omniscope demo is running. Open " + server.url() + " in your browser.");
        System.out.println("  (" + server.databaseDescription() + "; Ctrl-C stops it)");
        System.out.println();
        System.out.flush();
        server.awaitShutdown();
        return 0;
    }
}
