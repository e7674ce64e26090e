package dev.jtune.modeling.io;

import dev.jtune.JTuneException;
import dev.jtune.io.DType;
import dev.jtune.io.RawTensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts a BERT encoder exported to ONNX by PyTorch into Hugging Face {@code BertModel} tensors (names without the
 * {@code bert.} prefix, Linear weights {@code [out, in]}).
 *
 * <p>Named initializers already carry HF names; each anonymous {@code MatMul} weight (stored {@code [in, out]}) is
 * named after the bias that the following {@code Add} adds ({@code X.bias} gives {@code X.weight}) and transposed.
 */
public final class OnnxBertImporter {
    private static final String RULE = "the ONNX model must be a BERT encoder exported from PyTorch, with HF-named "
            + "biases after each MatMul";
    private static final List<String> HF_PREFIXES = List.of("embeddings.", "encoder.", "pooler.");

    private OnnxBertImporter() {}

    private record Initializer(String name, DType dtype, long[] dims, ByteBuffer data) {}

    private record Node(String opType, List<String> inputs, List<String> outputs) {}

    /** Reads an ONNX model and returns its weights under HF BertModel names. */
    public static LinkedHashMap<String, RawTensor> importBert(InputStream onnx) {
        byte[] bytes;
        try {
            bytes = onnx.readAllBytes();
        } catch (IOException e) {
            throw new JTuneException("the ONNX model could not be read: " + e, RULE, "check the file", e);
        }
        Map<String, Initializer> inits = new LinkedHashMap<>();
        List<Node> nodes = new ArrayList<>();
        try {
            readModel(ByteBuffer.wrap(bytes), inits, nodes);
        } catch (ProtoReader.ProtoException | IllegalArgumentException | ArithmeticException e) {
            throw new JTuneException("the ONNX model is not a valid protobuf ModelProto: " + e.getMessage(), RULE,
                    "use an .onnx file written by torch.onnx.export", e);
        }
        return toHf(inits, nodes);
    }

    private static LinkedHashMap<String, RawTensor> toHf(Map<String, Initializer> inits, List<Node> nodes) {
        Map<String, List<Node>> consumers = new HashMap<>();
        for (Node n : nodes) for (String in : n.inputs) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
        LinkedHashMap<String, RawTensor> out = new LinkedHashMap<>();
        for (Initializer init : inits.values()) {
            if (isHfName(init.name) && !init.name.endsWith("position_ids")) {
                out.put(init.name, new RawTensor(init.dtype, init.dims, init.data));
            }
        }
        for (Node mm : nodes) {
            if (!mm.opType.equals("MatMul") || mm.inputs.size() != 2) continue;
            Initializer w = inits.get(mm.inputs.get(1));
            if (w == null || isHfName(w.name)) continue;
            String bias = biasAfter(mm, consumers, inits);
            if (bias == null) {
                throw new JTuneException("ONNX MatMul weight '" + w.name + "' is not followed by an Add of a named "
                        + "'<module>.bias'", RULE, "export the model with torch.onnx.export from a transformers BertModel");
            }
            String name = bias.substring(0, bias.length() - ".bias".length()) + ".weight";
            long[] b = inits.get(bias).dims;
            if (w.dims.length != 2 || b.length != 1 || w.dims[1] != b[0] || w.dtype != DType.F32) {
                throw new JTuneException("ONNX MatMul weight '" + w.name + "' (" + w.dtype + " " + Arrays.toString(w.dims)
                        + ") does not match bias '" + bias + "' " + Arrays.toString(b), RULE,
                        "export the model with torch.onnx.export from a transformers BertModel");
            }
            if (out.put(name, transpose(w)) != null) {
                throw new JTuneException("ONNX model: two MatMul weights map to '" + name + "'", RULE,
                        "export the model with torch.onnx.export from a transformers BertModel");
            }
        }
        return out;
    }

    private static String biasAfter(Node mm, Map<String, List<Node>> consumers, Map<String, Initializer> inits) {
        for (Node add : consumers.getOrDefault(mm.outputs.isEmpty() ? "" : mm.outputs.get(0), List.of())) {
            if (!add.opType.equals("Add") || add.inputs.size() != 2) continue;
            for (String in : add.inputs) {
                if (in.endsWith(".bias") && isHfName(in) && inits.containsKey(in)) return in;
            }
        }
        return null;
    }

    private static boolean isHfName(String name) {
        for (String p : HF_PREFIXES) if (name.startsWith(p)) return true;
        return false;
    }

