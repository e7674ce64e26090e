package dev.jtune.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code jtune models}: the models jtune can use. */
@Command(mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, name = "models", header = "List the models jtune can use offline, or import an ONNX export.",
        subcommands = {ModelsListCommand.class, ModelsImportOnnxCommand.class})
public class ModelsCommand implements Callable<Integer> {
    @Mixin StandardOptions standard;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.INVALID_INPUT;
    }
}
