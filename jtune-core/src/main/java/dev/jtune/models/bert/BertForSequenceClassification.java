package dev.jtune.models.bert;

import dev.jtune.JTuneException;
import dev.jtune.losses.LossSelection;
import dev.jtune.losses.ProblemType;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.LoadReport;
import dev.jtune.modeling.PreTrainedModel;
import dev.jtune.modeling.io.LoadedWeights;
import dev.jtune.modeling.io.SafeTensors;
import dev.jtune.modeling.io.WeightFiles;
import dev.jtune.torch.Engine;
import dev.jtune.torch.Torch;
import org.bytedeco.pytorch.CrossEntropyLossOptions;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Mirrors transformers BertForSequenceClassification: {@code bert} (with pooler) → dropout → {@code classifier},
 * and HF's automatic loss selection (regression / single-label / multi-label), with the checks jtune adds.
 */
public final class BertForSequenceClassification extends PreTrainedModel {
    private static final System.Logger LOG = System.getLogger(BertForSequenceClassification.class.getName());

    final BertConfig config;
    final BertModel bert;
    final LinearImpl classifier;

    public BertForSequenceClassification(BertConfig config) {
        this.config = config;
        bert = register_module("bert", new BertModel(config, true));
        classifier = register_module("classifier", Nn.linear(config.hiddenSize, config.numLabels()));
        initWeights(config.initializerRange, config.padTokenId);
    }

    public BertConfig config() { return config; }

    private LoadReport loadReport;

    /** What {@link #fromPretrained} did with the checkpoint's keys (null for a model built from a config). */
    public LoadReport loadReport() { return loadReport; }

    /** {@code BertForSequenceClassification.from_pretrained(dir)} with default options. */
    public static BertForSequenceClassification fromPretrained(Path dir) {
        return fromPretrained(dir, FromPretrainedOptions.defaults());
    }

    /**
     * Loads an HF folder (config.json + model.safetensors, sharded safetensors or pytorch_model.bin). New head
     * weights are initialised as HF does, from {@code opts.seed()}; {@code num_labels}/{@code id2label}/
     * {@code problem_type} from the options override config.json.
     */
    public static BertForSequenceClassification fromPretrained(Path dir, FromPretrainedOptions opts) {
        BertConfig config = loadConfig(dir, opts);
        LoadedWeights weights = WeightFiles.load(dir);
        Engine.manualSeed(opts.seed());
        BertForSequenceClassification model = new BertForSequenceClassification(config);
        model.setAttentionImplementation(opts.attnImplementation());
        model.loadReport = model.loadStateDict(weights.tensors(), weights.files().toString(),
                new LoadOptions(opts.ignoreMismatchedSizes(), config.initializerRange, config.padTokenId));
        return model;
    }

    /** config.json with the options applied (labels, problem type, overrides). */
    public static BertConfig loadConfig(Path dir, FromPretrainedOptions opts) {
        if (!Files.isDirectory(dir)) {
            throw new JTuneException("model folder not found: " + dir + " (CLI --model)",
                    "--model takes a Hugging Face model folder (config.json + weights + tokenizer), a Hub id already in the local "
                            + "Hugging Face cache, or minilm (the built-in all-MiniLM-L6-v2)",
                    "check the path, or download the model with `huggingface-cli download ORG/NAME --local-dir DIR` and pass DIR");
        }
        BertConfig config = BertConfig.fromJsonFileWithOverrides(dir.resolve("config.json"), opts.configOverrides());
        if (opts.labelNames() != null) {
            java.util.TreeMap<Integer, String> m = new java.util.TreeMap<>();
            for (int i = 0; i < opts.labelNames().size(); i++) m.put(i, opts.labelNames().get(i));
            if (opts.numLabels() != null && opts.numLabels() != m.size()) {
                throw new JTuneException("num_labels " + opts.numLabels() + " (CLI --num-labels) disagrees with the " + m.size()
                        + " label names " + opts.labelNames(), "num_labels must equal the number of label names (id2label)",
                        "drop --num-labels or fix the label names");
            }
            config.setId2Label(m);
        } else if (opts.numLabels() != null) {
            config.setNumLabels(opts.numLabels());
        }
        if (opts.problemType() != null) config.setProblemType(opts.problemType());
        return config;
    }

