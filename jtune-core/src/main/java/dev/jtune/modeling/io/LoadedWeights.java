package dev.jtune.modeling.io;

import dev.jtune.io.RawTensor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The tensors of a model folder, with the file(s) they came from and the format name. */
public record LoadedWeights(Map<String, RawTensor> tensors, List<Path> files, String format) {
    public static final String SAFETENSORS = "safetensors";
    public static final String SAFETENSORS_SHARDED = "safetensors-sharded";
    public static final String PYTORCH = "pytorch";
    public static final String PYTORCH_SHARDED = "pytorch-sharded";

    public LoadedWeights {
        files = List.copyOf(files);
    }
}
