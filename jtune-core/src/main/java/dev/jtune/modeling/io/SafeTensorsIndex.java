package dev.jtune.modeling.io;

import dev.jtune.io.AtomicFiles;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtune.JTuneException;
import dev.jtune.io.RawTensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A sharded checkpoint index ({@code model.safetensors.index.json} or {@code pytorch_model.bin.index.json}):
 * {@code {"metadata": {...}, "weight_map": {key: shard file name}}}.
 */
public record SafeTensorsIndex(Path indexFile, Map<String, Object> metadata, Map<String, String> weightMap) {
    public static final String SAFETENSORS_INDEX = "model.safetensors.index.json";
    public static final String PYTORCH_INDEX = "pytorch_model.bin.index.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final String RULE = "a sharded checkpoint index is {\"metadata\": {...}, \"weight_map\": "
            + "{\"tensor name\": \"shard file name in the same folder\"}}";

    /** Reads and checks an index file (shard names must be plain file names inside its folder). */
    public static SafeTensorsIndex read(Path indexFile) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(indexFile));
        } catch (NoSuchFileException e) {
            throw new JTuneException("index file " + indexFile + " does not exist", RULE, "check the model folder");
        } catch (IOException e) {
            throw bad(indexFile, "it is not valid JSON (" + firstLine(e.getMessage()) + ")");
        }
        if (root == null || !root.isObject()) throw bad(indexFile, "it is not a JSON object");
        JsonNode wm = root.get("weight_map");
        if (wm == null || !wm.isObject()) throw bad(indexFile, "\"weight_map\" is missing or not an object");
        Map<String, String> weightMap = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = wm.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw bad(indexFile, "weight_map entry '" + e.getKey() + "' is not a file name string");
            }
            String shard = e.getValue().textValue();
            checkShardName(indexFile, e.getKey(), shard);
            weightMap.put(e.getKey(), shard);
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        JsonNode meta = root.get("metadata");
        if (meta != null && meta.isObject()) {
            metadata = JSON.convertValue(meta, JSON.getTypeFactory().constructMapType(LinkedHashMap.class,
                    String.class, Object.class));
        }
        return new SafeTensorsIndex(indexFile, metadata, weightMap);
    }

    /** The distinct shard files, in first-use order. */
    public List<Path> shardFiles() {
        List<Path> out = new ArrayList<>();
        for (String s : new LinkedHashSet<>(weightMap.values())) out.add(indexFile.toAbsolutePath().getParent().resolve(s));
        return out;
    }

    /** Loads all shards with {@code reader} and checks each key sits in the shard the index names. */
    public LinkedHashMap<String, RawTensor> load(Function<Path, Map<String, RawTensor>> reader) {
        LinkedHashMap<String, RawTensor> out = new LinkedHashMap<>();
        Map<String, String> seenIn = new LinkedHashMap<>();
        for (Path shard : shardFiles()) {
            if (!Files.isRegularFile(shard)) {
                throw new JTuneException("shard " + shard.getFileName() + " named in " + indexFile + " does not exist",
                        RULE, "download every shard listed in the index's weight_map");
            }
            String shardName = shard.getFileName().toString();
            for (Map.Entry<String, RawTensor> e : reader.apply(shard).entrySet()) {
                String listed = weightMap.get(e.getKey());
                if (listed == null || !listed.equals(shardName)) continue; // HF also reads only what the index maps
                if (seenIn.put(e.getKey(), shardName) != null) {
                    throw bad(indexFile, "tensor '" + e.getKey() + "' appears in more than one shard");
                }
                out.put(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, String> e : weightMap.entrySet()) {
            if (!out.containsKey(e.getKey())) {
                throw bad(indexFile, "tensor '" + e.getKey() + "' is mapped to " + e.getValue()
                        + " but that shard does not contain it");
            }
        }
        return out;
    }

    /** Loads a safetensors-sharded checkpoint from its index file. */
    public static LinkedHashMap<String, RawTensor> loadSafetensors(Path indexFile) {
        return read(indexFile).load(p -> SafeTensors.read(p).tensors());
    }

    /**
     * Writes {@code tensors} as safetensors shards of at most {@code maxShardBytes} each (a single tensor larger
     * than that gets its own shard) plus {@code model.safetensors.index.json}, like save_pretrained. Returns the
     * index file.
     */
    public static Path writeSafetensors(Path dir, Map<String, RawTensor> tensors, long maxShardBytes) {
        List<Map<String, RawTensor>> shards = new ArrayList<>();
        Map<String, RawTensor> current = new TreeMap<>();
        long currentBytes = 0;
        long total = 0;
        for (Map.Entry<String, RawTensor> e : new TreeMap<>(tensors).entrySet()) {
            long len = e.getValue().data().remaining();
            if (!current.isEmpty() && currentBytes + len > maxShardBytes) {
                shards.add(current);
                current = new TreeMap<>();
                currentBytes = 0;
            }
            current.put(e.getKey(), e.getValue());
            currentBytes += len;
            total += len;
        }
        if (!current.isEmpty()) shards.add(current);
        ObjectNode root = JSON.createObjectNode();
        root.putObject("metadata").put("total_size", total);
        ObjectNode wm = root.putObject("weight_map");
        for (int i = 0; i < shards.size(); i++) {
            String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            SafeTensors.write(dir.resolve(name), shards.get(i), null);
            for (String k : shards.get(i).keySet()) wm.put(k, name);
        }
        Path index = dir.resolve(SAFETENSORS_INDEX);
        try {
            AtomicFiles.write(index, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (IOException e) {
            throw new JTuneException("could not write " + index + ": " + e, "the output folder must be writable",
                    "check the path, permissions and free disk space", e);
        }
        return index;
    }

    private static void checkShardName(Path indexFile, String key, String shard) {
        boolean bad = shard.isEmpty() || shard.equals(".") || shard.equals("..") || shard.contains("/")
                || shard.contains("\\") || shard.contains(":") || shard.indexOf('\0') >= 0;
        if (bad) {
            throw new JTuneException("index file " + indexFile + ": weight_map entry '" + key + "' names shard '"
                    + shard + "'", "shard names must be plain file names inside the model folder (no '..', "
                    + "'/', '\\' or absolute paths)", "fix the index or re-save the checkpoint");
        }
    }

    private static JTuneException bad(Path indexFile, String problem) {
        return new JTuneException("index file " + indexFile + ": " + problem, RULE,
                "download the index again or re-save the checkpoint with save_pretrained");
    }

    static String firstLine(String s) {
        if (s == null) return "";
        return s.lines().findFirst().orElse(s);
    }
}
