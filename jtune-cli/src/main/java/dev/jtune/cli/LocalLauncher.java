package dev.jtune.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code jtune train --nproc-per-node N}: starts N ranks of the same command on this machine, as {@code torchrun}
 * does (same java, same JVM options and classpath; {@code MASTER_ADDR}, {@code MASTER_PORT}, {@code WORLD_SIZE},
 * {@code RANK}, {@code LOCAL_RANK} set per rank; {@code JTUNE_THREADS} = cores / N unless set), streams rank 0's
 * output, prefixes the other ranks' warnings and errors (their stderr) with {@code [rank R]}, and returns the worst
 * exit code. When a rank fails, the others stop by themselves (their next collective fails, naming it); one still
 * running {@link #GRACE_SECONDS} later is stopped.
 */
final class LocalLauncher {
    /** Seconds the other ranks get to stop by themselves after one failed. */
    static final int GRACE_SECONDS = 30;
    /** The launcher's own flags, not passed to the ranks (they get the environment instead). */
    private static final Set<String> OWN_FLAGS = Set.of("--nproc-per-node", "--nproc_per_node", "--nnodes", "--node-rank", "--node_rank",
            "--master-addr", "--master_addr", "--master-port", "--master_port");

    private LocalLauncher() {}

    static int run(List<String> trainArgs, DistributedOptions o, PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        o.checkLauncher();
        int n = o.nprocPerNode, nodes = o.nnodes == null ? 1 : o.nnodes, node = o.nodeRank == null ? 0 : o.nodeRank;
        Map<String, String> env = System.getenv();
        String addr = o.masterAddr != null ? o.masterAddr : env.getOrDefault("MASTER_ADDR", "127.0.0.1");
        int port = o.masterPort != null ? o.masterPort : env.get("MASTER_PORT") != null ? Integer.parseInt(env.get("MASTER_PORT").trim())
                : nodes == 1 ? freePort() : 29500;
        int world = n * nodes;
        List<String> cmd = javaCommand();
        cmd.add("train");
        cmd.addAll(withoutOwnFlags(trainArgs));
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / n);
        out.println("Launching " + n + " rank(s) on this machine (ranks " + node * n + ".." + (node * n + n - 1) + " of " + world
                + "), rendezvous at " + addr + ":" + port + (env.containsKey("JTUNE_THREADS") ? "" : ", " + threads + " thread(s) each")
                + "; rank 0's output follows, other ranks' warnings and errors are prefixed [rank R]");
        out.flush();
        List<Process> procs = new ArrayList<>();
        List<Thread> pumps = new ArrayList<>();
        Thread onInterrupt = new Thread(() -> { // Ctrl-C reaches the ranks too (same process group): let them save and stop
            for (Process p : procs) {
                try {
                    p.waitFor(150, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "jtune-launcher-ctrl-c");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            for (int i = 0; i < n; i++) {
                int rank = node * n + i;
                ProcessBuilder pb = new ProcessBuilder(cmd);
                Map<String, String> e = pb.environment();
                e.put("MASTER_ADDR", addr);
                e.put("MASTER_PORT", String.valueOf(port));
                e.put("WORLD_SIZE", String.valueOf(world));
                e.put("RANK", String.valueOf(rank));
                e.put("LOCAL_RANK", String.valueOf(i));
                e.put("LOCAL_WORLD_SIZE", String.valueOf(n));
                e.putIfAbsent("JTUNE_THREADS", String.valueOf(threads));
                Process p = pb.start();
                procs.add(p);
                if (rank == 0) {
                    pumps.add(pump(p.getInputStream(), out, null, false));
                    pumps.add(pump(p.getErrorStream(), err, null, false));
                } else {
                    pumps.add(pump(p.getInputStream(), null, null, false));
                    pumps.add(pump(p.getErrorStream(), err, "[rank " + rank + "] ", true));
                }
            }
            int worst = 0;
            long failedAt = 0;
            boolean[] done = new boolean[n];
            int left = n;
            while (left > 0) {
                for (int i = 0; i < n; i++) {
                    Process p = procs.get(i);
                    if (done[i] || p.isAlive()) continue;
                    done[i] = true;
                    left--;
                    int code = p.exitValue();
                    worst = Math.max(worst, code);
                    if (code != 0) {
                        synchronized (err) {
                            err.println("[launcher] rank " + (node * n + i) + " exited with code " + code + describe(code)
                                    + (left > 0 && failedAt == 0 ? "; the other ranks stop at their next collective (at most " + GRACE_SECONDS + " s here)" : ""));
                            err.flush();
                        }
                        if (failedAt == 0) failedAt = System.nanoTime();
                    }
                }
                if (failedAt != 0 && left > 0 && System.nanoTime() - failedAt > TimeUnit.SECONDS.toNanos(GRACE_SECONDS)) {
                    for (int i = 0; i < n; i++) {
                        if (!done[i] && procs.get(i).isAlive()) {
                            synchronized (err) {
                                err.println("[launcher] rank " + (node * n + i) + " still runs " + GRACE_SECONDS + " s after a rank failed: stopping it");
                            }
                            procs.get(i).destroy();
                            if (!procs.get(i).waitFor(20, TimeUnit.SECONDS)) procs.get(i).destroyForcibly();
                        }
                    }
                }
                Thread.sleep(100);
            }
            for (Thread t : pumps) t.join(5000);
            return worst;
        } finally {
            for (Process p : procs) if (p.isAlive()) p.destroyForcibly();
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for the ranks
            }
        }
    }

    private static String describe(int code) {
        if (code > 128) return " (signal " + (code - 128) + (code == 137 ? ", killed" : code == 143 ? ", terminated" : "") + ")";
        return code == 2 ? " (invalid input)" : code == 1 ? " (error)" : "";
    }

    /** The same java with the same JVM options and classpath, running jtune's main class. */
    static List<String> javaCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib:jdwp")) cmd.add(a); // a debugger port cannot be shared
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(JTune.class.getName());
        return cmd;
    }

    /** The train arguments without the launcher's own flags (and their values). */
    static List<String> withoutOwnFlags(List<String> args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (OWN_FLAGS.contains(name)) {
                if (!a.contains("=")) i++; // skip the value
                continue;
            }
            out.add(a);
        }
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Copies lines to {@code to} (null: drops them), with a prefix; {@code quiet} drops progress lines. */
    private static Thread pump(InputStream in, PrintWriter to, String prefix, boolean quiet) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (to == null || (quiet && line.startsWith("progress:"))) continue;
                    synchronized (to) {
                        to.println(prefix == null ? line : prefix + line);
                        to.flush();
                    }
                }
            } catch (IOException ignored) {
                // the rank exited
            }
        }, "jtune-launcher-pump");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
