package dev.jtune.trainer;

import dev.jtune.JTuneException;
import dev.jtune.io.AtomicFiles;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The training output folder ({@code output_dir}, CLI {@code --output-dir}), checked before the first step: it
 * must be a folder (or not exist yet, under a writable parent), not a file and not a dangling link; one run writes
 * into it at a time ({@link #lock}, a file lock the OS releases when the process dies, even under SIGKILL); a
 * non-empty folder is not mixed with a new run unless asked ({@link #prepare}); temporary folders that a killed run
 * left behind are removed ({@link #removeLeftovers}).
 */
public final class OutputDir {
    /** The lock file inside the output folder; it names the run that holds it. */
    public static final String LOCK_FILE = ".jtune.lock";

    private OutputDir() {}

    /** Throws unless {@code dir} can be written: an existing folder, or a missing one whose nearest parent is a writable folder. */
    public static void checkUsable(Path dir) {
        String flag = " (HF output_dir, CLI --output-dir)";
        if (Files.isSymbolicLink(dir) && !Files.exists(dir)) {
            throw new JTuneException("output folder " + dir + " is a link to something that does not exist" + flag,
                    "the output folder must be a folder, or a path where one can be created",
                    "remove the dangling link or pass another --output-dir");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new JTuneException("output folder " + dir + " is a file, not a folder" + flag,
                    "train writes the model, results and checkpoints into a folder",
                    "pass another --output-dir, or move the file away");
        }
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) existing = existing.getParent();
        if (existing == null || !Files.isDirectory(existing)) {
            throw new JTuneException("output folder " + dir + " cannot be created: " + existing + " is not a folder" + flag,
                    "the output folder's parents must be folders", "pass another --output-dir");
        }
        if (!Files.isWritable(existing)) {
            throw new JTuneException("output folder " + dir + " is not writable (" + existing + " is read-only for this user)" + flag,
                    "train writes into --output-dir, so it must be writable before the first step",
                    "pass a writable --output-dir, or change the folder's permissions");
        }
    }

    /**
     * Refuses to mix a new run with an old one: a non-empty {@code dir} is an error unless {@code overwrite} (the
     * old run's checkpoints and result files are then removed, as {@code run_glue.py --overwrite_output_dir} allows)
     * or {@code resuming}. Returns what was removed.
     */
    public static List<Path> prepare(Path dir, boolean overwrite, boolean resuming) {
        if (!Files.isDirectory(dir)) return List.of();
        List<Path> content = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (!n.equals(LOCK_FILE) && !n.contains(".tmp-")) content.add(p); // leftovers are removed, not a run
            }
        } catch (IOException e) {
            throw new JTuneException("cannot list output folder " + dir + ": " + e, "the output folder must be readable", "check its permissions", e);
        }
        if (content.isEmpty() || resuming) return List.of();
        if (!overwrite) {
            List<String> names = content.stream().map(p -> p.getFileName().toString()).sorted().limit(5).toList();
            throw new JTuneException("output folder " + dir + " already exists and is not empty (" + content.size() + " entries: "
                    + String.join(", ", names) + (content.size() > 5 ? ", ..." : "") + ") (CLI --output-dir)",
                    "a new run does not mix its files with an old run's (HF run_glue: Output directory already exists and is not empty)",
                    "pass another --output-dir, --overwrite-output-dir to replace the old run, or --resume-from-checkpoint to continue it");
        }
        for (Path p : content) {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) AtomicFiles.deleteTree(p);
            else {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new JTuneException("cannot remove " + p + " (--overwrite-output-dir): " + e, "the output folder must be writable",
                            "check its permissions", e);
                }
            }
        }
        return content;
    }

    /** Removes {@code checkpoint-N.tmp-*} folders and {@code *.tmp-*} files that a killed run left in {@code dir}. */
    public static List<Path> removeLeftovers(Path dir) {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(dir)) return removed;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.tmp-*")) {
            for (Path p : ds) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) AtomicFiles.deleteTree(p);
                else Files.deleteIfExists(p);
                removed.add(p);
            }
        } catch (IOException e) {
            throw new JTuneException("cannot clean temporary files in " + dir + ": " + e, "the output folder must be writable", "check its permissions", e);
        }
        return removed;
    }

    private static final Map<Path, Lock> HELD = new ConcurrentHashMap<>();

    /** Holds {@link #LOCK_FILE} of one output folder; reentrant within a process; {@link #close} releases it. */
    public static final class Lock implements AutoCloseable {
        private final Path key;
        private final Path file;
        private final FileChannel channel;
        private final FileLock lock;
        private final boolean created;
        private int holds = 1;

        private Lock(Path key, Path file, FileChannel channel, FileLock lock, boolean created) {
            this.created = created;
            this.key = key;
            this.file = file;
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() {
            synchronized (HELD) {
                if (--holds > 0) return;
                HELD.remove(key);
                try {
                    Files.deleteIfExists(file);
                    lock.release();
                    channel.close();
                    // a run that stopped before writing anything leaves no folder behind
                    if (created) {
                        try (DirectoryStream<Path> ds = Files.newDirectoryStream(key)) {
                            if (!ds.iterator().hasNext()) Files.deleteIfExists(key);
                        }
                    }
                } catch (IOException ignored) {
                    // the OS releases the lock when the process ends anyway
                }
            }
        }
    }

    /**
     * Takes the output folder's lock (creating the folder): a second run on the same folder, in this or another
     * process, is an error naming the first (its process id, host and start time from the lock file).
     */
    public static Lock lock(Path dir) {
        checkUsable(dir);
        synchronized (HELD) {
            Path key = dir.toAbsolutePath().normalize();
            Lock held = HELD.get(key);
            if (held != null) {
                held.holds++;
                return held;
            }
            Path file = key.resolve(LOCK_FILE);
            FileChannel ch = null;
            boolean created = !Files.exists(key);
            try {
                Files.createDirectories(key);
                ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock l;
                try {
                    l = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    l = null;
                }
                if (l == null) {
                    String owner = Files.readString(file, StandardCharsets.UTF_8).strip();
                    ch.close();
                    throw new JTuneException("output folder " + dir + " is in use by another jtune run ("
                            + (owner.isEmpty() ? "unknown" : owner) + ") (CLI --output-dir)",
                            "one run writes into an output folder at a time (" + file + " is locked)",
                            "wait for that run to finish, stop it, or pass another --output-dir");
                }
                String me = "pid " + ProcessHandle.current().pid() + " on " + host() + ", started " + Instant.now()
                        + ", " + ManagementFactory.getRuntimeMXBean().getName();
                ch.truncate(0);
                ch.write(java.nio.ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.UTF_8)), 0);
                ch.force(true);
                Lock lock = new Lock(key, file, ch, l, created);
                HELD.put(key, lock);
                return lock;
            } catch (IOException e) {
                try {
                    if (ch != null) ch.close();
                } catch (IOException ignored) {
                    // already failing
                }
                throw new JTuneException("cannot lock output folder " + dir + ": " + e, "the output folder must be writable",
                        "check its permissions or pass another --output-dir", e);
            }
        }
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "this host";
        }
    }
}
