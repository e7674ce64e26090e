package dev.jtune.tokenization;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtune.JTuneException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads the tokenizer of a local Hugging Face model folder (mirrors transformers {@code AutoTokenizer}); never
 * downloads anything.
 *
 * <p>A folder with {@code tokenizer.json} uses it (its own truncation and padding are ignored); a folder with only
 * {@code vocab.txt} (+ {@code tokenizer_config.json}) gets the tokenizer.json that transformers' converter would
 * build from it.
 */
public final class AutoTokenizer {
    static {
        System.setProperty("ai.djl.offline", "true"); // before any DJL class initialises: no network at all
        dev.jtune.torch.Engine.configureNatives();    // and the BLAS choice, before libtorch loads (loads nothing)
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private AutoTokenizer() {}

    /** The tokenizer of {@code dir} (HF {@code AutoTokenizer.from_pretrained(dir)}). */
    public static PreTrainedTokenizer fromPretrained(Path dir) {
        return load(dir);
    }

    /**
     * A tokenizer from the text of a {@code tokenizer.json} with default settings ({@code model_max_length} 512,
     * BERT special token names), e.g. one shipped inside a jar.
     *
     * @param source a name for messages
     */
    public static BertTokenizerFast fromTokenizerJson(String tokenizerJson, String source) {
        ObjectNode json = asObject(parse(tokenizerJson, source), source);
        return new BertTokenizerFast(json, null, null, null, source);
    }

    static BertTokenizerFast load(Path dir) {
        if (dir == null) {
            throw new JTuneException("no tokenizer folder given (HF model_name_or_path / tokenizer_name)",
                    "a local folder with tokenizer.json or vocab.txt is needed",
                    "pass the model folder (CLI --model)");
        }
        if (Files.isRegularFile(dir) && dir.getFileName().toString().endsWith(".json")) {
            Path parent = dir.toAbsolutePath().getParent();
            return fromFiles(dir, parent, null);
        }
        if (!Files.isDirectory(dir)) {
            throw new JTuneException(
                    "tokenizer folder " + dir.toAbsolutePath() + " does not exist"
                            + (Files.exists(dir) ? " (it is a file)" : ""),
                    "AutoTokenizer.from_pretrained needs a local folder with tokenizer.json or vocab.txt "
                            + "(jtune never downloads from the Hub)",
                    "pass the folder of a model saved with save_pretrained (CLI --model)");
        }
        Path tokenizerJson = dir.resolve("tokenizer.json");
        Path vocab = dir.resolve("vocab.txt");
        if (Files.isRegularFile(tokenizerJson)) return fromFiles(tokenizerJson, dir, null);
        if (Files.isRegularFile(vocab)) return fromFiles(null, dir, vocab);
        throw new JTuneException(
                "tokenizer folder " + dir.toAbsolutePath() + " has no tokenizer files; found: " + listing(dir),
                "expected tokenizer.json, or vocab.txt (a WordPiece vocabulary, optionally with "
                        + "tokenizer_config.json)",
                "copy the tokenizer files of the base model into the folder (tokenizer.save_pretrained)");
    }

    private static BertTokenizerFast fromFiles(Path tokenizerJson, Path dir, Path vocab) {
        ObjectNode config = readOptionalObject(dir.resolve("tokenizer_config.json"));
        ObjectNode map = readOptionalObject(dir.resolve("special_tokens_map.json"));
        String source = dir.toAbsolutePath().toString();
        List<String> vocabLines = null;
        Path vocabFile = vocab != null ? vocab : dir.resolve("vocab.txt");
        if (Files.isRegularFile(vocabFile)) vocabLines = readVocab(vocabFile);
        ObjectNode json;
        if (tokenizerJson != null) {
            json = asObject(parse(readString(tokenizerJson), tokenizerJson.toString()), tokenizerJson.toString());
            // keep vocab.txt for save_pretrained only when it is the same WordPiece vocabulary
            if (vocabLines != null && json.path("model").path("vocab").size() != vocabLines.size()) vocabLines = null;
        } else {
            json = WordPieceTokenizerJson.build(vocabLines, config, SpecialTokens.from(config, map), source);
        }
        return new BertTokenizerFast(json, config, map, vocabLines, source);
    }

    /** vocab.txt as HF's {@code load_vocab} reads it: UTF-8, one token per line, only the newline stripped. */
    static List<String> readVocab(Path file) {
        String text = readString(file);
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) lines.remove(lines.size() - 1);
        if (lines.isEmpty()) {
            throw new JTuneException("vocabulary " + file + " is empty",
                    "vocab.txt holds one token per line, line i = token id i", "use the base model's vocab.txt");
        }
        return lines;
    }

    private static ObjectNode readOptionalObject(Path file) {
        if (!Files.isRegularFile(file)) return null;
        return asObject(parse(readString(file), file.toString()), file.toString());
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new JTuneException("cannot read " + file + ": " + e,
                    "tokenizer files must be readable UTF-8 text", "check the file and its permissions", e);
        }
    }

    private static JsonNode parse(String text, String source) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new JTuneException("invalid JSON in " + source + where + ": " + e.getOriginalMessage(),
                    "tokenizer files are JSON objects", "repair or regenerate the file", e);
        }
    }

    private static ObjectNode asObject(JsonNode node, String source) {
        if (node instanceof ObjectNode o) return o;
        throw new JTuneException("invalid " + source + ": expected a JSON object, found "
                + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase()),
                "tokenizer files are JSON objects", "repair or regenerate the file");
    }

    private static String listing(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
            return names.isEmpty() ? "(empty folder)" : String.join(", ", names);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
