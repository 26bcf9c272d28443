package dev.omniscope.server;

/** How {@code omni serve} listens. */
public record ServerSettings(String bindAddress, int port) {}
