package dev.jtune.modeling;

import dev.jtune.JTuneException;
import dev.jtune.modeling.io.BuiltinModels;
import dev.jtune.modeling.io.HubCache;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Resolves what a user passes as a model — a folder, a Hub id, or {@code minilm} — to a local Hugging Face folder,
 * without touching the network: the built-in all-MiniLM-L6-v2 is imported from its Maven artifact, Hub ids come
 * from an existing local Hugging Face cache.
 */
public final class AutoModel {
    static {
        dev.jtune.torch.Engine.init(); // before any libtorch class: picks the BLAS (MKL when on the classpath)
    }

    /** Names that mean the built-in all-MiniLM-L6-v2. */
    public static final List<String> BUILTIN_NAMES = List.of("minilm", "all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2");

    private AutoModel() {}

    /** A local folder for {@code nameOrPath}; an unknown id is an error saying how to download it. */
    public static Path resolve(String nameOrPath) {
        if (nameOrPath == null || nameOrPath.isBlank()) {
            throw new JTuneException("no model given (CLI --model)", "a model is a folder, a Hub id in the local cache, or minilm",
                    "pass --model minilm for the built-in all-MiniLM-L6-v2");
        }
        Path p = Path.of(nameOrPath);
        boolean builtin = BUILTIN_NAMES.contains(nameOrPath.toLowerCase(Locale.ROOT));
        // a folder wins, unless it is a stray folder of the built-in's name without a config.json
        if (Files.isDirectory(p) && (!builtin || Files.isRegularFile(p.resolve("config.json")))) return p;
        if (builtin) return BuiltinModels.allMiniLmL6V2(BuiltinModels.defaultCacheRoot());
        var cached = HubCache.resolve(nameOrPath);
        if (cached.isPresent()) return cached.get();
        boolean looksLikeId = nameOrPath.matches("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*") && !Files.exists(p);
        throw new JTuneException(
                looksLikeId ? "model \"" + nameOrPath + "\" (CLI --model) is neither a folder nor in the local Hugging Face cache ("
                        + HubCache.defaultHubRoot() + ")" : "model folder not found: " + nameOrPath + " (CLI --model)",
                "jtune never downloads weights; it loads a folder, a Hub id already in the local cache, or the built-in minilm",
                looksLikeId ? "download it once, e.g. `huggingface-cli download " + nameOrPath + " --local-dir ./" + nameOrPath.replace('/', '-')
                        + "`, then pass --model ./" + nameOrPath.replace('/', '-') : "check the path, or use --model minilm");
    }
}
