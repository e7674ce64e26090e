/**
 * What every model shares, written once: {@link dev.jtune.modeling.PretrainedConfig} (labels, problem type, JSON),
 * {@link dev.jtune.modeling.PreTrainedModel} (HF init, state dicts, the key rules on load, {@link dev.jtune.modeling.LoadReport}),
 * {@link dev.jtune.modeling.SequenceClassificationModel} (forward + the shared loss, from/save_pretrained) and
 * {@link dev.jtune.modeling.ModelFamily}. Families live in {@code dev.jtune.models.*}; this package imports none of them.
 */
package dev.jtune.modeling;
