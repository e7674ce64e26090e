package dev.jtune.modeling;

import dev.jtune.JTuneException;
import dev.jtune.losses.LossSelection;
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
 * What both task heads share — {@link SequenceClassificationModel} ({@code *ForSequenceClassification}) and
 * {@link TokenClassificationModel} ({@code *ForTokenClassification}) — and what the Trainer works with: the config,
 * a forward with optional labels that returns the model's own loss, the loss decision for given labels,
 * {@code from_pretrained} and {@code save_pretrained}.
 */
public abstract class TaskModel extends PreTrainedModel {
    private LoadReport loadReport;
    private AttentionImplementation attentionImplementation = AttentionImplementation.AUTO;

    /** The model's config (labels, problem type and the family's fields). */
    public abstract PretrainedConfig config();

    /** The family's checkpoint layout (prefix, token type ids, other heads' keys), shared by both its heads. */
    public abstract CheckpointLayout layout();

    @Override
    public String basePrefix() { return layout().baseModelPrefix(); }

    /** Whether the model reads token type ids (HF's tokenizer {@code model_input_names} lists them). */
    public boolean usesTokenTypeIds() { return layout().usesTokenTypeIds(); }

    /** The other task head's keys of the same family (the token head: the sequence head's pooler and so on). */
    protected boolean isOtherHeadKey(String key) { return false; }

    /** This head's keys, the family's other task heads ({@link CheckpointLayout#otherTaskPrefixes}) and BERT's {@code cls.*}. */
    @Override
    public boolean isOutsideBaseModel(String key) {
        return super.isOutsideBaseModel(key) || layout().isOtherTaskKey(key) || isOtherHeadKey(key);
    }

    /** The legacy keys every family drops, plus the family's other heads and unused keys ({@link CheckpointLayout}). */
    @Override
    public boolean isDroppedKey(String key) {
        return super.isDroppedKey(key) || layout().isOtherTaskKey(key) || layout().isUnusedKey(key) || isOtherHeadKey(key);
    }

    /**
     * Inference that reads only the logits ({@code jtune predict}, evaluation): a family may then skip work whose
     * results only the hidden states would show (BERT: the padding, and every token but the first in the last layer).
     * Off by default, so that a forward returns HF's full last hidden state; logits are the same either way.
     */
    public void logitsOnlyInference(boolean on) {}

    /** True for a {@code *ForTokenClassification} head: logits (B, L, C) and labels (B, L). */
    public boolean isTokenClassification() { return false; }

    /** What {@code fromPretrained} did with the checkpoint's keys (null for a model built from a config). */
    public LoadReport loadReport() { return loadReport; }

    /** HF's {@code attn_implementation}; families whose attention has only the eager form keep it for the record. */
    public void setAttentionImplementation(AttentionImplementation impl) { this.attentionImplementation = impl; }

    public AttentionImplementation attentionImplementation() { return attentionImplementation; }

    /** Forward without labels: logits, no loss. */
    public abstract ModelOutput forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds);

    /** Forward; with labels, the loss HF's head would compute. */
    public abstract ModelOutput forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, Tensor labels);

    /** The loss decision for these labels, without running the model. */
    public abstract LossSelection selectLoss(Tensor labels);

    /**
     * Loads the weights of {@code dir} into a model built by {@code ctor} from {@code config}: new head weights are
     * initialised from {@code opts.seed()} as HF does, keys follow {@link #loadStateDict}'s rules.
     */
    public static <C extends PretrainedConfig, M extends TaskModel> M fromPretrained(
            Path dir, C config, FromPretrainedOptions opts, Function<C, M> ctor) {
        LoadedWeights weights = WeightFiles.load(dir);
        Engine.manualSeed(opts.seed());
        M model = ctor.apply(config);
        model.setAttentionImplementation(opts.attnImplementation());
        ((TaskModel) model).loadReport = model.loadStateDict(weights.tensors(), weights.files().toString(),
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
