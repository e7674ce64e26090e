/**
 * The loss rule of every {@code *ForSequenceClassification}: {@link dev.jtune.losses.ProblemType},
 * {@link dev.jtune.losses.LossSelection} (which loss and why), {@link dev.jtune.losses.SequenceClassificationLoss}
 * (HF's loss block, written once), and the configurable losses ({@link dev.jtune.losses.LossSpec},
 * {@link dev.jtune.losses.ConfiguredLoss}, {@link dev.jtune.losses.LossFunction}).
 */
package dev.jtune.losses;
