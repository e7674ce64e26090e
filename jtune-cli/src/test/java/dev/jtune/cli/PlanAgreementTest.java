package dev.jtune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code explain} and {@code train} make one plan: over a matrix of models, data and options, {@code explain --json}
 * reports an error exactly when {@code train} stops with exit 2, and otherwise the same loss line, problem type
 * and num_labels that {@code train} prints and uses.
 */
class PlanAgreementTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A case: a name, the model ("tiny-bert", "tiny-bert-single", or "stale" = tiny-bert-single marked regression), the data kind, extra flags. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("plain single-label", "tiny-bert", "strings", List.of()),
                Arguments.of("integer labels", "tiny-bert", "ints", List.of()),
                Arguments.of("float labels", "tiny-bert", "floats", List.of()),
                Arguments.of("list labels (multi-label)", "tiny-bert", "lists", List.of()),
                Arguments.of("pairs, some second texts missing", "tiny-bert", "pairs", List.of()),
                Arguments.of("label smoothing, single-label", "tiny-bert", "strings", List.of("--label-smoothing-factor", "0.1")),
                Arguments.of("label smoothing, regression", "tiny-bert", "floats", List.of("--label-smoothing-factor", "0.1")),
                Arguments.of("label smoothing, multi-label", "tiny-bert", "lists", List.of("--label-smoothing-factor", "0.1")),
                Arguments.of("class weights auto", "tiny-bert", "strings", List.of("--class-weights", "auto")),
                Arguments.of("class weights, wrong count", "tiny-bert", "strings", List.of("--class-weights", "1,2,3")),
                Arguments.of("pos_weight, multi-label", "tiny-bert", "lists", List.of("--pos-weight", "2")),
                Arguments.of("num_labels 1 with classes", "tiny-bert", "strings", List.of("--num-labels", "1")),
                Arguments.of("num_labels larger than the data", "tiny-bert", "strings", List.of("--num-labels", "4")),
                Arguments.of("explicit problem type", "tiny-bert", "ints", List.of("--problem-type", "multi_label_classification")),
                Arguments.of("stale problem_type in config.json", "stale", "named", List.of()),
                Arguments.of("named-label checkpoint, its own labels", "tiny-bert-single", "named", List.of()),
                Arguments.of("named-label checkpoint, other head size", "tiny-bert-single", "strings", List.of("--num-labels", "2")),
                Arguments.of("named-label checkpoint, head re-initialised", "tiny-bert-single", "strings",
                        List.of("--num-labels", "2", "--ignore-mismatched-sizes")),
                // token classification: the task inferred or given, the tags, the token loss, the alignment policy
                Arguments.of("CoNLL, task inferred", "tiny-bert", "conll", List.of()),
                Arguments.of("tokens/ner_tags JSONL, task inferred", "tiny-bert", "tokjsonl", List.of()),
                Arguments.of("CoNLL, --task and --label-all-tokens", "tiny-bert", "conll",
                        List.of("--task", "token-classification", "--label-all-tokens")),
                Arguments.of("CoNLL, tag column 2 of 3", "tiny-bert", "conll3", List.of("--tag-column", "2")),
                Arguments.of("CoNLL, tag column out of range", "tiny-bert", "conll3", List.of("--tag-column", "5")),
                Arguments.of("CoNLL, label smoothing per token", "tiny-bert", "conll", List.of("--label-smoothing-factor", "0.1")),
                Arguments.of("CoNLL, class weights auto", "tiny-bert", "conll", List.of("--class-weights", "auto")),
                Arguments.of("CoNLL, class weights, wrong count", "tiny-bert", "conll", List.of("--class-weights", "1,2")),
                Arguments.of("CoNLL, problem type ignored", "tiny-bert", "conll", List.of("--problem-type", "regression")),
                Arguments.of("token checkpoint, its own tags", "token-ckpt", "ent-conll", List.of()),
                Arguments.of("token checkpoint, other tags", "token-ckpt", "conll", List.of()),
                Arguments.of("token checkpoint, other tags, head re-initialised", "token-ckpt", "conll", List.of("--ignore-mismatched-sizes")),
                Arguments.of("--label-all-tokens with sentence labels", "tiny-bert", "strings", List.of("--label-all-tokens")),
                Arguments.of("sentence labels, --task token-classification", "tiny-bert", "strings", List.of("--task", "token-classification")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void explainAndTrainAgree(String name, String model, String data, List<String> flags) throws IOException {
        Path modelDir = model(model);
        Path train = data(data);
        CliTestSupport explain = new CliTestSupport();
        List<String> e = new ArrayList<>(List.of("explain", "--model", modelDir.toString(), "--train", train.toString(), "--json"));
        e.addAll(flags);
        int explainRc = explain.run(e);
        CliTestSupport run = new CliTestSupport();
        List<String> t = new ArrayList<>(List.of("train", "--model", modelDir.toString(), "--train", train.toString(),
                "--output-dir", dir.resolve("out").toString(), "--max-steps", "1", "--per-device-train-batch-size", "4",
                "--save-strategy", "no", "--no-progress"));
        t.addAll(flags);
        int rc = run.run(t);
        if (explainRc == 2) {
            // data that cannot be read as asked: both stop before any plan, with the same message
            assertEquals(2, rc, name + ": explain stopped on bad input, train must too\n" + run.all());
            String firstLine = explain.err.toString().lines().filter(l -> l.startsWith("error: ")).findFirst().orElseThrow();
            CliTestSupport.assertContains(run.err.toString(), firstLine);
            return;
        }
        assertEquals(0, explainRc, explain.all());
        JsonNode plan = JSON.readTree(explain.out.toString());
        boolean explainSaysError = plan.path("errors").size() > 0;
        assertEquals(explainSaysError ? 2 : 0, rc, name + ": explain errors " + plan.path("errors") + "\ntrain:\n" + run.all());
        if (rc == 0) {
            String lossLine = plan.path("loss").path("description").asText();
            CliTestSupport.assertContains(run.out.toString(), "Loss: " + lossLine);
            JsonNode saved = JSON.readTree(dir.resolve("out").resolve("config.json").toFile());
            assertEquals(plan.path("problem_type").path("value").asText(), saved.path("problem_type").asText(), name + ": problem_type");
            assertEquals(plan.path("num_labels").asInt(), saved.path("id2label").size(), name + ": num_labels");
            assertEquals(plan.path("architecture").asText(), saved.path("architectures").get(0).asText(), name + ": head class");
            if (plan.path("task").path("value").asText().equals("token-classification")) {
                CliTestSupport.assertContains(run.out.toString(), "Task: token-classification (" + plan.path("task").path("reason").asText());
                CliTestSupport.assertContains(run.out.toString(), "Alignment: " + plan.path("alignment").path("description").asText());
                // the tag ids explain reports are the ones train saves
                plan.path("data").path("label2id").fields().forEachRemaining(tag ->
                        assertEquals(tag.getKey(), saved.path("id2label").path(tag.getValue().asText()).asText(), name + ": tag " + tag.getKey()));
            }
        } else {
            // the first error explain names is the one train stops with
            String first = plan.path("errors").get(0).asText();
            String firstLine = first.contains("  ") ? first.substring(0, first.indexOf("  ")) : first;
            CliTestSupport.assertContains(run.all().replace('\n', ' '), firstLine.substring(0, Math.min(60, firstLine.length())));
        }
    }

    private Path model(String name) throws IOException {
        if (name.equals("token-ckpt")) return Fixtures.fixtures().resolve("arch/models/bert-token-classification");
        if (!name.equals("stale")) return Fixtures.model(name);
        Path m = dir.resolve("stale-model");
        Files.createDirectories(m);
        for (Path p : Files.list(Fixtures.model("tiny-bert-single")).toList()) Files.copy(p, m.resolve(p.getFileName()));
        ObjectNode cfg = (ObjectNode) JSON.readTree(m.resolve("config.json").toFile());
        cfg.put("problem_type", "regression");
        Files.writeString(m.resolve("config.json"), cfg.toString());
        return m;
    }

    private Path data(String kind) throws IOException {
        if (kind.equals("conll") || kind.equals("conll3") || kind.equals("ent-conll")) {
            String[][] sentences = {{"Peter B-PER", "Blackburn I-PER", "visited O", "Paris B-LOC"},
                    {"EU B-ORG", "rejects O", "German B-MISC", "call O"}, {"Anna B-PER", "lives O", "in O", "Berlin B-LOC", ". O"}};
            StringBuilder b = new StringBuilder("-DOCSTART- -X- O\n\n");
            for (int rep = 0; rep < 4; rep++) {
                for (String[] sent : sentences) {
                    for (String w : sent) {
                        String[] p = w.split(" ");
                        String tag = kind.equals("ent-conll") ? (p[1].equals("O") ? "O" : p[1].charAt(0) + "-ENT") : p[1];
                        b.append(p[0]).append(kind.equals("conll3") ? " " + tag : "").append(' ').append(kind.equals("conll3") ? "X" : tag).append('\n');
                    }
                    b.append('\n');
                }
            }
            Path f = dir.resolve(kind + ".conll");
            Files.writeString(f, b.toString(), StandardCharsets.UTF_8);
            return f;
        }
        if (kind.equals("tokjsonl")) {
            StringBuilder b = new StringBuilder();
            for (int rep = 0; rep < 6; rep++) {
                b.append("{\"tokens\": [\"Peter\", \"Blackburn\", \"visited\", \"Paris\"], \"ner_tags\": [\"B-PER\", \"I-PER\", \"O\", \"B-LOC\"]}\n");
                b.append("{\"tokens\": [\"Anna\", \"left\"], \"ner_tags\": [\"B-PER\", \"O\"]}\n");
            }
            Path f = dir.resolve("tok.jsonl");
            Files.writeString(f, b.toString(), StandardCharsets.UTF_8);
            return f;
        }
        List<String[]> rows = CliTestSupport.sentiment(12, 3);
        StringBuilder b = new StringBuilder();
        int i = 0;
        for (String[] r : rows) {
            boolean pos = r[2].equals("pos");
            String label = switch (kind) {
                case "ints" -> pos ? "1" : "0";
                case "floats" -> pos ? "4.5" : "0.5";
                case "lists" -> pos ? "[1, 0]" : (i % 3 == 0 ? "[0, 1]" : "[1, 1]");
                case "named" -> pos ? "\"positive\"" : "\"negative\"";
                default -> '"' + r[2] + '"';
            };
            String pair = kind.equals("pairs") ? (i % 3 == 0 ? ", \"text_pair\": null" : i % 3 == 1 ? ", \"text_pair\": \"\"" : ", \"text_pair\": \"it was " + r[2] + "\"") : "";
            b.append("{\"text\": \"").append(r[1]).append('"').append(pair).append(", \"label\": ").append(label).append("}\n");
            i++;
        }
        Path f = dir.resolve(kind + ".jsonl");
        Files.writeString(f, b.toString(), StandardCharsets.UTF_8);
        return f;
    }
}
