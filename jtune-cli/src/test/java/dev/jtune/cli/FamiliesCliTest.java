package dev.jtune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.jtune.cli.CliTestSupport.assertContains;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Every encoder family through the CLI as a user runs it: train (with a pair column, checkpoints and a resume),
 * evaluate and predict on the family's tiny real-transformers checkpoint ({@code ../shared/fixtures/arch}); the
 * saved folder keeps the family's model_type and HF's keys; {@code models list} shows every family; an unknown
 * model_type is exit 2 naming the supported ones.
 */
class FamiliesCliTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static Path arch(String family) {
        return Fixtures.fixtures().resolve("arch").resolve("models").resolve(family);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert", "distilbert", "roberta", "xlm-roberta", "electra", "deberta-v2", "modernbert"})
    void trainResumeEvaluatePredict(String family, @TempDir Path dir) throws IOException {
        Path train = CliTestSupport.tsv(dir.resolve("train.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(16, 5));
        Path out = dir.resolve("out");
        CliTestSupport t = new CliTestSupport();
        assertEquals(0, t.run("train", "--model", arch(family).toString(), "--train", train.toString(), "--eval", train.toString(),
                "--output-dir", out.toString(), "--max-steps", "4", "--per-device-train-batch-size", "4", "--save-steps", "2",
                "--learning-rate", "1e-3", "--max-length", "32", "--num-labels", "2", "--ignore-mismatched-sizes", "--no-progress"), t.all());
        assertContains(t.out.toString(), "Loss: problem_type single_label_classification");
        JsonNode cfg = JSON.readTree(out.resolve("config.json").toFile());
        assertEquals(family, cfg.path("model_type").asText());
        assertEquals(2, cfg.path("id2label").size());
        assertEquals("neg", cfg.path("id2label").path("0").asText());
        assertTrue(Files.isRegularFile(out.resolve("checkpoint-2").resolve("model.safetensors")));

        // resume from the step-2 checkpoint: same final weights as the straight run
        Path resumed = dir.resolve("resumed");
        CliTestSupport r = new CliTestSupport();
        copyTree(out.resolve("checkpoint-2"), resumed.resolve("checkpoint-2"));
        assertEquals(0, r.run("train", "--model", arch(family).toString(), "--train", train.toString(), "--eval", train.toString(),
                "--output-dir", resumed.toString(), "--max-steps", "4", "--per-device-train-batch-size", "4", "--save-steps", "2",
                "--learning-rate", "1e-3", "--max-length", "32", "--num-labels", "2", "--ignore-mismatched-sizes", "--no-progress",
                "--resume-from-checkpoint", resumed.resolve("checkpoint-2").toString()), r.all());
        assertArrayEquals(Files.readAllBytes(out.resolve("model.safetensors")), Files.readAllBytes(resumed.resolve("model.safetensors")),
                family + ": resumed run ends with the same weights");

        CliTestSupport ev = new CliTestSupport();
        assertEquals(0, ev.run("evaluate", "--model", out.toString(), "--data", train.toString()), ev.all());
        assertContains(ev.out.toString(), "eval_accuracy");
        Path preds = dir.resolve("p.jsonl");
        CliTestSupport pr = new CliTestSupport();
        assertEquals(0, pr.run("predict", "--model", out.toString(), "--input", train.toString(), "--output", preds.toString()), pr.all());
        List<String> lines = Files.readAllLines(preds);
        assertEquals(16, lines.size());
        assertTrue(lines.get(0).contains("\"label\""), lines.get(0));
    }

    @Test
    void modelsListShowsEveryFamily() {
        CliTestSupport c = new CliTestSupport();
        assertEquals(0, c.run("models", "list", "--cache-dir", "/nonexistent-hub"), c.all());
        for (String f : List.of("bert", "distilbert", "roberta", "xlm-roberta", "electra", "deberta-v2", "modernbert")) {
            assertContains(c.out.toString(), "  " + f + " ");
        }
    }

    @Test
    void unknownModelTypeIsBadInputNamingTheFamilies(@TempDir Path dir) throws IOException {
        Path m = dir.resolve("gpt");
        copyTree(arch("bert"), m);
        ObjectNode cfg = (ObjectNode) JSON.readTree(m.resolve("config.json").toFile());
        cfg.put("model_type", "gpt2");
        Files.writeString(m.resolve("config.json"), cfg.toString());
        Path train = CliTestSupport.tsv(dir.resolve("t.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(8, 1));
        CliTestSupport c = new CliTestSupport();
        assertEquals(2, c.run("train", "--model", m.toString(), "--train", train.toString(), "--output-dir", dir.resolve("o").toString()), c.all());
        assertContains(c.err.toString(), "model_type \"gpt2\"");
        assertContains(c.err.toString(), "roberta (RoBERTa)");
        assertFalse(c.all().contains("\tat "), "no stack trace");
    }

    @Test
    void bf16IsRefusedOnACpuWithoutNativeBf16(@TempDir Path dir) throws IOException {
        Path cpuinfo = dir.resolve("cpuinfo");
        Files.writeString(cpuinfo, "processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma\n");
        System.setProperty("jtune.cpuinfo", cpuinfo.toString());
        try {
            Path train = CliTestSupport.tsv(dir.resolve("t.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(8, 1));
            CliTestSupport c = new CliTestSupport();
            assertEquals(2, c.run("train", "--model", arch("bert").toString(), "--train", train.toString(),
                    "--output-dir", dir.resolve("o").toString(), "--bf16", "--max-steps", "1", "--num-labels", "2", "--ignore-mismatched-sizes", "--no-progress"), c.all());
            assertContains(c.all(), "without native bf16");
            assertContains(c.all(), "drop --bf16");
            assertFalse(Files.exists(dir.resolve("o").resolve("model.safetensors")), "nothing trained");
        } finally {
            System.clearProperty("jtune.cpuinfo");
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var s = Files.list(from)) {
            for (Path p : s.toList()) {
                if (Files.isDirectory(p)) copyTree(p, to.resolve(p.getFileName().toString()));
                else Files.copy(p, to.resolve(p.getFileName().toString()));
            }
        }
    }
}
