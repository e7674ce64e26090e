package dev.jtune.io;

import java.nio.file.Path;

/**
 * jtune's own cache folder, one root for everything jtune keeps between runs: {@code $JTUNE_HOME} when set, else
 * {@code $XDG_CACHE_HOME/jtune}, else {@code ~/.cache/jtune}. Under it: {@code models/} (the built-in model, converted
 * once), {@code engine-choices.json} (the engine probe's measurements), and, written by the {@code ./jtune} launcher,
 * {@code cds/} (the class-data-sharing archive) and {@code logs/} (JVM crash reports).
 */
public final class JTuneHome {
    private JTuneHome() {}

    /** The root folder (not created here). */
    public static Path root() {
        String home = System.getenv("JTUNE_HOME");
        if (home != null && !home.isBlank()) return Path.of(home);
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "jtune");
        return Path.of(System.getProperty("user.home"), ".cache", "jtune");
    }
}
