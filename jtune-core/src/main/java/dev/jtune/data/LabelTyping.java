package dev.jtune.data;

import dev.jtune.JTuneException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides how a label column is typed, over the whole column: integers are class ids, names are classes, any
 * non-integer number makes it regression, lists make it multi-label; mixed types are an error at the first row
 * that differs from the first row's type.
 */
final class LabelTyping {
    record Item(long line, LabelValue value) {}

    /** The decision, and the label of each accepted line. */
    static final class Result {
        private final LabelKind kind;
        private final LabelMap labelMap;
        private final Set<Long> rejected;
        private final Map<Long, LabelValue> values;

        Result(LabelKind kind, LabelMap labelMap, Set<Long> rejected, Map<Long, LabelValue> values) {
            this.kind = kind; this.labelMap = labelMap; this.rejected = rejected; this.values = values;
        }

        LabelKind kind() { return kind; }
        LabelMap labelMap() { return labelMap; }
        Set<Long> rejected() { return rejected; }

        Example example(long line, String id, String text, String pair) {
            LabelValue v = values.get(line);
            switch (kind) {
                case NONE: return Example.unlabeled(id, text, pair, line);
                case REGRESSION: return Example.ofValue(id, text, pair, (float) v.number, line);
                case CLASS_INDEX:
                    int cls = v.type == LabelValue.Type.INT ? (int) v.intValue : labelMap.id(v.names.get(0));
                    return Example.ofClass(id, text, pair, cls, line);
                default:
                    float[] hot = new float[labelMap.size()];
                    if (v.type == LabelValue.Type.HOT) for (int i = 0; i < hot.length; i++) hot[i] = (float) v.hot[i];
                    else for (String n : v.names) hot[labelMap.id(n)] = 1f;
                    return Example.ofMultiHot(id, text, pair, hot, line);
            }
        }
    }

    private enum Group { NUMERIC, NAME, NAMES, HOT }

    private final Path file;
    private final String column;
    private final ReadOptions opts;
    private final RowSink sink;
    private final Set<Long> rejected = new HashSet<>();

    /** Where row errors go: the reader throws, or skips and records. */
    interface RowSink { void reject(long line, DatasetReader.RowError e); }

    LabelTyping(Path file, String column, ReadOptions opts, RowSink sink) {
        this.file = file;
        this.column = column;
        this.opts = opts;
        this.sink = sink;
    }

    Result type(List<Item> items) {
        Map<Long, LabelValue> values = new HashMap<>();
        if (column == null) return new Result(LabelKind.NONE, null, rejected, values);
        LabelKind forced = opts.problemType();

        // 1. The column's group: forced, or that of the first row (an empty list fits either list group).
        Group expected = null;
        Item firstOfGroup = null;
        if (forced == LabelKind.REGRESSION) expected = Group.NUMERIC;
        for (Item it : items) {
            Group g = group(it.value(), forced);
            if (g == null) continue;
            if (expected == null) expected = g;
            if (g == expected) { firstOfGroup = it; break; }
        }
        if (expected == null) expected = Group.NAMES;

        // 2. Rows that do not fit the group.
        List<Item> kept = new ArrayList<>();
        for (Item it : items) {
            try {
                check(it, expected, firstOfGroup, forced);
                kept.add(it);
            } catch (DatasetReader.RowError e) {
                reject(it.line(), e);
            }
        }

        // 3. The kind.
        LabelKind kind = forced;
        if (kind == null) {
            switch (expected) {
                case NUMERIC:
                    kind = kept.stream().allMatch(it -> it.value().type == LabelValue.Type.INT)
                            ? LabelKind.CLASS_INDEX : LabelKind.REGRESSION;
                    break;
                case NAME: kind = LabelKind.CLASS_INDEX; break;
                default: kind = LabelKind.MULTI_HOT;
            }
        }

        // 4. Values and the label map.
        LabelMap given = opts.label2id() == null ? null : LabelMap.fromLabel2id(opts.label2id());
        LabelMap map = null;
        List<Item> accepted = new ArrayList<>();
        switch (kind) {
            case REGRESSION:
                for (Item it : kept) {
                    if (!Double.isFinite(it.value().number)) {
                        reject(it.line(), new DatasetReader.RowError("label column \"" + column + "\" is " + it.value().shown
                                + ", not a finite number", "regression labels are finite numbers",
                                "fix the score or delete the row"));
                    } else accepted.add(it);
                }
                break;
            case CLASS_INDEX:
                map = classes(kept, expected, given, accepted);
                break;
            default:
                map = multiLabels(kept, expected, given, accepted);
        }
        for (Item it : accepted) values.put(it.line(), it.value());
        return new Result(kind, map, rejected, values);
    }

