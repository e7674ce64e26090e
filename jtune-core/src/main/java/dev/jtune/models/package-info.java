/**
 * The families by {@code model_type}: {@link dev.jtune.models.ModelRegistry}, {@link dev.jtune.models.AutoConfig} and
 * {@link dev.jtune.models.AutoModelForSequenceClassification} / {@link dev.jtune.models.AutoModelForTokenClassification} (mirroring transformers' auto classes). One sub-package
 * per family, each with its config, its module tree (parameter names = checkpoint keys) and its heads.
 */
package dev.jtune.models;
