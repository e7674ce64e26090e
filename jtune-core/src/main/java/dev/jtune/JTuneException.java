package dev.jtune;

/**
 * An error caused by user input (a file, a row, a configuration value, an argument).
 *
 * <p>Every message has three parts: <b>what</b> was wrong (the value, file, row or field, the HF name and the
 * CLI flag), the <b>rule</b> it broke, and the <b>fix</b>. The CLI maps this exception to exit code 2 and prints
 * the message without a stack trace. Internal faults are any other exception (exit code 1).
 */
public class JTuneException extends RuntimeException {
    private final String what;
    private final String rule;
    private final String fix;

    public JTuneException(String what, String rule, String fix) {
        this(what, rule, fix, null);
    }

    public JTuneException(String what, String rule, String fix, Throwable cause) {
        super(compose(what, rule, fix), cause);
        this.what = what;
        this.rule = rule;
        this.fix = fix;
    }

    private static String compose(String what, String rule, String fix) {
        StringBuilder sb = new StringBuilder(what);
        if (rule != null && !rule.isBlank()) sb.append("\n  rule: ").append(rule);
        if (fix != null && !fix.isBlank()) sb.append("\n  fix:  ").append(fix);
        return sb.toString();
    }

    public String what() { return what; }
    public String rule() { return rule; }
    public String fix() { return fix; }
}