    /**
     * {@code save_pretrained}: config.json (with problem_type, id2label, label2id and architectures) and
     * model.safetensors with HF key names, each written atomically, so Python's {@code from_pretrained} loads the
     * folder unchanged.
     */
    public void savePretrained(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new JTuneException("cannot create " + dir + ": " + e, "the output folder must be writable", "choose another --output-dir", e);
        }
        config.architectures = new java.util.ArrayList<>(java.util.List.of(architecture()));
        SafeTensors.write(dir.resolve(WeightFiles.SAFETENSORS), stateDict(), java.util.Map.of("format", "pt"));
        config.saveTo(dir);
    }

    public BertModel bert() { return bert; }

    @Override
    public String basePrefix() { return "bert"; }

    @Override
    public String architecture() { return "BertForSequenceClassification"; }

    /** The keys HF initialises when they are missing from a checkpoint (the task head). */
    @Override
    public boolean isHeadKey(String key) { return key.startsWith("classifier.") || key.startsWith("bert.pooler."); }

    public void setAttentionImplementation(AttentionImplementation impl) { bert.setAttentionImplementation(impl); }

    /** Forward without labels: logits (B, num_labels), no loss. */
    public SequenceClassifierOutput forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) {
        return forward(inputIds, attentionMask, tokenTypeIds, null);
    }

    /**
     * inputIds, attentionMask, tokenTypeIds (B, L); labels: (B) int64 class ids, (B) or (B, 1) float scores,
     * (B, C) float/int/bool multi-hot, or null. Returns logits (B, C) and, with labels, the loss HF would compute.
     */
    public SequenceClassifierOutput forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, Tensor labels) {
        BertModel.Output out = bert.forward(inputIds, attentionMask, tokenTypeIds);
        Tensor pooled = Nn.dropout(out.pooledOutput(), config.effectiveClassifierDropout(), is_training()); // (B, H)
        Tensor logits = classifier.forward(pooled); // (B, C)
        if (labels == null) return new SequenceClassifierOutput(null, logits, out.lastHiddenState(), out.pooledOutput(), null);
        LossSelection sel = selectLoss(labels);
        if (config.problemType() == null) config.setInferredProblemType(sel.problemType()); // HF mutates the config
        Tensor loss = computeLoss(sel.problemType(), logits, labels, config.numLabels());
        return new SequenceClassifierOutput(loss, logits, out.lastHiddenState(), out.pooledOutput(), sel);
    }

    /** The loss decision for these labels, without running the model. */
    public LossSelection selectLoss(Tensor labels) {
        return LossSelection.select(config.problemType(), config.problemTypeSource(), config.numLabels(), labelKind(labels, config.numLabels()));
    }

    /** Classifies a labels tensor for the loss rule. */
    public static LossSelection.LabelKind labelKind(Tensor labels, int numLabels) {
        boolean intLike = Torch.isType(labels, torch.ScalarType.Long) || Torch.isType(labels, torch.ScalarType.Int);
        boolean otherInt = Torch.isType(labels, torch.ScalarType.Short) || Torch.isType(labels, torch.ScalarType.Byte)
                || Torch.isType(labels, torch.ScalarType.Char) || Torch.isType(labels, torch.ScalarType.Bool);
        if (labels.dim() == 2 && labels.size(1) == numLabels && numLabels > 1 && (intLike || otherInt)) {
            return LossSelection.LabelKind.INTEGER_MULTI_HOT;
        }
        if (intLike) return LossSelection.LabelKind.CLASS_INDEX;
        if (otherInt) return LossSelection.LabelKind.OTHER;
        return LossSelection.LabelKind.FLOAT;
    }

    /**
     * HF's loss block, with jtune's checks: labels out of range are errors, integer regression labels become
     * float, integer/bool multi-hot becomes float, class indices for a multi-label head are rejected, and a batch
     * whose labels are all -100 gives 0 (with a warning) instead of NaN.
     */
    public static Tensor computeLoss(ProblemType problemType, Tensor logits, Tensor labels, int numLabels) {
        switch (problemType) {
            case REGRESSION: {
                Tensor y = Torch.isType(labels, torch.ScalarType.Float) ? labels : labels.to(torch.ScalarType.Float);
                checkFinite(y);
                if (numLabels == 1) return torch.mse_loss(logits.squeeze(), y.squeeze());
                if (!Arrays.equals(Torch.shape(y), Torch.shape(logits))) {
                    throw new JTuneException("regression labels have shape " + Arrays.toString(Torch.shape(y)) + " but logits have shape "
                            + Arrays.toString(Torch.shape(logits)), "with problem_type regression and num_labels=" + numLabels
                            + ", labels must have one value per output: shape (batch, " + numLabels + ")",
                            "give " + numLabels + " scores per example, or use --num-labels 1 for a single score");
                }
                return torch.mse_loss(logits, y);
            }
            case SINGLE_LABEL_CLASSIFICATION: {
                Tensor y = classIndices(labels, numLabels);
                long[] v = Torch.toLongArray(y);
                boolean anyKept = false;
                for (int i = 0; i < v.length; i++) {
                    if (v[i] == -100) continue;
                    anyKept = true;
                    if (v[i] < 0 || v[i] >= numLabels) {
                        throw new JTuneException("label " + v[i] + " of example " + i + " in the batch is out of range for num_labels="
                                        + numLabels, "single-label class ids must lie in [0, " + numLabels + ") or be -100 (ignored)",
                                "check for 1-based labels, or set --num-labels (HF num_labels) to the number of classes");
                    }
                }
                if (!anyKept) {
                    LOG.log(System.Logger.Level.WARNING, "every label in this batch is -100 (ignored): loss is 0 instead of HF's NaN");
                    return logits.sum().mul(Nn.scalar(0.0));
                }
                CrossEntropyLossOptions o = new CrossEntropyLossOptions();
                o.ignore_index().put(-100);
                return torch.cross_entropy(logits.view(-1, numLabels), y.view(-1), o);
            }
            case MULTI_LABEL_CLASSIFICATION: {
                if (labels.dim() != 2 || labels.size(0) != logits.size(0) || labels.size(1) != numLabels) {
                    throw new JTuneException("multi-label labels have shape " + Arrays.toString(Torch.shape(labels)) + " ("
                            + labels.scalar_type() + ") but the head has num_labels=" + numLabels,
                            "multi_label_classification needs one 0/1 (or probability) target per label: shape (batch, " + numLabels
                                    + "); class indices are not accepted",
                            "turn each example's labels into a multi-hot row of length " + numLabels
                                    + ", or use problem_type single_label_classification for one class per example");
                }
                Tensor y = Torch.isType(labels, torch.ScalarType.Float) ? labels : labels.to(torch.ScalarType.Float);
                return torch.binary_cross_entropy_with_logits(logits, y);
            }
            default:
                throw new IllegalStateException("unknown problem type " + problemType);
        }
    }

    private static Tensor classIndices(Tensor labels, int numLabels) {
        if (Torch.isType(labels, torch.ScalarType.Long)) return labels;
        if (Torch.isType(labels, torch.ScalarType.Int) || Torch.isType(labels, torch.ScalarType.Short)
                || Torch.isType(labels, torch.ScalarType.Byte) || Torch.isType(labels, torch.ScalarType.Char)) {
            return labels.to(torch.ScalarType.Long);
        }
        float[] f = Torch.toFloatArray(labels);
        for (int i = 0; i < f.length; i++) {
            if (f[i] != Math.rint(f[i])) {
                throw new JTuneException("label " + f[i] + " of example " + i + " is not a class id",
                        "single_label_classification needs integer class ids in [0, " + numLabels + ")",
                        "give integer labels, or use problem_type regression / multi_label_classification");
            }
        }
        return labels.to(torch.ScalarType.Long);
    }

    private static void checkFinite(Tensor y) {
        float[] f = Torch.toFloatArray(y);
        for (int i = 0; i < f.length; i++) {
            if (!Float.isFinite(f[i])) {
                throw new JTuneException("regression label " + f[i] + " of example " + i + " is not finite",
                        "regression targets must be finite numbers", "remove or fix the row (NaN and infinity cannot be learned)");
            }
        }
    }
}
