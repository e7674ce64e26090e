package dev.jtune.cli;

import dev.jtune.JTuneException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.util.Arrays;

/**
 * Maps failures to the {@link ExitCode} table: invalid input (a {@link JTuneException} or a bad argument) exits 2 with
 * its message; another rank's failure in a data-parallel job ({@link dev.jtune.distributed.PeerFailure}) exits 1 with
 * its message; anything else exits 1 with one line. Stack traces only with {@code -x/--stacktrace}.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {
    private final PrintWriter err;

    ErrorHandler(PrintWriter err) { this.err = err; }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
        boolean trace = stacktraceRequested(parseResult);
        for (Throwable c = ex; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof Error) return fatal(c, trace, err);   // e.g. out of memory on a worker thread
        }
        JTuneException input = inputError(ex);
        int code;
        dev.jtune.distributed.PeerFailure peer = peerFailure(ex);
        if (input != null) {
            err.println("error: " + input.getMessage());
            code = ExitCode.INVALID_INPUT;
        } else if (peer != null) { // another rank of a data-parallel job failed: not a bug here, no trace needed
            err.println("error: " + peer.getMessage());
            code = ExitCode.INTERNAL_ERROR;
        } else {
            err.println("internal error: " + oneLine(ex));
            if (!trace) err.println("rerun with --stacktrace (-x) for details");
            code = ExitCode.INTERNAL_ERROR;
        }
        if (trace) ex.printStackTrace(err);
        err.flush();
        return code;
    }

    /**
     * The last resort for a {@link Throwable} that no command handled (an {@link Error}: out of memory, stack
     * overflow, a native link failure): one line naming what ran out and what to do, exit 1.
     */
    static int fatal(Throwable t, boolean trace, PrintWriter err) {
        JTuneException input = inputError(t);
        if (input != null && !(t instanceof Error)) {
            err.println("error: " + input.getMessage());
            if (trace) t.printStackTrace(err);
            err.flush();
            return ExitCode.INVALID_INPUT;
        }
        if (t instanceof OutOfMemoryError) {
            Runtime rt = Runtime.getRuntime();
            err.println("internal error: out of memory (" + oneLine(t) + "; Java heap limit " + (rt.maxMemory() >> 20)
                    + " MiB); raise it with JTUNE_HEAP=4g, or lower --per-device-train-batch-size / --max-length");
        } else if (t instanceof StackOverflowError) {
            err.println("internal error: stack overflow (input nested too deeply, or a bug); rerun with --stacktrace (-x) and report it");
        } else {
            err.println("internal error: " + oneLine(t) + (trace ? "" : " (rerun with --stacktrace (-x) for details)"));
        }
        if (trace) t.printStackTrace(err);
        err.flush();
        return ExitCode.INTERNAL_ERROR;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        err.println("error: " + ex.getMessage());
        UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
        boolean trace = Arrays.stream(args).takeWhile(a -> !a.equals("--"))
                .anyMatch(a -> a.equals("--stacktrace") || a.matches("-[a-wyzA-Z]*x[a-zA-Z]*"));
        if (trace) ex.printStackTrace(err);
        err.flush();
        return ExitCode.INVALID_INPUT;
    }

    /** True if any command in the chain (root, subcommand, ...) matched -x/--stacktrace. */
    static boolean stacktraceRequested(ParseResult pr) {
        for (ParseResult p = pr; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--stacktrace")) return true;
        }
        return false;
    }

    /** The failure of another rank of a data-parallel job behind {@code t}, if any. */
    static dev.jtune.distributed.PeerFailure peerFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof dev.jtune.distributed.PeerFailure p) return p;
        }
        return null;
    }

    /** The JTuneException that caused {@code t}, if any (it may arrive wrapped). */
    static JTuneException inputError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof JTuneException) return (JTuneException) c;
        }
        return null;
    }

    /** The exception's type and the first line of its message: libtorch messages carry a C++ backtrace after it. */
    static String oneLine(Throwable t) {
        String msg = t.getMessage();
        String first = msg == null ? "" : msg.strip().lines().findFirst().orElse("");
        String type = t.getClass().getSimpleName();
        return first.isEmpty() ? type : type + ": " + first;
    }
}
