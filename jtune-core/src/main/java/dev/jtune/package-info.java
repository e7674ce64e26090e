/**
 * jtune: Hugging Face-style fine-tuning of transformer encoders on libtorch. Packages, bottom to top (each imports
 * only those before it): {@code io} (stored tensors, atomic writes), {@code torch} (engine set-up, tensor helpers,
 * modules every family uses), {@code data}, {@code losses}, {@code metrics}, {@code tokenization}, {@code modeling}
 * (what every model shares: config, loading, saving, the sequence-classification contract), {@code modeling.io}
 * (checkpoint readers), {@code models.*} (one package per encoder family) and {@code models} (the registry and the
 * Auto classes), {@code optim}, {@code trainer}. {@link dev.jtune.JTuneException} is the one error type for bad input.
 */
package dev.jtune;
