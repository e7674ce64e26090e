/**
 * libtorch set-up and helpers: {@link dev.jtune.torch.Engine} (natives, BLAS, threads, malloc),
 * {@link dev.jtune.torch.EngineChoices} (the per-machine probe that decides the attention path, cached), {@link dev.jtune.torch.Torch}
 * (tensors from and to Java arrays), {@link dev.jtune.torch.Dropout} (jtune's fast dropout), and the modules every
 * family builds with ({@link dev.jtune.torch.Nn}, {@link dev.jtune.torch.Embedding}, {@link dev.jtune.torch.Attention}: eager or
 * fused scaled dot-product attention). Reading order: Engine, Torch, Nn.
 */
package dev.jtune.torch;
