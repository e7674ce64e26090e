package dev.jtune.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** The {@code jtune} root command: fine-tune BERT-style encoders like Hugging Face transformers, from the shell. */
@Command(name = "jtune",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        header = "Fine-tune BERT-style text classifiers the way Hugging Face transformers does, in Java.",
        description = {
            "",
            "Examples:",
            "  jtune demo",
            "      fine-tune the built-in MiniLM on shipped sentiment data, evaluate, predict",
            "  jtune models list",
            "      the models available offline (built in, Hugging Face cache)",
            "  jtune train --model minilm --train train.tsv --eval dev.tsv --output-dir out",
            "      fine-tune a classifier; the label column picks the task",
            "  jtune explain --model minilm --train train.tsv",
            "      labels, balance and warnings for this model and data",
            "  jtune predict --model out --input new.tsv --output predictions.jsonl",
            "      predictions in input order",
            ""
        },
        footer = {"", "Exit codes: 0 ok, 1 internal error, 2 invalid input. Run 'jtune COMMAND --help' for a command's options."},
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, ExplainCommand.class,
            DemoCommand.class, ModelsCommand.class, CommandLine.HelpCommand.class})
public class JTune implements Callable<Integer> {
    @Mixin StandardOptions standard;
    @Spec CommandSpec spec;

    /** Called alone: print the usage and fail (a command is required). */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.INVALID_INPUT;
    }

    /** The configured command line, shared by {@link #main} and the tests. */
    public static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new JTune());
        ErrorHandler handler = new ErrorHandler(err);
        cl.setOut(out);
        cl.setErr(err);
        cl.setAbbreviatedOptionsAllowed(false);
        cl.setAbbreviatedSubcommandsAllowed(false);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpAutoWidth(true);
        cl.setExecutionExceptionHandler(handler);
        cl.setParameterExceptionHandler(handler);
        return cl;
    }

    /**
     * Runs the command line with the one top-level guard: an {@link Error} that escapes a command (out of memory,
     * a stack overflow, a native library that failed to link) ends with one line and exit 1, no stack trace unless
     * {@code -x/--stacktrace}. picocli's handlers see only {@link Exception}s; this catches the rest.
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        try {
            return newCommandLine(out, err).execute(args);
        } catch (Throwable t) {
            return ErrorHandler.fatal(t, java.util.Arrays.asList(args).contains("--stacktrace")
                    || java.util.Arrays.stream(args).anyMatch(a -> a.matches("-[a-wyzA-Z]*x[a-zA-Z]*")), err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    public static void main(String[] args) {
        dev.jtune.io.StartupTrace.mark("JVM started, main() entered");
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("java.awt.headless", "true");
        // before any libtorch class loads: DJL offline, JavaCPP's natives first, MKL as the fp32 BLAS (JTUNE_BLAS)
        try {
            dev.jtune.torch.Engine.configureNatives();
        } catch (dev.jtune.JTuneException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(ExitCode.INVALID_INPUT);
        }
        // DJL brings slf4j-api without a provider; its three-line notice on every run is noise
        if (System.getProperty("slf4j.internal.verbosity") == null) System.setProperty("slf4j.internal.verbosity", "ERROR");
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = run(args, out, err);
        dev.jtune.io.StartupTrace.mark("results written");
        dev.jtune.io.StartupTrace.print(System.err);
        System.exit(code);
    }
}