    private LabelMap classes(List<Item> kept, Group expected, LabelMap given, List<Item> accepted) {
        if (expected == Group.NUMERIC) {
            long max = -1;
            for (Item it : kept) {
                long v = it.value().intValue;
                if (v < 0 && v != Example.IGNORE_INDEX) {
                    reject(it.line(), new DatasetReader.RowError("label column \"" + column + "\" is class id " + v,
                            "class ids are 0..num_labels-1, or -100 for a row the loss ignores", "fix the class id"));
                } else if (given != null && v >= given.size()) {
                    reject(it.line(), new DatasetReader.RowError("label column \"" + column + "\" is class id " + v
                            + " but label2id has " + given.size() + " classes " + given.id2label(),
                            "class ids are below num_labels (" + given.size() + ")", "fix the class id"));
                } else if (v > 100_000) {
                    reject(it.line(), new DatasetReader.RowError("label column \"" + column + "\" is class id " + v,
                            "class ids are 0..num_labels-1 (at most 100000)",
                            "renumber the classes, or pass --problem-type regression if it is a numeric target"));
                } else {
                    max = Math.max(max, v);
                    accepted.add(it);
                }
            }
            return given != null ? given : LabelMap.numbered((int) (max + 1));
        }
        Set<String> names = new LinkedHashSet<>();
        for (Item it : kept) {
            String n = it.value().names.get(0);
            if (given != null && given.id(n) < 0) {
                reject(it.line(), unknown(n, given));
            } else {
                names.add(n);
                accepted.add(it);
            }
        }
        return given != null ? given : LabelMap.sorted(names);
    }

    private LabelMap multiLabels(List<Item> kept, Group expected, LabelMap given, List<Item> accepted) {
        if (expected == Group.HOT) {
            int width = -1;
            for (Item it : kept) {
                double[] hot = it.value().hot;
                if (width < 0) width = hot.length;
                String bad = null;
                if (hot.length != width) bad = "has " + hot.length + " entries, but the first row has " + width;
                else for (double d : hot) if (d != 0 && d != 1) { bad = "holds " + d + ", not 0 or 1"; break; }
                if (bad != null) {
                    reject(it.line(), new DatasetReader.RowError("label column \"" + column + "\" " + it.value().shown + " " + bad,
                            "a multi-hot label is a list of 0/1 with one entry per class", "fix the list"));
                } else accepted.add(it);
            }
            if (given != null && width >= 0 && given.size() != width) {
                throw new JTuneException(file + " column \"" + column + "\": multi-hot lists have " + width
                        + " entries but label2id has " + given.size() + " classes",
                        "one 0/1 entry per class", "pass a label2id with " + width + " classes");
            }
            return given != null ? given : LabelMap.numbered(Math.max(width, 0));
        }
        Set<String> names = new LinkedHashSet<>();
        for (Item it : kept) {
            List<String> ns = it.value().names;
            String unknown = given == null ? null : ns.stream().filter(n -> given.id(n) < 0).findFirst().orElse(null);
            if (unknown != null) {
                reject(it.line(), unknown(unknown, given));
            } else {
                names.addAll(ns);
                accepted.add(it);
            }
        }
        return given != null ? given : LabelMap.sorted(names);
    }

    private DatasetReader.RowError unknown(String name, LabelMap given) {
        return new DatasetReader.RowError("label column \"" + column + "\" is \"" + name + "\", not one of the "
                + given.size() + " known labels " + given.id2label(),
                "with a given label2id (the train set's or the model's) every label name must be in it",
                "fix the spelling, or retrain with a label map that includes \"" + name + "\"");
    }

    private Group group(LabelValue v, LabelKind forced) {
        switch (v.type) {
            case INT: case FLOAT: return Group.NUMERIC;
            case NAME: return forced == LabelKind.MULTI_HOT ? Group.NAMES : Group.NAME;
            case HOT: return Group.HOT;
            default: return v.names.isEmpty() ? null : Group.NAMES;
        }
    }

    private void check(Item it, Group expected, Item first, LabelKind forced) throws DatasetReader.RowError {
        LabelValue v = it.value();
        Group g = group(v, forced);
        String here = "label column \"" + column + "\" is " + v.shown;
        if (forced == LabelKind.REGRESSION && g != Group.NUMERIC) {
            throw new DatasetReader.RowError(here + ", not a number", "regression (--problem-type regression) labels are numbers",
                    "fix the value, or drop --problem-type regression");
        }
        if (forced == LabelKind.CLASS_INDEX) {
            if (g == Group.NAMES || g == Group.HOT || g == null) {
                throw new DatasetReader.RowError(here + ", a list", "single_label_classification has one class per row",
                        "write one class per row, or pass --problem-type multi_label_classification");
            }
            if (v.type == LabelValue.Type.FLOAT) {
                throw new DatasetReader.RowError(here + ", not an integer class id",
                        "single_label_classification labels are integer class ids or class names",
                        "fix the value, or pass --problem-type regression");
            }
        }
        if (forced == LabelKind.MULTI_HOT && g == Group.NUMERIC) {
            throw new DatasetReader.RowError(here + ", a number", "multi_label_classification labels are lists of names "
                    + "or 0/1 vectors (or names split by --label-separator)",
                    "write [\"name\", ...] lists, or pass --label-separator");
        }
        if (g != null && g != expected && first != null) {
            throw new DatasetReader.RowError(here + " (" + describe(g) + "), but the column holds " + describe(expected)
                    + " (first at line " + first.line() + ": " + first.value().shown + ")",
                    "a label column holds one type: integer class ids, class names, numbers (regression) or lists (multi-label)",
                    "fix the value, or force the type with --problem-type");
        }
        if (g == null && expected != Group.NAMES && expected != Group.HOT) {
            throw new DatasetReader.RowError(here + " (an empty list), but the column holds " + describe(expected),
                    "a label column holds one type", "fix the value");
        }
    }

    private static String describe(Group g) {
        switch (g) {
            case NUMERIC: return "numbers";
            case NAME: return "class names";
            case NAMES: return "lists of label names";
            default: return "0/1 vectors";
        }
    }

    private void reject(long line, DatasetReader.RowError e) {
        rejected.add(line);
        sink.reject(line, e);
    }
}
