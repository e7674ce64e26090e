package dev.jtune.data;

import dev.jtune.JTuneException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A read data file: its examples, how their labels are typed, the label map and the rows that were skipped.
 *
 * @param file           the file read
 * @param columns        the header columns (JSONL: the keys in order of first appearance)
 * @param textColumn     the column used as text
 * @param textPairColumn the column used as pair text, or null
 * @param labelColumn    the label column, or null when unlabeled
 * @param labelKind      how labels are represented
 * @param labelMap       class names and ids for {@link LabelKind#CLASS_INDEX} and {@link LabelKind#MULTI_HOT}; else null
 * @param examples       the examples in file order
 * @param skipped        rows left out under {@code skipBadRows}, in file order
 */
public record Dataset(Path file, List<String> columns, String textColumn, String textPairColumn, String labelColumn,
                      LabelKind labelKind, LabelMap labelMap, List<Example> examples, List<SkippedRow> skipped) {

    public Dataset {
        columns = List.copyOf(columns);
        examples = Collections.unmodifiableList(new ArrayList<>(examples));
        skipped = List.copyOf(skipped);
    }

    public int size() { return examples.size(); }

    /** HF {@code num_labels}: classes for classification, 1 for regression, 0 when unlabeled. */
    public int numLabels() {
        switch (labelKind) {
            case REGRESSION: return 1;
            case NONE: return 0;
            default: return labelMap.size();
        }
    }

    /**
     * Examples per class name, in id order (classes with no example count 0); for multi-label, the rows carrying
     * each label; for token tags, the words (or tokens) carrying each tag. Empty for regression and unlabeled data. Class id -100 (ignored) is not counted.
     */
    public Map<String, Integer> labelCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        if (labelMap == null) return counts;
        int[] c = new int[labelMap.size()];
        for (Example e : examples) {
            if (labelKind == LabelKind.CLASS_INDEX && e.classId() >= 0) c[e.classId()]++;
            if (labelKind == LabelKind.MULTI_HOT) {
                for (int i = 0; i < c.length; i++) if (e.multiHot()[i] != 0f) c[i]++;
            }
            if (labelKind == LabelKind.TOKEN_TAGS && e.tokenTags() != null) {
                int[] t = e.tokenTags().words() != null ? e.tokenTags().tags() : e.tokenTags().tokenLabels();
                if (t != null) for (int v : t) if (v >= 0 && v < c.length) c[v]++;
            }
        }
        for (int i = 0; i < c.length; i++) counts.put(labelMap.name(i), c[i]);
        return counts;
    }

    /** Checks what training needs: examples, labels, and at least two classes present for classification. */
    public Dataset validateForTraining() {
        String name = fileName();
        if (examples.isEmpty()) {
            throw new JTuneException(name + " has no examples" + (skipped.isEmpty() ? "" : " (" + skipped.size() + " rows skipped)"),
                    "training needs at least one example", "check the file, or fix the skipped rows");
        }
        if (labelKind == LabelKind.NONE) {
            throw new JTuneException(name + " has no label column (columns found: " + columns + ")",
                    "training data needs labels; the label column is guessed as label, labels or score",
                    "name the label column with --label-column");
        }
        if (labelKind == LabelKind.CLASS_INDEX) {
            List<String> present = new ArrayList<>();
            labelCounts().forEach((k, v) -> { if (v > 0) present.add(k); });
            if (present.size() < 2) {
                throw new JTuneException(name + " column \"" + labelColumn + "\": every example has the same class "
                        + present + " (" + examples(examples.size()) + ")",
                        "single-label classification needs at least 2 classes in the training data",
                        "use a file that contains examples of every class; for a numeric target pass --problem-type regression");
            }
        }
        return this;
    }

    /**
     * Checks that an evaluation set can be scored by a model trained on {@code train}: same label kind, same number
     * of labels and the same id for every class name, and no class in eval that train lacks.
     */
    public static void checkCompatible(Dataset train, Dataset eval) {
        if (eval.labelKind == LabelKind.NONE) return;
        String pair = "eval file " + eval.fileName() + " vs train file " + train.fileName();
        if (eval.labelKind != train.labelKind) {
            throw new JTuneException(pair + ": eval labels are " + eval.labelKind.problemType()
                    + " but train labels are " + train.labelKind.problemType(),
                    "train and eval labels must have the same type",
                    "make both label columns the same type, or force it on both with --problem-type");
        }
        if (train.labelMap == null) return;
        Map<String, Integer> trainCounts = train.labelCounts();
        Map<String, Integer> evalCounts = eval.labelCounts();
        for (Map.Entry<String, Integer> e : evalCounts.entrySet()) {
            if (e.getValue() == 0) continue;
            Integer inTrain = trainCounts.get(e.getKey());
            if ((inTrain == null || inTrain == 0) && train.labelMap.label2id().containsKey(e.getKey())) {
                continue; // a known class with no training rows (a subsample): a warning, see labelCoverageWarnings
            }
            if (inTrain == null || inTrain == 0) {
                long line = eval.firstLineOf(eval.labelMap.id(e.getKey()));
                throw new JTuneException(pair + ": class \"" + e.getKey() + "\" occurs in eval (" + examples(e.getValue())
                        + ", first at line " + line + ") but never in train (train classes: "
                        + present(trainCounts) + ")",
                        "every eval class must be learned from the training data",
                        "fix the label at line " + line + ", or add examples of \"" + e.getKey() + "\" to the training file");
            }
            if (train.labelMap.id(e.getKey()) != eval.labelMap.id(e.getKey())) {
                throw new JTuneException(pair + ": class \"" + e.getKey() + "\" has id " + eval.labelMap.id(e.getKey())
                        + " in eval but id " + train.labelMap.id(e.getKey()) + " in train",
                        "eval must use the train set's label2id",
                        "read the eval file with ReadOptions.label2id(train.labelMap().label2id())");
            }
        }
        if (train.labelMap.size() != eval.labelMap.size()) {
            throw new JTuneException(pair + ": " + eval.labelMap.size() + " labels in eval, " + train.labelMap.size() + " in train",
                    "eval must use the train set's label map",
                    "read the eval file with ReadOptions.label2id(train.labelMap().label2id())");
        }
    }

    /**
     * Classes of the label map (the model's or the full training file's) that occur in eval but in none of the
     * training rows, e.g. after {@code --max-train-samples}: training works, but cannot learn them. One warning each.
     *
     * @param trainNote how the training rows were chosen, for the message (e.g. "the first 300 rows (--max-train-samples)"), or null
     */
    public static java.util.List<String> labelCoverageWarnings(Dataset train, Dataset eval, String trainNote) {
        java.util.List<String> w = new java.util.ArrayList<>();
        if (eval == null || train.labelMap == null || eval.labelKind == LabelKind.NONE || eval.labelMap == null) return w;
        Map<String, Integer> trainCounts = train.labelCounts();
        for (Map.Entry<String, Integer> e : eval.labelCounts().entrySet()) {
            Integer inTrain = trainCounts.get(e.getKey());
            if (e.getValue() > 0 && (inTrain == null || inTrain == 0) && train.labelMap.label2id().containsKey(e.getKey())) {
                w.add("class \"" + e.getKey() + "\" occurs in eval " + eval.fileName() + " (" + examples(e.getValue()) + ") but in none of "
                        + (trainNote != null ? trainNote : "the training rows") + " of " + train.fileName()
                        + ": it keeps its place in the label map, but the model cannot learn it, so its eval scores will be low");
            }
        }
        return w;
    }

    private long firstLineOf(int id) {
        for (Example e : examples) {
            if (labelKind == LabelKind.CLASS_INDEX && e.classId() == id) return e.sourceLine();
            if (labelKind == LabelKind.MULTI_HOT && e.multiHot()[id] != 0f) return e.sourceLine();
            if (labelKind == LabelKind.TOKEN_TAGS && e.tokenTags() != null && e.tokenTags().words() != null) {
                for (int t : e.tokenTags().tags()) if (t == id) return e.sourceLine();
            }
        }
        return -1;
    }

    private static List<String> present(Map<String, Integer> counts) {
        List<String> out = new ArrayList<>();
        counts.forEach((k, v) -> { if (v > 0) out.add(k); });
        return out;
    }

    private String fileName() { return file == null ? "(in memory)" : file.toString(); }

    /** "1 example", "2 examples". */
    static String examples(long n) { return n + (n == 1 ? " example" : " examples"); }
}
