package dev.jtune.trainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code checkpoint-N} folders: HF's {@code _sorted_checkpoints}, {@code _rotate_checkpoints} and
 * {@code get_last_checkpoint}. The best checkpoint is never deleted.
 */
public final class CheckpointRotation {
    public static final String PREFIX_CHECKPOINT_DIR = "checkpoint";
    private static final Pattern NAME = Pattern.compile(PREFIX_CHECKPOINT_DIR + "-([0-9]+)");

    private CheckpointRotation() {}

    /**
     * The checkpoint folders of {@code outputDir} ordered by step, with the best one (if among them) moved to the
     * second-to-last place so that rotation, which deletes from the front, keeps it.
     */
    public static List<Path> sorted(Path outputDir, String bestModelCheckpoint) {
        List<Path> dirs = new ArrayList<>();
        if (!Files.isDirectory(outputDir)) return dirs;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(outputDir, PREFIX_CHECKPOINT_DIR + "-*")) {
            for (Path p : ds) if (Files.isDirectory(p) && step(p) >= 0) dirs.add(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + outputDir, e);
        }
        dirs.sort(Comparator.comparingLong(CheckpointRotation::step));
        if (bestModelCheckpoint != null) {
            Path best = Path.of(bestModelCheckpoint).toAbsolutePath().normalize();
            int idx = -1;
            for (int i = 0; i < dirs.size(); i++) {
                if (dirs.get(i).toAbsolutePath().normalize().equals(best)) idx = i;
            }
            if (idx >= 0) {
                for (int i = idx; i < dirs.size() - 2; i++) {
                    Path t = dirs.get(i);
                    dirs.set(i, dirs.get(i + 1));
                    dirs.set(i + 1, t);
                }
            }
        }
        return dirs;
    }

    /**
     * Deletes the oldest checkpoints beyond {@code saveTotalLimit} (null or {@code <= 0}: no limit), never the best
     * one; with limit 1 and a best checkpoint that is not the newest, 2 are kept (so training can resume).
     *
     * @return the deleted folders
     */
    public static List<Path> rotate(Path outputDir, Integer saveTotalLimit, String bestModelCheckpoint) {
        List<Path> deleted = new ArrayList<>();
        if (saveTotalLimit == null || saveTotalLimit <= 0) return deleted;
        List<Path> sorted = sorted(outputDir, bestModelCheckpoint);
        if (sorted.size() <= saveTotalLimit) return deleted;
        int limit = saveTotalLimit;
        if (bestModelCheckpoint != null && limit == 1 && !sorted.get(sorted.size() - 1).toAbsolutePath().normalize()
                .equals(Path.of(bestModelCheckpoint).toAbsolutePath().normalize())) {
            limit = 2;
        }
        int n = Math.max(0, sorted.size() - limit);
        for (Path p : sorted.subList(0, n)) {
            deleteRecursively(p);
            deleted.add(p);
        }
        return deleted;
    }

    /** The checkpoint folder with the highest step, or null (HF {@code get_last_checkpoint}). */
    public static Path lastCheckpoint(Path outputDir) {
        List<Path> all = sorted(outputDir, null);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /** N of {@code checkpoint-N}, or -1. */
    public static long step(Path dir) {
        Matcher m = NAME.matcher(dir.getFileName().toString());
        if (!m.matches()) return -1;
        try {
            return Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // HF: shutil.rmtree(ignore_errors=True)
                }
            });
        } catch (IOException ignored) {
            // same
        }
    }
}
