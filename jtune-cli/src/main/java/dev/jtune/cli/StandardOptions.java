package dev.jtune.cli;

import picocli.CommandLine.Option;

/** Options every jtune command takes: {@code -x/--stacktrace} and {@code -v/--verbose}. */
public class StandardOptions {
    @Option(names = {"-x", "--stacktrace"}, description = "Print the full stack trace when a command fails.")
    boolean stacktrace;

    @Option(names = {"-v", "--verbose"}, description = "Print more detail about what the command does.")
    boolean verbose;

    public boolean stacktrace() { return stacktrace; }

    public boolean verbose() { return verbose; }
}
