package dev.jtune.cli;

import java.io.PrintWriter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Routes jtune-core's System.Logger (java.util.logging) to the command's error stream: warnings always, INFO with --verbose. */
final class Logging {
    private static final Logger ROOT = Logger.getLogger("dev.jtune");

    private Logging() {}

    static void configure(boolean verbose, PrintWriter err) {
        for (Handler h : ROOT.getHandlers()) ROOT.removeHandler(h);
        ROOT.setUseParentHandlers(false);
        Level level = verbose ? Level.INFO : Level.WARNING;
        ROOT.setLevel(level);
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() < level.intValue()) return;
                String msg = r.getMessage();
                if (r.getParameters() != null && r.getParameters().length > 0) {
                    msg = java.text.MessageFormat.format(msg, r.getParameters());
                }
                String tag = r.getLevel().intValue() >= Level.WARNING.intValue() ? "warning: " : "";
                err.println(tag + msg);
                err.flush();
            }

            @Override public void flush() { err.flush(); }
            @Override public void close() {}
        };
        h.setLevel(level);
        ROOT.addHandler(h);
    }
}
