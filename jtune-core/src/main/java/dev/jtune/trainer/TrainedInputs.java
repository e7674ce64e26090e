package dev.jtune.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtune.JTuneException;
import dev.jtune.data.Dataset;
import dev.jtune.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a model was trained on, saved next to it ({@value #FILE}): the text, pair and label columns. Serving a
 * model with other input than it learned is checked against it ({@link #servingWarnings}): single texts for a
 * model trained on pairs (or pairs for one trained on single texts) give predictions it never learned to make.
 */
public record TrainedInputs(String textColumn, String textPairColumn, String labelColumn) {
    public static final String FILE = "jtune_inputs.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static TrainedInputs of(Dataset train) {
        return new TrainedInputs(train.textColumn(), train.textPairColumn(), train.labelColumn());
    }

    public boolean pairs() { return textPairColumn != null; }

    public void write(Path dir) {
        ObjectNode o = JSON.createObjectNode();
        o.put("text_column", textColumn);
        o.put("text_pair_column", textPairColumn);
        o.put("label_column", labelColumn);
        try {
            AtomicFiles.writeString(dir.resolve(FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n");
        } catch (IOException e) {
            throw new JTuneException("cannot write " + dir.resolve(FILE) + ": " + e.getMessage(), "the output folder must be writable",
                    "choose another --output-dir", e);
        }
    }

    /** The record next to a model, or null (a model not trained by jtune, or an older one). */
    public static TrainedInputs read(Path dir) {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) return null;
        try {
            JsonNode n = JSON.readTree(f.toFile());
            return new TrainedInputs(text(n, "text_column"), text(n, "text_pair_column"), text(n, "label_column"));
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(JsonNode n, String k) {
        JsonNode v = n.get(k);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** Warnings for serving {@code data} to a model trained on these inputs (empty when they match). */
    public List<String> servingWarnings(Dataset data) {
        List<String> w = new ArrayList<>();
        if (pairs() && data.textPairColumn() == null) {
            w.add("the model was trained on text pairs (" + textColumn + ", " + textPairColumn + ") but " + data.file()
                    + " gives single texts (column " + data.textColumn() + "; columns found: " + data.columns()
                    + "): its outputs for single texts mean nothing it learned; pass the second text with --text-pair-column NAME");
        } else if (!pairs() && data.textPairColumn() != null) {
            w.add("the model was trained on single texts (" + textColumn + ") but " + data.file() + " gives text pairs ("
                    + data.textColumn() + ", " + data.textPairColumn() + "): the second text changes its input; "
                    + "name the one text column with --text-column");
        }
        return w;
    }
}
