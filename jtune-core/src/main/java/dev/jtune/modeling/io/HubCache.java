package dev.jtune.modeling.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a model that the Hugging Face hub client already downloaded ({@code models--org--name/snapshots/<rev>/});
 * never goes online.
 */
public final class HubCache {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?");

    private HubCache() {}

    /** {@code $HF_HUB_CACHE}, else {@code $HF_HOME/hub}, else {@code ~/.cache/huggingface/hub}. */
    public static Path defaultHubRoot() {
        String hubCache = System.getenv("HF_HUB_CACHE");
        if (hubCache != null && !hubCache.isBlank()) return Path.of(hubCache);
        String hfHome = System.getenv("HF_HOME");
        if (hfHome != null && !hfHome.isBlank()) return Path.of(hfHome, "hub");
        return Path.of(System.getProperty("user.home"), ".cache", "huggingface", "hub");
    }

    /** The cached snapshot folder of hub model {@code id} ("org/name"), if the local cache has one. */
    public static Optional<Path> resolve(String id) {
        return resolve(id, defaultHubRoot());
    }

    /** As {@link #resolve(String)}, in the hub cache folder {@code hubRoot}. */
    public static Optional<Path> resolve(String id, Path hubRoot) {
        if (id == null || !ID.matcher(id).matches() || id.contains("..")) return Optional.empty();
        Path repo = hubRoot.resolve("models--" + id.replace("/", "--"));
        Path snapshots = repo.resolve("snapshots");
        if (!Files.isDirectory(snapshots)) return Optional.empty();
        Path ref = repo.resolve("refs").resolve("main");
        if (Files.isRegularFile(ref)) {
            try {
                String rev = Files.readString(ref, StandardCharsets.UTF_8).trim();
                if (rev.matches("[0-9A-Za-z]+")) {
                    Path snap = snapshots.resolve(rev);
                    if (Files.isDirectory(snap)) return Optional.of(snap);
                }
            } catch (IOException ignored) {
                // fall back to the newest snapshot
            }
        }
        try (Stream<Path> s = Files.list(snapshots)) {
            return s.filter(Files::isDirectory).max(Comparator.comparing(HubCache::modified));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
