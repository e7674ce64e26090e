package dev.jtune.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtune.JTuneException;
import dev.jtune.data.Dataset;
import dev.jtune.data.DatasetReader;
import dev.jtune.data.Example;
import dev.jtune.data.ReadOptions;
import dev.jtune.data.TextLines;
import dev.jtune.data.TokenTagReader;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.PretrainedConfig;
import dev.jtune.modeling.TokenClassificationModel;
import dev.jtune.models.AutoModelForTokenClassification;
import dev.jtune.tokenization.AutoTokenizer;
import dev.jtune.tokenization.BatchEncoding;
import dev.jtune.tokenization.DataCollatorWithPadding;
import dev.jtune.tokenization.Encoding;
import dev.jtune.tokenization.OffsetEncoding;
import dev.jtune.tokenization.PreTrainedTokenizer;
import dev.jtune.torch.Torch;
import dev.jtune.trainer.Trainer;
import dev.jtune.trainer.TrainerCallback;
import dev.jtune.trainer.TrainingArguments;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * A saved token-classification folder ({@code *ForTokenClassification} in config.json's {@code architectures})
 * loaded for {@code jtune predict} and {@code jtune evaluate}: raw texts → per-word tags with probabilities and
 * entities with character offsets ({@link TokenEntities}, HF pipeline's aggregation strategies); tagged files →
 * the seqeval-style metrics through a {@link Trainer}.
 *
 * <p>Not thread-safe: one caller at a time.
 */
public final class TokenPredictor implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final TokenClassificationModel model;
    private final PreTrainedTokenizer tokenizer;
    private final List<String> warnings;

    private TokenPredictor(Path dir, TokenClassificationModel model, PreTrainedTokenizer tokenizer, List<String> warnings) {
        this.dir = dir;
        this.model = model;
        this.tokenizer = tokenizer;
        this.warnings = List.copyOf(warnings);
    }

    /** True when the folder's config.json names a {@code *ForTokenClassification} architecture. */
    public static boolean isTokenModel(Path dir) {
        try {
            JsonNode arch = JSON.readTree(dir.resolve("config.json").toFile()).path("architectures");
            for (JsonNode a : arch) if (a.asText().endsWith("ForTokenClassification")) return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    public static TokenPredictor load(Path dir) {
        TokenClassificationModel model = AutoModelForTokenClassification.fromPretrained(dir, FromPretrainedOptions.defaults());
        List<String> warnings = new ArrayList<>(model.loadReport().warnings());
        if (!model.loadReport().newlyInitialized().isEmpty()) {
            warnings.add(dir + " has no trained token-classification head (newly initialized: "
                    + model.loadReport().newlyInitialized() + "): its tags are random; train it first");
        }
        return new TokenPredictor(dir, model, AutoTokenizer.fromPretrained(dir), warnings);
    }

    public Path dir() { return dir; }

    public TokenClassificationModel model() { return model; }

    public PreTrainedTokenizer tokenizer() { return tokenizer; }

    public PretrainedConfig config() { return model.config(); }

    public List<String> warnings() { return warnings; }

    /**
     * Reads tagged data (CoNLL or tokens/ner_tags JSONL) with the model's tag ids: a tag the model does not know is
     * an error naming the file and line.
     *
     * @param tagColumn 1-based CoNLL tag column (CLI {@code --tag-column}), or null for the last
     * @param budgets   the row and file size limits (CLI {@code --max-row-bytes}, {@code --max-file-bytes})
     */
    public Dataset readTagged(Path file, Integer tagColumn, ReadOptions budgets) {
        return TokenTagReader.read(file, tagColumn, config().label2id(), budgets);
    }

    /** A trainer for evaluation only: eval_loss, eval_precision/recall/f1/accuracy and per type. */
    public Trainer trainer(Dataset eval, int batchSize, int maxLength, TrainerCallback... callbacks) {
        checkBatchSize(batchSize);
        TrainingArguments args = TrainingArguments.builder().perDeviceEvalBatchSize(batchSize).maxLength(maxLength).build();
        Trainer.Builder b = Trainer.builder().model(model).tokenizer(tokenizer).args(args).evalDataset(eval);
        for (TrainerCallback cb : callbacks) if (cb != null) b.callback(cb);
        return b.build();
    }

    /** A raw text to tag, with where it came from. */
    public record Input(String id, String text, long line) {}

    /**
     * Raw sentences from a file: JSONL (one object per line, the text in {@code textColumn}, default {@code text};
     * an {@code id} is kept), CSV/TSV through the data reader, anything else one sentence per line (blank lines
     * skipped).
     */
    public static List<Input> readTexts(Path file, ReadOptions.Builder ro, String textColumn) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv") || name.endsWith(".tsv")) {
            Dataset d = DatasetReader.read(file, ro.build());
            List<Input> out = new ArrayList<>();
            for (Example e : d.examples()) out.add(new Input(e.id(), e.text(), e.sourceLine()));
            return out;
        }
        List<String> lines;
        try {
            lines = TextLines.decode(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new JTuneException("cannot read " + file + ": " + e.getMessage(), "the input file must be readable", "check the path");
        }
        boolean jsonl = name.endsWith(".jsonl") || name.endsWith(".json")
                || lines.stream().filter(l -> l != null && !l.isBlank()).findFirst().map(l -> l.strip().startsWith("{")).orElse(false);
        String col = textColumn == null ? "text" : textColumn;
        List<Input> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            long lineNo = i + 1;
            if (l == null) {
                throw new JTuneException(file + " line " + lineNo + " is not valid UTF-8", "input files are read as UTF-8", "re-save the file as UTF-8");
            }
            if (l.isBlank()) continue;
            if (!jsonl) {
                out.add(new Input(null, l, lineNo));
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(l);
            } catch (IOException e) {
                throw new JTuneException(file + " line " + lineNo + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""),
                        "a JSONL file holds one JSON object per line", "fix line " + lineNo);
            }
            JsonNode t = n.get(col);
            if (t == null || !t.isTextual()) {
                throw new JTuneException(file + " line " + lineNo + " has no text field \"" + col + "\"",
                        "each JSONL line to tag holds its sentence as a string in \"" + col + "\"",
                        "add \"" + col + "\": \"...\" to line " + lineNo + ", or name the field with --text-column");
            }
            JsonNode id = n.get("id");
            out.add(new Input(id == null || id.isNull() ? null : id.asText(), t.asText(), lineNo));
        }
        return out;
    }

    /**
     * Tags raw texts: each is tokenised with offsets (truncated at {@code maxLength}: words past it get no tag and
     * are left out), run through the model in eval mode in batches, and decoded with {@code strategy}.
     *
     * @param progress called with the number of texts done after each batch, or null
     */
    public List<TokenPrediction> predict(List<String> texts, int batchSize, int maxLength, AggregationStrategy strategy,
                                         IntConsumer progress) {
        checkBatchSize(batchSize);
        List<TokenPrediction> out = new ArrayList<>(texts.size());
        DataCollatorWithPadding collator = new DataCollatorWithPadding(tokenizer);
        String prefix = tokenizer.continuingSubwordPrefix();
        int unk = tokenizer.unkTokenId();
        boolean wasTraining = model.is_training();
        model.eval();
        try (NoGradGuard g = new NoGradGuard()) {
            for (int i = 0; i < texts.size(); i += batchSize) {
                int j = Math.min(texts.size(), i + batchSize);
                List<OffsetEncoding> encs = new ArrayList<>(j - i);
                List<Encoding> rows = new ArrayList<>(j - i);
                for (int k = i; k < j; k++) {
                    String text = texts.get(k);
                    if (text == null || text.isBlank()) {
                        throw new JTuneException("text " + (k + 1) + " is empty", "each text to tag holds at least one word",
                                "remove the empty text");
                    }
                    OffsetEncoding oe = tokenizer.encodeWithOffsets(text, maxLength);
                    encs.add(oe);
                    rows.add(oe.encoding());
                }
                float[] flat;
                long[] shape;
                try (PointerScope scope = new PointerScope()) {
                    BatchEncoding b = collator.pad(rows);
                    Tensor logits = model.forward(Torch.longs(b.inputIds()), Torch.longs(b.attentionMask()),
                            Torch.longs(b.tokenTypeIds())).logits();
                    shape = Torch.shape(logits);
                    flat = Torch.toFloatArray(logits.softmax(-1));
                }
                int len = (int) shape[1], c = (int) shape[2];
                for (int k = 0; k < encs.size(); k++) {
                    OffsetEncoding oe = encs.get(k);
                    int n = oe.encoding().length();
                    double[][] probs = new double[n][c];
                    for (int t = 0; t < n; t++) for (int x = 0; x < c; x++) probs[t][x] = flat[(k * len + t) * c + x];
                    long[] ids = oe.encoding().inputIds();
                    String text = texts.get(i + k);
                    boolean[] sub = TokenEntities.subwords(text, oe.charStart(), tokenizer.tokens(ids), ids, prefix, unk);
                    out.add(TokenEntities.decode(text, oe.charStart(), oe.charEnd(), sub, probs, config().id2label(), strategy));
                }
                if (progress != null) progress.accept(j);
            }
        } finally {
            model.train(wasTraining);
        }
        return out;
    }

    private static void checkBatchSize(int batchSize) {
        if (batchSize <= 0) {
            throw new JTuneException("--batch-size is " + batchSize, "the batch size is at least 1", "pass e.g. --batch-size 32");
        }
    }

    @Override
    public void close() { tokenizer.close(); }
}
