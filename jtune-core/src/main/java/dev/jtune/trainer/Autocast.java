package dev.jtune.trainer;

import org.bytedeco.pytorch.global.torch;

/** bf16 autocast on CPU (AMX where present) for the forward pass; master weights and the loss stay fp32. */
final class Autocast implements AutoCloseable {
    private final boolean enabled;

    private Autocast(boolean enabled) {
        this.enabled = enabled;
        if (enabled) {
            torch.set_autocast_dtype(torch.DeviceType.CPU, torch.ScalarType.BFloat16);
            torch.set_autocast_enabled(torch.DeviceType.CPU, true);
        }
    }

    static Autocast bf16(boolean on) { return new Autocast(on); }

    @Override
    public void close() {
        if (enabled) {
            torch.set_autocast_enabled(torch.DeviceType.CPU, false);
            torch.clear_cache();
        }
    }
}
