package dev.omniscope.indexer.cli;

import picocli.CommandLine.Option;

/** The moment and frame a source-level question is asked at: {@code --step}, {@code --tid}, {@code --frame} (a picocli mixin). */
final class FrameOptions {
    @Option(names = "--step", paramLabel = "N", required = true, description = "the moment (instructions retired before it)")
    long step;

    @Option(names = "--tid", paramLabel = "T", description = "this thread (default: the one running at the step)")
    Integer tid;

    @Option(names = "--frame", paramLabel = "K", defaultValue = "0", description = "the frame, numbered as gdb does: 0 is where the thread is (default)")
    int frame;
}
