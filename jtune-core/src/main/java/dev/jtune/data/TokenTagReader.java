package dev.jtune.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtune.JTuneException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads token-classification data into a {@link LabelKind#TOKEN_TAGS} {@link Dataset}:
 * <ul>
 *   <li><b>CoNLL column files</b>: whitespace-separated columns, one token per line, a blank line between sentences,
 *       {@code -DOCSTART-} lines skipped; the word is the first column, the tag the last unless {@code tagColumn}
 *       (1-based, CLI {@code --tag-column N}); every token line has the same number of columns as the first.</li>
 *   <li><b>JSONL</b> with {@code {"tokens": [...], "ner_tags": [...]}} per line (HF datasets' conll2003 layout),
 *       tags as names or as integer ids.</li>
 * </ul>
 * Tag names get ids in a stable order, {@code O} first then the others sorted (code point order), unless a
 * {@code label2id} is given (an eval file read with the train set's or the model's map): then an unknown tag is an
 * error. Every error names the file, the line, the rule and the fix.
 */
public final class TokenTagReader {
    private TokenTagReader() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Bytes read to sniff a file's kind (the first rows), whatever the file's size. */
    private static final int SNIFF_BYTES = 64 * 1024;

    /** True when the file looks like token data: a CoNLL column file, or JSONL whose first object has "tokens". */
    public static boolean looksLikeTokenData(Path file) {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            List<String> lines = TextLines.decode(in.readNBytes(SNIFF_BYTES));
            for (String l : lines) {
                if (l == null || l.isBlank()) continue;
                String t = l.strip();
                if (t.startsWith("{")) {
                    JsonNode n = JSON.readTree(t);
                    return n.has("tokens") && (n.has("ner_tags") || n.has("tags"));
                }
                if (t.startsWith("-DOCSTART-")) return true;
                String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
                return name.endsWith(".conll") || name.endsWith(".bio") || name.endsWith(".iob")
                        || (name.endsWith(".txt") && t.split("\\s+").length >= 2 && !t.contains("\t"));
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /**
     * @param tagColumn 1-based column of the tag in a CoNLL file, or null for the last column
     * @param label2id  the tag ids to use (unknown tags are errors), or null to assign O first, then sorted
     */
    public static Dataset read(Path file, Integer tagColumn, Map<String, Integer> label2id) {
        return read(file, tagColumn, label2id, ReadOptions.builder().build());
    }

    /**
     * As {@link #read(Path, Integer, Map)}, streamed within {@code budgets}' row and file limits (CLI
     * {@code --max-row-bytes}, {@code --max-file-bytes}); the other fields of {@code budgets} do not apply to tagged data.
     */
    public static Dataset read(Path file, Integer tagColumn, Map<String, Integer> label2id, ReadOptions budgets) {
        List<String> lines = TextLines.read(file, budgets.rowLimit(), budgets.fileLimit());
        String first = lines.stream().filter(l -> l != null && !l.isBlank()).findFirst().orElse("");
        List<RawSentence> raw = first.strip().startsWith("{") ? jsonl(file, lines) : conll(file, lines, tagColumn);
        if (raw.isEmpty()) {
            throw new JTuneException(file + " has no sentences", "token data needs at least one sentence (CoNLL: token lines; JSONL: tokens)",
                    "check the file and its format");
        }
        LabelMap map;
        boolean numeric = raw.stream().allMatch(r -> r.tags.stream().allMatch(t -> t.matches("\\d+")));
        if (label2id == null && numeric && first.strip().startsWith("{")) {
            // integer ner_tags are ids already (HF datasets' ClassLabel): keep them, named by their numbers
            int max = raw.stream().flatMap(r -> r.tags.stream()).mapToInt(Integer::parseInt).max().orElse(0);
            map = LabelMap.numbered(max + 1);
        } else if (label2id != null) {
            map = LabelMap.fromLabel2id(label2id);
        } else {
            TreeSet<String> names = new TreeSet<>(LabelMap.PYTHON_ORDER);
            for (RawSentence s : raw) names.addAll(s.tags);
            List<String> ordered = new ArrayList<>();
            if (names.remove("O")) ordered.add("O");
            ordered.addAll(names);
            map = LabelMap.ofNames(ordered);
        }
        List<Example> ex = new ArrayList<>(raw.size());
        for (RawSentence s : raw) {
            int[] ids = new int[s.tags.size()];
            for (int i = 0; i < ids.length; i++) {
                Integer id = map.label2id().get(s.tags.get(i));
                if (id == null) {
                    throw new JTuneException(file + " line " + s.tagLines.get(i) + ": tag \"" + s.tags.get(i) + "\" is not one of the model's tags "
                            + map.id2label(), "evaluation data may only use the tags the model was trained with (its id2label)",
                            "fix the tag at line " + s.tagLines.get(i) + ", or retrain with data that contains it");
                }
                ids[i] = id;
            }
            ex.add(Example.ofWords(null, s.words, ids, s.line));
        }
        return new Dataset(file, List.of("tokens", "ner_tags"), "tokens", null, "ner_tags", LabelKind.TOKEN_TAGS, map, ex, List.of());
    }

    private record RawSentence(List<String> words, List<String> tags, List<Long> tagLines, long line) {}

    private static List<RawSentence> conll(Path file, List<String> lines, Integer tagColumn) {
        List<RawSentence> out = new ArrayList<>();
        int columns = -1;
        long firstColumnsLine = 0;
        List<String> words = new ArrayList<>(), tags = new ArrayList<>();
        List<Long> tagLines = new ArrayList<>();
        long start = 0;
        for (int i = 0; i <= lines.size(); i++) {
            String l = i < lines.size() ? lines.get(i) : "";
            long lineNo = i + 1;
            if (l == null) {
                throw new JTuneException(file + " line " + lineNo + " is not valid UTF-8", "data files are read as UTF-8",
                        "re-save the file as UTF-8");
            }
            if (l.isBlank() || l.strip().startsWith("-DOCSTART-")) {
                if (!words.isEmpty()) out.add(new RawSentence(List.copyOf(words), List.copyOf(tags), List.copyOf(tagLines), start));
                words.clear();
                tags.clear();
                tagLines.clear();
                continue;
            }
            String[] cols = l.strip().split("\\s+");
            if (columns < 0) {
                columns = cols.length;
                firstColumnsLine = lineNo;
                if (columns < 2) {
                    throw new JTuneException(file + " line " + lineNo + " has 1 column (\"" + l.strip() + "\")",
                            "a CoNLL file has at least two whitespace-separated columns per token line: the word first, the tag last",
                            "add the tag column, or for JSONL write {\"tokens\": [...], \"ner_tags\": [...]} per line");
                }
                if (tagColumn != null && (tagColumn < 2 || tagColumn > columns)) {
                    throw new JTuneException("--tag-column " + tagColumn + " but " + file + " has " + columns + " columns (line " + lineNo + ")",
                            "the tag column is 1-based, after the word column: 2.." + columns, "pass --tag-column between 2 and " + columns);
                }
            } else if (cols.length != columns) {
                throw new JTuneException(file + " line " + lineNo + " has " + cols.length + " columns but line " + firstColumnsLine + " has " + columns
                        + " (\"" + l.strip() + "\")", "every token line of a CoNLL file has the same number of whitespace-separated columns",
                        "fix line " + lineNo + " (a word with a space in it, or a missing tag), or leave a blank line between sentences");
            }
            if (words.isEmpty()) start = lineNo;
            words.add(cols[0]);
            tags.add(cols[tagColumn == null ? columns - 1 : tagColumn - 1]);
            tagLines.add(lineNo);
        }
        return out;
    }

    private static List<RawSentence> jsonl(Path file, List<String> lines) {
        List<RawSentence> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            long lineNo = i + 1;
            if (l == null || l.isBlank()) continue;
            JsonNode n;
            try {
                n = JSON.readTree(l);
            } catch (IOException e) {
                throw new JTuneException(file + " line " + lineNo + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""),
                        "a JSONL file holds one JSON object per line", "fix line " + lineNo);
            }
            JsonNode tokens = n.get("tokens");
            JsonNode tags = n.has("ner_tags") ? n.get("ner_tags") : n.get("tags");
            if (tokens == null || !tokens.isArray() || tags == null || !tags.isArray()) {
                throw new JTuneException(file + " line " + lineNo + " has no \"tokens\" and \"ner_tags\" lists",
                        "token-classification JSONL has {\"tokens\": [words], \"ner_tags\": [tags]} on every line",
                        "add both lists to line " + lineNo);
            }
            if (tokens.size() != tags.size()) {
                throw new JTuneException(file + " line " + lineNo + ": " + tokens.size() + " tokens but " + tags.size() + " ner_tags",
                        "every token needs exactly one tag", "make the two lists of line " + lineNo + " the same length");
            }
            if (tokens.isEmpty()) continue;
            List<String> w = new ArrayList<>(), t = new ArrayList<>();
            List<Long> tl = new ArrayList<>();
            for (int k = 0; k < tokens.size(); k++) {
                String word = tokens.get(k).asText();
                if (word.isEmpty() || word.chars().anyMatch(Character::isWhitespace)) {
                    throw new JTuneException(file + " line " + lineNo + ": token " + k + " is \"" + word + "\"",
                            "a token is a non-empty word without whitespace", "fix or remove token " + k + " of line " + lineNo);
                }
                w.add(word);
                t.add(tags.get(k).isNumber() ? Integer.toString(tags.get(k).asInt()) : tags.get(k).asText());
                tl.add(lineNo);
            }
            out.add(new RawSentence(w, t, tl, lineNo));
        }
        return out;
    }
}
