package dev.jtune.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one place where jtune's JSON readers get their budgets: every config.json, {@code --args} file, JSONL row,
 * trainer_state.json and tokenizer config is parsed by a mapper from here, with a nesting limit of
 * {@link #MAX_NESTING_DEPTH} (a 100,000-deep document is refused in microseconds, not a stack overflow) and Jackson's
 * default string and number length limits.
 */
public final class Json {
    private Json() {}

    /** Deepest nesting of arrays and objects accepted (HF files nest 3-4 levels; tokenizer.json about 6). */
    public static final int MAX_NESTING_DEPTH = 64;

    /** A mapper builder with jtune's read constraints; callers add their own features. */
    public static JsonMapper.Builder builder() {
        JsonFactory f = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build()).build();
        return JsonMapper.builder(f);
    }

    /**
     * One line for a parse failure: the message and, when known, the line and column ("line 3, column 7"). A
     * constraint failure (too deep, a string too long) has no location; it is named with the limit instead.
     */
    public static String describe(JsonProcessingException e) {
        String msg = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        msg = msg.strip().lines().findFirst().orElse(msg);
        if (e instanceof StreamConstraintsException) {
            if (msg.contains("nesting depth")) {
                return "arrays and objects nested more than " + MAX_NESTING_DEPTH + " levels deep (jtune reads JSON nested at most "
                        + MAX_NESTING_DEPTH + " levels)";
            }
            return msg.replaceAll(" ?\\(from `StreamReadConstraints[^)]*\\)", "");
        }
        JsonLocation loc = e.getLocation();
        if (loc == null || loc.getLineNr() < 0) return msg;
        return "line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": " + msg;
    }
}
