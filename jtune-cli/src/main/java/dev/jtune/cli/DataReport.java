package dev.jtune.cli;

import dev.jtune.data.Dataset;
import dev.jtune.data.Example;
import dev.jtune.data.LabelKind;
import dev.jtune.data.LabelMap;
import dev.jtune.data.SkippedRow;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The data half of {@code jtune explain}: label counts, imbalance, the label map and warnings for one data file.
 *
 * @param file           the data file
 * @param rows           examples read
 * @param labelKind      how the labels are typed
 * @param labelMap       the class names and ids (null for regression and unlabeled data)
 * @param labelCounts    examples per class in id order (multi-label: rows carrying each label)
 * @param imbalanceRatio largest class count over smallest (infinite when a class has none; NaN without classes)
 * @param valueRange     regression only: {min, max, mean} of the targets; else null
 * @param skipped        rows left out under --skip-bad-rows
 * @param warnings       things likely to hurt training, one sentence each
 * @param columns        the columns chosen: "text sentence, no pair column, label label (of [id, sentence, label])"
 */
public record DataReport(Path file, int rows, LabelKind labelKind, LabelMap labelMap, Map<String, Integer> labelCounts,
                         double imbalanceRatio, double[] valueRange, List<SkippedRow> skipped, List<String> warnings,
                         String columns) {

    /** Fewer examples of a class than this earns a warning. */
    public static final int MIN_EXAMPLES_PER_CLASS = 10;

    public static DataReport of(Dataset d) {
        Map<String, Integer> counts = d.labelCounts();
        List<String> warnings = new ArrayList<>();
        double ratio = Double.NaN;
        if (!counts.isEmpty()) {
            int max = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            int min = counts.values().stream().mapToInt(Integer::intValue).min().orElse(0);
            ratio = min == 0 ? Double.POSITIVE_INFINITY : (double) max / min;
            long present = counts.values().stream().filter(c -> c > 0).count();
            if (d.labelKind() == LabelKind.CLASS_INDEX && present < 2) {
                warnings.add("only one class " + present(counts) + " occurs: a classifier cannot learn from a single class"
                        + " (for a numeric target use --problem-type regression)");
            }
            counts.forEach((name, c) -> {
                if (c == 0) {
                    warnings.add("class \"" + name + "\" has no examples");
                } else if (c < MIN_EXAMPLES_PER_CLASS) {
                    warnings.add("class \"" + name + "\" has only " + c + " example" + (c == 1 ? "" : "s")
                            + " (fewer than " + MIN_EXAMPLES_PER_CLASS + "): its predictions will be unreliable");
                }
            });
        }
        double[] range = null;
        if (d.labelKind() == LabelKind.REGRESSION) {
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY, sum = 0;
            for (Example e : d.examples()) { lo = Math.min(lo, e.value()); hi = Math.max(hi, e.value()); sum += e.value(); }
            range = new double[] {lo, hi, sum / d.size()};
        }
        if (d.labelKind() == LabelKind.NONE) {
            warnings.add("no label column (looked for label, labels, score): usable for prediction only");
        }
        if (!d.skipped().isEmpty()) {
            SkippedRow first = d.skipped().get(0);
            warnings.add(d.skipped().size() + " row" + (d.skipped().size() == 1 ? " was" : "s were") + " skipped (first: line "
                    + first.line() + ": " + first.reason() + ")");
        }
        if (d.labelKind() == LabelKind.TOKEN_TAGS) {
            long words = counts.values().stream().mapToLong(Integer::longValue).sum();
            return new DataReport(d.file(), d.size(), d.labelKind(), d.labelMap(), counts, ratio, range, d.skipped(), warnings,
                    "CoNLL/JSONL words and tags (" + words + " tagged words)");
        }
        String columns = "text " + d.textColumn() + (d.textPairColumn() != null ? ", pair " + d.textPairColumn() : ", no pair column")
                + (d.labelColumn() != null ? ", label " + d.labelColumn() : ", no label column") + " (of " + d.columns() + ")";
        return new DataReport(d.file(), d.size(), d.labelKind(), d.labelMap(), counts, ratio, range, d.skipped(), warnings, columns);
    }

    /** Prints the report as plain text, one fact per line. */
    public void print(PrintWriter out) {
        out.println("Data: " + file);
        out.println("  columns:     " + columns);
        out.println("  rows:        " + rows + (skipped.isEmpty() ? "" : " (" + skipped.size() + " skipped)"));
        out.println("  labels:      " + describeKind());
        if (labelMap != null) {
            out.println("  label map:   " + labelMap.label2id());
            out.println("  counts:");
            int width = labelCounts.keySet().stream().mapToInt(String::length).max().orElse(0);
            long total = labelCounts.values().stream().mapToLong(Integer::longValue).sum();
            labelCounts.forEach((k, v) -> out.printf(Locale.ROOT, "    %-" + Math.max(width, 1) + "s %7d  %5.1f%%%n",
                    k, v, total == 0 ? 0.0 : 100.0 * v / total));
            out.println("  imbalance:   " + (Double.isInfinite(imbalanceRatio) ? "infinite (a class has no examples)"
                    : String.format(Locale.ROOT, "%.2f (largest class / smallest class)", imbalanceRatio)));
        }
        if (valueRange != null) {
            out.printf(Locale.ROOT, "  targets:     min %.3f, max %.3f, mean %.3f%n", valueRange[0], valueRange[1], valueRange[2]);
        }
        for (String w : warnings) out.println("  warning: " + w);
        out.flush();
    }

    private String describeKind() {
        switch (labelKind) {
            case CLASS_INDEX: return "single-label classification, " + labelMap.size() + " classes (problem_type single_label_classification)";
            case MULTI_HOT: return "multi-label classification, " + labelMap.size() + " labels (problem_type multi_label_classification)";
            case REGRESSION: return "regression, num_labels 1 (problem_type regression)";
            case TOKEN_TAGS: return "token tags (one per word), " + labelMap.size() + " tags; counts are words";
            default: return "none";
        }
    }

    private static List<String> present(Map<String, Integer> counts) {
        List<String> out = new ArrayList<>();
        counts.forEach((k, v) -> { if (v > 0) out.add(k); });
        return out;
    }
}
