package dev.jtune.cli;

/** The one exit-code table of the jtune command. */
public final class ExitCode {
    private ExitCode() {}

    /** Success. */
    public static final int OK = 0;
    /** An internal fault (a bug, or the native engine failed): anything but invalid input. */
    public static final int INTERNAL_ERROR = 1;
    /** Invalid input: a bad argument, file, row or configuration value ({@link dev.jtune.JTuneException}). */
    public static final int INVALID_INPUT = 2;
}