    /** [in, out] to [out, in]. */
    private static RawTensor transpose(Initializer w) {
        int rows = Math.toIntExact(w.dims[0]);
        int cols = Math.toIntExact(w.dims[1]);
        float[] src = new float[rows * cols];
        w.data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(src);
        float[] dst = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) dst[c * rows + r] = src[r * cols + c];
        }
        return RawTensor.ofFloats(new long[] {cols, rows}, dst);
    }

    // ---- protobuf ------------------------------------------------------------------------------------------

    private static void readModel(ByteBuffer buf, Map<String, Initializer> inits, List<Node> nodes) {
        ProtoReader model = new ProtoReader(buf);
        boolean sawGraph = false;
        while (model.next()) {
            if (model.field() == 7 && model.wireType() == ProtoReader.LENGTH_DELIMITED) {
                sawGraph = true;
                ProtoReader graph = model.message();
                while (graph.next()) {
                    if (graph.field() == 1 && graph.wireType() == ProtoReader.LENGTH_DELIMITED) {
                        nodes.add(readNode(graph.message()));
                    } else if (graph.field() == 5 && graph.wireType() == ProtoReader.LENGTH_DELIMITED) {
                        Initializer init = readTensor(graph.message());
                        inits.put(init.name, init);
                    } else {
                        graph.skip();
                    }
                }
            } else {
                model.skip();
            }
        }
        if (!sawGraph) throw new ProtoReader.ProtoException("no graph (ModelProto field 7)");
    }

    private static Node readNode(ProtoReader r) {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String op = "";
        while (r.next()) {
            switch (r.field()) {
                case 1 -> inputs.add(r.string());
                case 2 -> outputs.add(r.string());
                case 4 -> op = r.string();
                default -> r.skip();
            }
        }
        return new Node(op, inputs, outputs);
    }

    private static Initializer readTensor(ProtoReader r) {
        List<Long> dims = new ArrayList<>();
        int dataType = 0;
        String name = "";
        ByteBuffer raw = null;
        List<Float> floats = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> {
                    if (r.wireType() == ProtoReader.LENGTH_DELIMITED) {
                        ProtoReader packed = new ProtoReader(r.bytes());
                        while (packed.hasMore()) dims.add(packed.varint());
                    } else {
                        dims.add(r.varint());
                    }
                }
                case 2 -> dataType = (int) r.varint();
                case 4 -> {
                    if (r.wireType() == ProtoReader.LENGTH_DELIMITED) {
                        ByteBuffer packed = r.bytes();
                        while (packed.remaining() >= 4) floats.add(packed.getFloat());
                    } else {
                        floats.add(Float.intBitsToFloat(r.fixed32()));
                    }
                }
                case 8 -> name = r.string();
                case 9 -> raw = r.bytes();
                case 14 -> {
                    if (r.varint() == 1) throw new ProtoReader.ProtoException("tensor " + name + " uses external data");
                }
                default -> r.skip();
            }
        }
        DType dtype = onnxType(dataType);
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        for (long d : shape) if (d < 0) throw new ProtoReader.ProtoException("tensor " + name + " has a negative dim");
        if (raw == null) {
            if (dtype != DType.F32 || floats.isEmpty()) {
                return new Initializer(name, dtype, shape, ByteBuffer.allocate(0)); // not a weight we use
            }
            float[] f = new float[floats.size()];
            for (int i = 0; i < f.length; i++) f[i] = floats.get(i);
            raw = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            raw.asFloatBuffer().put(f);
        }
        if (dtype == null || RawTensor.numel(shape) * dtype.size() != raw.remaining()) {
            if (isHfName(name) || name.startsWith("onnx::MatMul")) {
                throw new ProtoReader.ProtoException("tensor " + name + " of type " + dataType + " and shape "
                        + Arrays.toString(shape) + " has " + raw.remaining() + " bytes");
            }
            return new Initializer(name, DType.U8, new long[] {raw.remaining()}, raw); // unused constant
        }
        return new Initializer(name, dtype, shape, raw);
    }

    private static DType onnxType(int t) {
        return switch (t) {
            case 1 -> DType.F32;
            case 2 -> DType.U8;
            case 3 -> DType.I8;
            case 5 -> DType.I16;
            case 6 -> DType.I32;
            case 7 -> DType.I64;
            case 9 -> DType.BOOL;
            case 10 -> DType.F16;
            case 11 -> DType.F64;
            case 16 -> DType.BF16;
            default -> null;
        };
    }

    /** config.json from tensor shapes: vocab, hidden, layers, intermediate, max positions, type vocab; heads given. */
    public static com.fasterxml.jackson.databind.node.ObjectNode inferConfig(Map<String, RawTensor> t, int heads, String source) {
        long[] word = shape(t, "embeddings.word_embeddings.weight", source);
        long[] pos = shape(t, "embeddings.position_embeddings.weight", source);
        long[] type = shape(t, "embeddings.token_type_embeddings.weight", source);
        long[] inter = shape(t, "encoder.layer.0.intermediate.dense.weight", source);
        int layers = 0;
        while (t.containsKey("encoder.layer." + layers + ".attention.self.query.weight")) layers++;
        long hidden = word[1];
        if (hidden % heads != 0) {
            throw new dev.jtune.JTuneException("--num-heads " + heads + " for " + source + " with hidden size " + hidden,
                    "The hidden size (" + hidden + ") is not a multiple of the number of attention heads (" + heads + ")",
                    "pass a --num-heads that divides " + hidden);
        }
        com.fasterxml.jackson.databind.node.ObjectNode c = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        c.putArray("architectures").add("BertModel");
        c.put("attention_probs_dropout_prob", 0.1);
        c.putNull("classifier_dropout");
        c.put("hidden_act", "gelu");
        c.put("hidden_dropout_prob", 0.1);
        c.put("hidden_size", hidden);
        c.put("initializer_range", 0.02);
        c.put("intermediate_size", inter[0]);
        c.put("layer_norm_eps", 1e-12);
        c.put("max_position_embeddings", pos[0]);
        c.put("model_type", "bert");
        c.put("num_attention_heads", heads);
        c.put("num_hidden_layers", layers);
        c.put("pad_token_id", 0);
        c.put("position_embedding_type", "absolute");
        c.put("type_vocab_size", type[0]);
        c.put("vocab_size", word[0]);
        return c;
    }

    private static long[] shape(Map<String, RawTensor> t, String key, String source) {
        RawTensor r = t.get(key);
        if (r == null || r.shape().length != 2) {
            throw new dev.jtune.JTuneException(source + " has no tensor " + key, "import-onnx reads BERT-family exports (HF BertModel names)",
                    "export the model with transformers' ONNX exporter, or use a Hugging Face folder directly");
        }
        return r.shape();
    }

}
