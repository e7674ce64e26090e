package dev.jtune.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Entity-level precision, recall and F1 the way {@code seqeval} computes them in its default (non-strict) mode,
 * as HF's {@code run_ner.py} reports them through {@code evaluate.load("seqeval")}: the sentences are joined with
 * an {@code O} between them, chunks are found with seqeval's {@code start_of_chunk} / {@code end_of_chunk} rules
 * (so an {@code I-X} after {@code O} or after another type opens an entity, and a type change closes one), an
 * entity counts as correct only when its type, start and end all match. Micro averages over all entities, per-type
 * values, and token accuracy over every tag. Division by zero gives 0 (seqeval's default, with a warning there).
 */
public final class TokenClassificationMetrics {
    private TokenClassificationMetrics() {}

    /** One entity: type, first and last index in the joined tag sequence (inclusive, as seqeval). */
    public record Entity(String type, int start, int end) {}

    /** Per-type scores; {@code number} = entities of the type in the gold tags (seqeval's support). */
    public record TypeScores(double precision, double recall, double f1, int number) {}

    /** The result: micro precision/recall/F1, token accuracy and per-type scores (types sorted). */
    public record Result(double precision, double recall, double f1, double accuracy, Map<String, TypeScores> perType) {
        /**
         * HF run_ner's flat keys: {@code precision}, {@code recall}, {@code f1}, {@code accuracy}, then for each type
         * {@code TYPE_precision}, {@code TYPE_recall}, {@code TYPE_f1}, {@code TYPE_number}.
         */
        public Map<String, Double> asMap() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("precision", precision);
            m.put("recall", recall);
            m.put("f1", f1);
            m.put("accuracy", accuracy);
            perType.forEach((t, s) -> {
                m.put(t + "_precision", s.precision());
                m.put(t + "_recall", s.recall());
                m.put(t + "_f1", s.f1());
                m.put(t + "_number", (double) s.number());
            });
            return m;
        }
    }

    /** seqeval's {@code get_entities} on sentences (joined with "O" between them). */
    public static List<Entity> entities(List<List<String>> sentences) {
        List<String> seq = new ArrayList<>();
        for (List<String> s : sentences) {
            seq.addAll(s);
            seq.add("O");
        }
        return entitiesOfSequence(seq);
    }

    /** seqeval's {@code get_entities} on one sequence of IOB2 tags. */
    public static List<Entity> entitiesOfSequence(List<String> tags) {
        List<Entity> chunks = new ArrayList<>();
        char prevTag = 'O';
        String prevType = "";
        int begin = 0;
        int n = tags.size();
        for (int i = 0; i <= n; i++) {
            String chunk = i < n ? tags.get(i) : "O";
            char tag = chunk.isEmpty() ? 'O' : chunk.charAt(0);
            String rest = chunk.length() > 1 ? chunk.substring(1) : "";
            int dash = rest.indexOf('-');
            String type = dash >= 0 ? rest.substring(dash + 1) : rest; // split('-', 1)[-1]
            if (type.isEmpty()) type = "_";
            if (endOfChunk(prevTag, tag, prevType, type)) chunks.add(new Entity(prevType, begin, i - 1));
            if (startOfChunk(prevTag, tag, prevType, type)) begin = i;
            prevTag = tag;
            prevType = type;
        }
        return chunks;
    }

    static boolean endOfChunk(char prevTag, char tag, String prevType, String type) {
        boolean end = prevTag == 'E' || prevTag == 'S';
        if (prevTag == 'B' && (tag == 'B' || tag == 'S' || tag == 'O')) end = true;
        if (prevTag == 'I' && (tag == 'B' || tag == 'S' || tag == 'O')) end = true;
        if (prevTag != 'O' && prevTag != '.' && !prevType.equals(type)) end = true;
        return end;
    }

    static boolean startOfChunk(char prevTag, char tag, String prevType, String type) {
        boolean start = tag == 'B' || tag == 'S';
        if (prevTag == 'E' && (tag == 'E' || tag == 'I')) start = true;
        if (prevTag == 'S' && (tag == 'E' || tag == 'I')) start = true;
        if (prevTag == 'O' && (tag == 'E' || tag == 'I')) start = true;
        if (tag != 'O' && tag != '.' && !prevType.equals(type)) start = true;
        return start;
    }

    /** Scores predicted tag sentences against gold ones (same shapes). */
    public static Result compute(List<List<String>> gold, List<List<String>> pred) {
        if (gold.size() != pred.size()) throw new IllegalArgumentException(gold.size() + " gold sentences, " + pred.size() + " predicted");
        long tokens = 0, correctTokens = 0;
        for (int i = 0; i < gold.size(); i++) {
            if (gold.get(i).size() != pred.get(i).size()) {
                throw new IllegalArgumentException("sentence " + i + ": " + gold.get(i).size() + " gold tags, " + pred.get(i).size() + " predicted");
            }
            for (int j = 0; j < gold.get(i).size(); j++) {
                tokens++;
                if (gold.get(i).get(j).equals(pred.get(i).get(j))) correctTokens++;
            }
        }
        Set<Entity> g = new HashSet<>(entities(gold));
        Set<Entity> p = new HashSet<>(entities(pred));
        Set<String> types = new TreeSet<>();
        for (Entity e : g) types.add(e.type());
        for (Entity e : p) types.add(e.type());
        Map<String, TypeScores> per = new TreeMap<>();
        long tpAll = 0;
        for (Entity e : p) if (g.contains(e)) tpAll++;
        for (String t : types) {
            long nt = g.stream().filter(e -> e.type().equals(t)).count();
            long np = p.stream().filter(e -> e.type().equals(t)).count();
            long tp = p.stream().filter(e -> e.type().equals(t) && g.contains(e)).count();
            double pr = div(tp, np), rc = div(tp, nt);
            per.put(t, new TypeScores(pr, rc, f1(pr, rc), (int) nt));
        }
        double pr = div(tpAll, p.size()), rc = div(tpAll, g.size());
        return new Result(pr, rc, f1(pr, rc), div(correctTokens, tokens), per);
    }

    private static double div(long a, long b) { return b == 0 ? 0.0 : (double) a / b; }

    private static double f1(double p, double r) { return p + r == 0 ? 0.0 : 2 * p * r / (p + r); }
}
