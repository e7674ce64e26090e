package dev.jtune.data;

import dev.jtune.JTuneException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The mapping between class names and class ids (HF {@code id2label} / {@code label2id}).
 *
 * @param id2label the name of each class id, index = id
 * @param label2id the id of each name (iteration in id order)
 */
public record LabelMap(List<String> id2label, Map<String, Integer> label2id) {

    /** Python's {@code sorted()} order for strings: by Unicode code point (Java's compareTo is by UTF-16 unit). */
    public static final Comparator<String> PYTHON_ORDER = LabelMap::compareCodePoints;

    public LabelMap {
        id2label = List.copyOf(id2label);
        label2id = Collections.unmodifiableMap(new LinkedHashMap<>(label2id));
    }

    /** A map over the given names, ids assigned in sorted (code point) order, as HF scripts do with {@code sorted(set)}. */
    public static LabelMap sorted(Collection<String> names) {
        TreeSet<String> set = new TreeSet<>(PYTHON_ORDER);
        set.addAll(names);
        return ofNames(new ArrayList<>(set));
    }

    /** A map whose id {@code i} is {@code names.get(i)}. */
    public static LabelMap ofNames(List<String> names) {
        Map<String, Integer> l2i = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            if (l2i.put(names.get(i), i) != null) {
                throw new JTuneException("label name \"" + names.get(i) + "\" appears twice in id2label " + names,
                        "each class name maps to exactly one id", "remove the duplicate name");
            }
        }
        return new LabelMap(names, l2i);
    }

    /** Integer class ids 0..numLabels-1 named by their numbers ("0", "1", ...), as HF keeps integer labels as they are. */
    public static LabelMap numbered(int numLabels) {
        List<String> names = new ArrayList<>(numLabels);
        for (int i = 0; i < numLabels; i++) names.add(Integer.toString(i));
        return ofNames(names);
    }

    /** A map from a given {@code label2id} (e.g. a model's config); the ids must be exactly 0..n-1. */
    public static LabelMap fromLabel2id(Map<String, Integer> label2id) {
        int n = label2id.size();
        String[] names = new String[n];
        for (Map.Entry<String, Integer> e : label2id.entrySet()) {
            Integer id = e.getValue();
            if (id == null || id < 0 || id >= n || names[id] != null) {
                throw new JTuneException("label2id " + label2id + " (--label2id / config.json \"label2id\")",
                        "ids must be 0.." + (n - 1) + ", each used once",
                        "renumber the classes 0.." + (n - 1));
            }
            names[id] = e.getKey();
        }
        return ofNames(List.of(names));
    }

    public int size() { return id2label.size(); }

    /** The id of a name, or -1 if the map has no such name. */
    public int id(String name) {
        Integer id = label2id.get(name);
        return id == null ? -1 : id;
    }

    public String name(int id) { return id2label.get(id); }

    private static int compareCodePoints(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i), cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
