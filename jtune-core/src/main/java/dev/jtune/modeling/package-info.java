/**
 * What every model shares, written once: {@link dev.jtune.modeling.PretrainedConfig} (labels, problem type, JSON),
 * {@link dev.jtune.modeling.PreTrainedModel} (HF init, state dicts, the key rules on load, {@link dev.jtune.modeling.LoadReport}),
 * {@link dev.jtune.modeling.TaskModel} (what both heads share and the Trainer takes: from/save_pretrained),
 * {@link dev.jtune.modeling.SequenceClassificationModel} and {@link dev.jtune.modeling.TokenClassificationModel} (forward + the
 * shared loss of each head kind) and
 * {@link dev.jtune.modeling.ModelFamily}, with each family's {@link dev.jtune.modeling.CheckpointLayout} (prefix, token type ids,
 * other heads' keys), which both its heads read. Families live in {@code dev.jtune.models.*}; this package imports none of them.
 */
package dev.jtune.modeling;
