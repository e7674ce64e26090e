package dev.jtune.cli;

import picocli.CommandLine.Option;

/** Progress reporting of the long commands (train, evaluate, predict): a bar on a terminal, lines elsewhere. */
public class ProgressOptions {
    @Option(names = "--no-progress", description = "No progress bar and no progress lines.")
    boolean noProgress;

    @Option(names = {"--progress-every", "--progress_every"}, paramLabel = "SECONDS", defaultValue = "30",
            description = "When stderr is not a terminal (CI, nohup, a pipe): a progress line with rate and ETA every "
                    + "SECONDS seconds (default: ${DEFAULT-VALUE}; 0: after every step or batch).")
    double progressEvery;

    /** The line printer for this command, or null with --no-progress. */
    ProgressLines lines(java.io.PrintWriter err) {
        if (noProgress) return null;
        if (!(progressEvery >= 0)) {
            throw new dev.jtune.JTuneException("--progress-every " + progressEvery, "the interval is a number of seconds >= 0",
                    "pass e.g. --progress-every 30, or --no-progress");
        }
        return new ProgressLines(err, progressEvery, !ProgressCallback.terminal());
    }
}
