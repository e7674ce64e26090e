package dev.jtune.torch;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** {@code nn.Embedding(num, dim, padding_idx)}: one "weight" parameter; the padding row gets no gradient. */
public final class Embedding extends Module {
    private final Tensor weight;
    private final long paddingIdx;

    public Embedding(long num, long dim, long paddingIdx) {
        this.weight = register_parameter("weight", torch.empty(num, dim));
        this.paddingIdx = paddingIdx;
    }

    public Tensor weight() { return weight; }

    /** ids (B, L) -> (B, L, dim). */
    public Tensor forward(Tensor ids) {
        return torch.embedding(weight, ids, paddingIdx, false, false);
    }
}
