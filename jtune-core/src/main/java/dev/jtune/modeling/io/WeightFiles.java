package dev.jtune.modeling.io;

import dev.jtune.JTuneException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds and reads the weights of a Hugging Face model folder, in transformers' order of preference:
 * {@code model.safetensors}, {@code model.safetensors.index.json}, {@code pytorch_model.bin},
 * {@code pytorch_model.bin.index.json}.
 */
public final class WeightFiles {
    public static final String SAFETENSORS = "model.safetensors";
    public static final String PYTORCH = "pytorch_model.bin";
    /** The file names looked for, in order. */
    public static final List<String> EXPECTED = List.of(SAFETENSORS, SafeTensorsIndex.SAFETENSORS_INDEX, PYTORCH,
            SafeTensorsIndex.PYTORCH_INDEX);

    private WeightFiles() {}

    /** Loads the weights of {@code modelDir}. */
    public static LoadedWeights load(Path modelDir) {
        if (!Files.isDirectory(modelDir)) {
            throw new JTuneException("model folder " + modelDir + " does not exist or is not a folder",
                    "--model_name_or_path must name a folder with config.json and weights",
                    "check the path (a Hugging Face hub id must already be in the local cache)");
        }
        Path st = modelDir.resolve(SAFETENSORS);
        if (Files.isRegularFile(st)) {
            return new LoadedWeights(SafeTensors.read(st).tensors(), List.of(st), LoadedWeights.SAFETENSORS);
        }
        Path stIndex = modelDir.resolve(SafeTensorsIndex.SAFETENSORS_INDEX);
        if (Files.isRegularFile(stIndex)) {
            SafeTensorsIndex index = SafeTensorsIndex.read(stIndex);
            return new LoadedWeights(index.load(p -> SafeTensors.read(p).tensors()), index.shardFiles(),
                    LoadedWeights.SAFETENSORS_SHARDED);
        }
        Path bin = modelDir.resolve(PYTORCH);
        if (Files.isRegularFile(bin)) {
            return new LoadedWeights(TorchPickle.read(bin), List.of(bin), LoadedWeights.PYTORCH);
        }
        Path binIndex = modelDir.resolve(SafeTensorsIndex.PYTORCH_INDEX);
        if (Files.isRegularFile(binIndex)) {
            SafeTensorsIndex index = SafeTensorsIndex.read(binIndex);
            return new LoadedWeights(index.load(TorchPickle::read), index.shardFiles(), LoadedWeights.PYTORCH_SHARDED);
        }
        throw new JTuneException("model folder " + modelDir + " has no weights file (it holds: " + listing(modelDir) + ")",
                "a model folder needs one of " + String.join(", ", EXPECTED),
                "point --model_name_or_path at a folder written by save_pretrained, or download the model's "
                        + "weights into it (TensorFlow/Flax-only checkpoints are not supported)");
    }

    private static String listing(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            String names = s.map(p -> p.getFileName().toString()).sorted().limit(30).collect(Collectors.joining(", "));
            return names.isEmpty() ? "nothing" : names;
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }
}
