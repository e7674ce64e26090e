package dev.jtune.optim;

import dev.jtune.JTuneException;

import java.util.Arrays;
import java.util.Locale;

/**
 * The optimizers jtune implements, spelled as HF's {@code OptimizerNames} values ({@code TrainingArguments.optim},
 * CLI {@code --optim}). Both are {@code torch.optim.AdamW} with HF's two parameter groups; they differ only in the
 * kernel, and agree to float rounding.
 */
public enum OptimizerNames {
    /**
     * {@code torch.optim.AdamW(fused=True)}: one fused, vectorised kernel per parameter group
     * ({@code aten::_fused_adamw_}) that reads each parameter, gradient and moment once. HF v5's default (with
     * torch ≥ 2.8), and jtune's: measured 6.7× faster than libtorch's per-tensor AdamW on MiniLM's 22.7 M parameters.
     */
    ADAMW_TORCH_FUSED("adamw_torch_fused"),
    /** {@code torch.optim.AdamW} as libtorch's C++ {@code torch::optim::AdamW} runs it: several passes per parameter. */
    ADAMW_TORCH("adamw_torch");

    private final String hfName;

    OptimizerNames(String hfName) { this.hfName = hfName; }

    /** The HF spelling, e.g. {@code "adamw_torch_fused"}. */
    public String hfName() { return hfName; }

    @Override public String toString() { return hfName; }

    /**
     * Parses the HF spelling (case-insensitive; {@code -} accepted for {@code _}). HF 4.x's {@code adamw_hf} (its own
     * AdamW, the same update with bias correction) runs as {@code adamw_torch}.
     */
    public static OptimizerNames fromHf(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        if (n.equals("adamw_hf")) return ADAMW_TORCH;
        for (OptimizerNames o : values()) if (o.hfName.equals(n)) return o;
        throw new JTuneException("optim (--optim) is \"" + name + "\"",
                "jtune implements AdamW only: " + Arrays.toString(values()) + " (HF 4.x adamw_hf runs as adamw_torch)",
                "pass --optim adamw_torch_fused (the default) or --optim adamw_torch");
    }
}
