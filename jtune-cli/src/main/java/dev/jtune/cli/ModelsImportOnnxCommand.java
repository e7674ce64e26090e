package dev.jtune.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtune.JTuneException;
import dev.jtune.io.RawTensor;
import dev.jtune.io.AtomicFiles;
import dev.jtune.modeling.io.BuiltinModels;
import dev.jtune.modeling.io.OnnxBertImporter;
import dev.jtune.modeling.io.SafeTensors;
import dev.jtune.tokenization.AutoTokenizer;
import dev.jtune.tokenization.PreTrainedTokenizer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code jtune models import-onnx}: a BERT-family ONNX export plus its tokenizer.json as a Hugging Face folder. */
@Command(mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, name = "import-onnx", header = "Import a BERT-family ONNX export and its tokenizer.json as an HF model folder.",
        description = {
            "Writes config.json (sizes inferred from the tensor shapes), model.safetensors and the tokenizer files.",
            "The folder is written completely or not at all (a temporary folder, then a rename).",
            "",
            "Examples:",
            "  jtune models import-onnx --onnx model.onnx --tokenizer tokenizer.json --num-heads 12 --output ./my-bert",
            "  jtune models import-onnx --builtin minilm --output ./minilm",
            ""
        })
public class ModelsImportOnnxCommand implements Callable<Integer> {
    @Mixin StandardOptions standard;
    @Spec CommandSpec spec;

    static class Source {
        @Option(names = "--onnx", paramLabel = "FILE", description = "The ONNX export (BertModel graph).") Path onnx;
        @Option(names = "--builtin", paramLabel = "NAME", description = "Import the built-in model instead: minilm.") String builtin;
    }

    @ArgGroup(exclusive = true, multiplicity = "1") Source source;

    @Option(names = "--tokenizer", paramLabel = "tokenizer.json", description = "The tokenizer.json that goes with --onnx.")
    Path tokenizer;

    @Option(names = {"--num-heads", "--num_attention_heads"}, paramLabel = "N",
            description = "Attention heads (not visible in tensor shapes; required with --onnx).")
    Integer numHeads;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "The model folder to create (must not exist).")
    Path output;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Logging.configure(standard.verbose(), spec.commandLine().getErr());
        if (Files.exists(output)) {
            throw new JTuneException("--output " + output + " already exists", "import-onnx creates a new folder",
                    "remove it or choose another --output");
        }
        Path tmp = AtomicFiles.tempFolderFor(output);
        try {
            if (source.builtin != null) {
                if (!dev.jtune.modeling.AutoModel.BUILTIN_NAMES.contains(source.builtin.toLowerCase(java.util.Locale.ROOT))) {
                    throw new JTuneException("--builtin " + source.builtin, "the built-in model is minilm", "pass --builtin minilm");
                }
                Path built = BuiltinModels.allMiniLmL6V2(tmp.resolve("cache"));
                Files.move(built, tmp.resolve("model"));
                AtomicFiles.commitFolder(tmp.resolve("model"), output);
            } else {
                importCustom(tmp);
                AtomicFiles.commitFolder(tmp, output);
            }
        } finally {
            AtomicFiles.deleteTree(tmp);
        }
        out.println("Imported " + (source.builtin != null ? BuiltinModels.ALL_MINILM_L6_V2 : source.onnx) + " into " + output);
        out.flush();
        return ExitCode.OK;
    }

    private void importCustom(Path dir) throws IOException {
        if (tokenizer == null) {
            throw new JTuneException("--onnx without --tokenizer", "an imported model needs its tokenizer.json",
                    "pass --tokenizer tokenizer.json (from the same export)");
        }
        if (numHeads == null || numHeads < 1) {
            throw new JTuneException("--num-heads " + (numHeads == null ? "missing" : numHeads),
                    "the number of attention heads cannot be read from tensor shapes", "pass --num-heads (e.g. 12 for BERT-base)");
        }
        if (!Files.isRegularFile(onnx())) {
            throw new JTuneException("--onnx " + onnx() + ": the file does not exist", "--onnx takes an ONNX model file", "check the path");
        }
        if (!Files.isRegularFile(tokenizer)) {
            throw new JTuneException("--tokenizer " + tokenizer + ": the file does not exist", "--tokenizer takes a tokenizer.json file", "check the path");
        }
        Map<String, RawTensor> tensors;
        try (InputStream in = Files.newInputStream(onnx())) {
            tensors = OnnxBertImporter.importBert(in);
        }
        ObjectNode cfg = OnnxBertImporter.inferConfig(tensors, numHeads, onnx().toString());
        SafeTensors.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
        AtomicFiles.write(dir.resolve("config.json"), CliSupport.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(cfg));
        String json = Files.readString(tokenizer, StandardCharsets.UTF_8);
        try (PreTrainedTokenizer tok = AutoTokenizer.fromTokenizerJson(json, tokenizer.toString())) {
            tok.savePretrained(dir);
        }
    }

    private Path onnx() { return source.onnx; }

    @SuppressWarnings("unused")
    private static Map<String, Object> none() { return new LinkedHashMap<>(); }
}
