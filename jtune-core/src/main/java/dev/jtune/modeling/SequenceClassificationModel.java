package dev.jtune.modeling;

import dev.jtune.JTuneException;
import dev.jtune.losses.LossSelection;
import dev.jtune.losses.SequenceClassificationLoss;
import dev.jtune.modeling.io.LoadedWeights;
import dev.jtune.modeling.io.SafeTensors;
import dev.jtune.modeling.io.WeightFiles;
import dev.jtune.torch.Engine;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What every {@code *ForSequenceClassification} shares (HF writes it into each head class; jtune writes it once):
 * the forward contract (logits from the family's encoder and head, then the loss chosen by {@code problem_type}
 * through {@link LossSelection} and {@link SequenceClassificationLoss}), {@code from_pretrained} and
 * {@code save_pretrained}. A family contributes its config, its module tree and {@link #classify}.
 */
public abstract class SequenceClassificationModel extends PreTrainedModel {
    private LoadReport loadReport;
    private AttentionImplementation attentionImplementation = AttentionImplementation.AUTO;

    /** The model's config (labels, problem type and the family's fields). */
    public abstract PretrainedConfig config();

    /**
     * The family's encoder and head without a loss: inputIds, attentionMask, tokenTypeIds (B, L) (mask or types
     * may be null: all ones / zeros) → logits (B, num_labels), the last hidden state (B, L, H) and the pooled
     * vector (B, H) where the family has one (else null). Loss and lossSelection are null.
     */
    protected abstract SequenceClassifierOutput classify(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds);

    /** Whether the model reads token type ids (HF's tokenizer {@code model_input_names} lists them). */
    public boolean usesTokenTypeIds() { return true; }

    /** What {@code fromPretrained} did with the checkpoint's keys (null for a model built from a config). */
    public LoadReport loadReport() { return loadReport; }

    /** HF's {@code attn_implementation}; families whose attention has only the eager form keep it for the record. */
    public void setAttentionImplementation(AttentionImplementation impl) { this.attentionImplementation = impl; }

    public AttentionImplementation attentionImplementation() { return attentionImplementation; }

    /** Forward without labels: logits (B, num_labels), no loss. */
    public final SequenceClassifierOutput forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) {
        return forward(inputIds, attentionMask, tokenTypeIds, null);
    }

    /**
     * inputIds, attentionMask, tokenTypeIds (B, L); labels: (B) int64 class ids, (B) or (B, 1) float scores,
     * (B, C) float/int/bool multi-hot, or null. Returns logits (B, C) and, with labels, the loss HF would compute.
     */
    public final SequenceClassifierOutput forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, Tensor labels) {
        SequenceClassifierOutput out = classify(inputIds, attentionMask, usesTokenTypeIds() ? tokenTypeIds : null);
        if (labels == null) return out;
        PretrainedConfig config = config();
        if (config.problemType() == null) {
            Tensor own = lossWithoutProblemType(out.logits(), labels);
            if (own != null) return new SequenceClassifierOutput(own, out.logits(), out.lastHiddenState(), out.pooledOutput(), null);
        }
        LossSelection sel = selectLoss(labels);
        if (config.problemType() == null) config.setInferredProblemType(sel.problemType()); // HF mutates the config
        Tensor loss = SequenceClassificationLoss.compute(sel.problemType(), out.logits(), labels, config.numLabels());
        return new SequenceClassifierOutput(loss, out.logits(), out.lastHiddenState(), out.pooledOutput(), sel);
    }

    /**
     * The loss of a head that, while {@code problem_type} is unset, keeps its own rule in HF and neither infers nor
     * records a problem type (DeBERTa-v2); null (the default) means HF's shared rule, which records the inferred
     * type in the config. A non-null loss comes back with a null {@code lossSelection}.
     */
    protected Tensor lossWithoutProblemType(Tensor logits, Tensor labels) { return null; }

    /** The loss decision for these labels, without running the model. */
    public LossSelection selectLoss(Tensor labels) {
        PretrainedConfig c = config();
        return LossSelection.select(c.problemType(), c.problemTypeSource(), c.numLabels(),
                SequenceClassificationLoss.labelKind(labels, c.numLabels()));
    }

    /**
     * Loads the weights of {@code dir} into a model built by {@code ctor} from {@code config}: new head weights are
     * initialised from {@code opts.seed()} as HF does, keys follow {@link #loadStateDict}'s rules.
     */
    public static <C extends PretrainedConfig, M extends SequenceClassificationModel> M fromPretrained(
            Path dir, C config, FromPretrainedOptions opts, Function<C, M> ctor) {
        LoadedWeights weights = WeightFiles.load(dir);
        Engine.manualSeed(opts.seed());
        M model = ctor.apply(config);
        model.setAttentionImplementation(opts.attnImplementation());
        ((SequenceClassificationModel) model).loadReport = model.loadStateDict(weights.tensors(), weights.files().toString(),
                new LoadOptions(opts.ignoreMismatchedSizes(), config.initializerRange, config.padTokenId));
        return model;
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
        config().architectures = new ArrayList<>(List.of(architecture()));
        SafeTensors.write(dir.resolve(WeightFiles.SAFETENSORS), stateDict(), Map.of("format", "pt"));
        config().saveTo(dir);
    }
}
