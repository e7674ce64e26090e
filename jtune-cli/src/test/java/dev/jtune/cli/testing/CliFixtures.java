package dev.jtune.cli.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** Copy of jtune-core's test helper dev.jtune.testing.Fixtures (its test jar is not on this module's classpath).
 *
 * Locates {@code ../shared} (golden fixtures and data samples from the independent PyTorch reference).
 *
 * <p>When it is absent (a user's clone), tests that need it are skipped; when {@code JTUNE_REQUIRE_FIXTURES=1}
 * (as {@code .ci/run} sets), its absence fails the test instead.
 */
public final class CliFixtures {
    private CliFixtures() {}

    /** The shared folder, or a skip (or failure under JTUNE_REQUIRE_FIXTURES=1) when it is missing. */
    public static Path shared() {
        String prop = System.getProperty("jtune.shared");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "..", "shared");
        if (!Files.isDirectory(p.resolve("fixtures"))) {
            Path alt = Path.of("..", "..", "shared");
            if (Files.isDirectory(alt.resolve("fixtures"))) p = alt;
        }
        if (!Files.isDirectory(p.resolve("fixtures"))) {
            if ("1".equals(System.getenv("JTUNE_REQUIRE_FIXTURES"))) {
                Assertions.fail("JTUNE_REQUIRE_FIXTURES=1 but the shared fixtures folder is missing: " + p.toAbsolutePath());
            }
            Assumptions.abort("shared fixtures not found at " + p.toAbsolutePath() + " (set -Djtune.shared=DIR)");
        }
        return p.toAbsolutePath().normalize();
    }

    public static Path fixtures() { return shared().resolve("fixtures"); }

    public static Path cases() { return fixtures().resolve("cases"); }

    public static Path model(String name) { return fixtures().resolve("models").resolve(name); }

    public static Path data(String name) { return shared().resolve("data").resolve(name); }
}
