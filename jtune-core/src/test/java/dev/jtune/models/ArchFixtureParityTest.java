package dev.jtune.models;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jtune.data.Dataset;
import dev.jtune.data.Example;
import dev.jtune.data.LabelKind;
import dev.jtune.data.LabelMap;
import dev.jtune.losses.ProblemType;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.io.RawTensor;
import dev.jtune.modeling.SequenceClassificationModel;
import dev.jtune.modeling.SequenceClassifierOutput;
import dev.jtune.modeling.io.SafeTensors;
import dev.jtune.testing.Fixtures;
import dev.jtune.testing.Json;
import dev.jtune.tokenization.AutoTokenizer;
import dev.jtune.tokenization.Encoding;
import dev.jtune.tokenization.PreTrainedTokenizer;
import dev.jtune.torch.Torch;
import dev.jtune.trainer.Batch;
import dev.jtune.trainer.Features;
import dev.jtune.trainer.SaveStrategy;
import dev.jtune.trainer.TrainOutput;
import dev.jtune.trainer.TrainSamplingStrategy;
import dev.jtune.trainer.Trainer;
import dev.jtune.trainer.TrainingArguments;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every encoder family against real transformers 5.17 ({@code ../shared/fixtures/arch}, see its README): token
 * ids, eval logits and the model's own single- and multi-label loss, gradient norms in train mode without
 * dropout, the saved state-dict keys and a bit-identical save/load round trip, and an 8-step Trainer run.
 * Tolerances are the fixtures' (logits 1e-4 abs, losses 1e-5 rel, grad norms 1e-4 rel, trajectory loss 1e-4 rel,
 * grad_norm 1e-3 rel, learning rate 1e-9 abs, final logits 1e-3 abs).
 *
 * <p>{@code -Djtune.arch.only=roberta,electra} restricts the run while a family is being developed.
 */
class ArchFixtureParityTest {
    @TempDir
    Path tmp;

    static final List<String> FAMILIES = List.of("bert", "distilbert", "roberta", "xlm-roberta", "electra", "deberta-v2", "modernbert");

    static Stream<String> families() {
        String only = System.getProperty("jtune.arch.only");
        if (only == null || only.isBlank()) return FAMILIES.stream();
        Set<String> keep = new HashSet<>(Arrays.asList(only.split(",")));
        return FAMILIES.stream().filter(keep::contains);
    }

    static JsonNode caseOf(String family) {
        return Json.read(Fixtures.fixtures().resolve("arch").resolve("cases").resolve(family + ".json"));
    }

    static Path modelDir(String family) {
        return Fixtures.fixtures().resolve("arch").resolve("models").resolve(family);
    }

    static Map<String, Object> trainOverrides(JsonNode c) {
        Map<String, Object> m = new LinkedHashMap<>();
        c.get("config_overrides_for_train").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asDouble()));
        return m;
    }

    static Tensor longs(JsonNode n) { return Torch.longs(Json.longMatrix(n)); }

    static Tensor tokenTypes(JsonNode batch) {
        return batch.has("token_type_ids") ? longs(batch.get("token_type_ids")) : null;
    }

    static void assertClose(float[][] expected, float[][] actual, double atol, String what) {
        assertEquals(expected.length, actual.length, what + " rows");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i].length, actual[i].length, what + " columns of row " + i);
            for (int j = 0; j < expected[i].length; j++) {
                assertEquals(expected[i][j], actual[i][j], atol, what + "[" + i + "][" + j + "]");
            }
        }
    }

    /** The pair as a user gives it: JSON null → no pair; "" is passed through (the tokenizer drops it, as HF 5.17). */
    static String pairOf(JsonNode c) {
        JsonNode p = c.get("text_pair");
        return p == null || p.isNull() ? null : p.asText();
    }

    @ParameterizedTest
    @MethodSource("families")
    void tokenizerGivesTransformersIds(String family) {
        JsonNode c = caseOf(family);
        int maxLength = c.get("tokenize").get("max_length").asInt();
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(modelDir(family))) {
            for (JsonNode t : c.get("tokenize").get("cases")) {
                String what = family + " " + t.get("text") + " / " + t.get("text_pair");
                Encoding e = tok.encode(t.get("text").asText(), pairOf(t), maxLength);
                assertArrayEquals(Json.longMatrix(wrap(t.get("input_ids")))[0], e.inputIds(), "input_ids of " + what);
                assertEquals(t.get("tokens").size(), e.inputIds().length, "token count of " + what);
                List<String> tokens = tok.tokens(e.inputIds());
                for (int i = 0; i < tokens.size(); i++) assertEquals(t.get("tokens").get(i).asText(), tokens.get(i), "token " + i + " of " + what);
                if (t.has("token_type_ids")) {
                    assertArrayEquals(Json.longMatrix(wrap(t.get("token_type_ids")))[0], e.tokenTypeIds(), "token_type_ids of " + what);
                } else {
                    assertTrue(Arrays.stream(e.tokenTypeIds()).allMatch(x -> x == 0),
                            "a family without token_type_ids gets zeros (HF's buffer), " + what);
                }
            }
        }
    }

    private static JsonNode wrap(JsonNode row) {
        var a = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        a.add(row);
        return a;
    }

    @ParameterizedTest
    @MethodSource("families")
    void evalLogitsAndLossesMatchTransformers(String family) {
        JsonNode c = caseOf(family);
        JsonNode f = c.get("forward");
        JsonNode batch = f.get("batch");
        SequenceClassificationModel model = AutoModelForSequenceClassification.fromPretrained(modelDir(family));
        assertEquals(family, model.config().modelType());
        assertTrue(model.loadReport().missingSuspicious().isEmpty() && model.loadReport().newlyInitialized().isEmpty(),
                "every weight loaded: " + model.loadReport());
        assertNull(model.config().problemType(), "fixture configs carry no problem_type");
        // a head that keeps its own loss rule while problem_type is unset (DeBERTa-v2) records no problem type
        JsonNode multiInferred = f.get("problem_type_multi_inferred");
        ProblemType singleInferred = multiInferred.isNull() ? null : ProblemType.SINGLE_LABEL_CLASSIFICATION;
        model.eval();
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            long[] labels = new long[f.get("labels_single").size()];
            for (int i = 0; i < labels.length; i++) labels[i] = f.get("labels_single").get(i).asLong();
            SequenceClassifierOutput out = model.forward(longs(batch.get("input_ids")), longs(batch.get("attention_mask")),
                    tokenTypes(batch), Torch.longs(labels, labels.length));
            assertClose(Json.floatMatrix(f.get("logits")), Torch.toFloatMatrix(out.logits()), 1e-4, family + " logits");
            double single = f.get("loss_single").asDouble();
            assertEquals(single, out.loss().item_double(), Math.abs(single) * 1e-5, family + " loss_single");
            assertEquals(singleInferred, model.config().problemType());
        }
        // multi-label on a fresh problem_type: float labels → BCE-with-logits, inferred
        SequenceClassificationModel multi = AutoModelForSequenceClassification.fromPretrained(modelDir(family));
        multi.eval();
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            SequenceClassifierOutput out = multi.forward(longs(batch.get("input_ids")), longs(batch.get("attention_mask")),
                    tokenTypes(batch), Torch.floats(Json.floatMatrix(f.get("labels_multi"))));
            double want = f.get("loss_multi").asDouble();
            assertEquals(want, out.loss().item_double(), Math.abs(want) * 1e-5, family + " loss_multi");
            assertEquals(multiInferred.isNull() ? null : ProblemType.fromHf(multiInferred.asText()), multi.config().problemType());
        }
    }

    @ParameterizedTest
    @MethodSource("families")
    void gradientNormsMatchTransformers(String family) {
        JsonNode c = caseOf(family);
        JsonNode f = c.get("forward");
        JsonNode batch = f.get("batch");
        SequenceClassificationModel model = AutoModelForSequenceClassification.fromPretrained(modelDir(family),
                FromPretrainedOptions.builder().configOverrides(trainOverrides(c)).build());
        model.train(true);
        try (PointerScope scope = new PointerScope()) {
            long[] labels = new long[f.get("labels_single").size()];
            for (int i = 0; i < labels.length; i++) labels[i] = f.get("labels_single").get(i).asLong();
            SequenceClassifierOutput out = model.forward(longs(batch.get("input_ids")), longs(batch.get("attention_mask")),
                    tokenTypes(batch), Torch.longs(labels, labels.length));
            double loss = c.get("grads").get("loss").asDouble();
            assertEquals(loss, out.loss().item_double(), Math.abs(loss) * 1e-5, family + " train-mode loss");
            out.loss().backward();
            Map<String, Tensor> params = model.namedParameters();
            Set<String> noGrad = new HashSet<>();
            c.get("grads").get("no_grad").forEach(n -> noGrad.add(n.asText()));
            Iterator<Map.Entry<String, JsonNode>> it = c.get("grads").get("grad_norms").fields();
            int checked = 0;
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                Tensor p = params.get(e.getKey());
                assertNotNull(p, family + " parameter " + e.getKey());
                double want = e.getValue().asDouble();
                double got = p.grad().defined() ? p.grad().norm().item_double() : 0.0;
                assertEquals(want, got, Math.abs(want) * 1e-4 + 1e-7, family + " grad norm " + e.getKey());
                checked++;
            }
            for (String n : noGrad) {
                Tensor p = params.get(n);
                assertTrue(p == null || !p.grad().defined() || p.grad().norm().item_double() == 0.0, family + " no grad for " + n);
            }
            assertEquals(params.size(), checked + noGrad.size(), family + ": every parameter has a reference gradient");
        }
    }

    @ParameterizedTest
    @MethodSource("families")
    void savedFolderHasTransformersKeysAndRoundTripsBitForBit(String family) {
        JsonNode c = caseOf(family);
        SequenceClassificationModel model = AutoModelForSequenceClassification.fromPretrained(modelDir(family));
        Set<String> want = new TreeSet<>();
        c.get("state_dict_keys").forEach(k -> want.add(k.asText()));
        assertEquals(want, new TreeSet<>(model.stateDict().keySet()), family + " state-dict keys");
        Path out = tmp.resolve(family);
        model.savePretrained(out);
        Map<String, RawTensor> saved = SafeTensors.read(out.resolve("model.safetensors")).tensors();
        assertEquals(want, new TreeSet<>(saved.keySet()), family + " keys in the saved model.safetensors");
        JsonNode cfg = Json.read(out.resolve("config.json"));
        assertEquals(family, cfg.get("model_type").asText());
        assertEquals(model.architecture(), cfg.get("architectures").get(0).asText());
        SequenceClassificationModel back = AutoModelForSequenceClassification.fromPretrained(out);
        Map<String, RawTensor> a = model.stateDict(), b = back.stateDict();
        for (String k : want) {
            assertArrayEquals(a.get(k).shape(), b.get(k).shape(), family + " shape of " + k);
            assertEquals(a.get(k).dtype(), b.get(k).dtype(), family + " dtype of " + k);
            assertEquals(a.get(k).data().rewind(), b.get(k).data().rewind(), family + " bytes of " + k);
        }
        // the config's own fields survive too: the reloaded config writes the same JSON
        assertEquals(model.config().toJson(), back.config().toJson(), family + " config.json round trip");
    }

    @ParameterizedTest
    @MethodSource("families")
    void eightTrainerStepsMatchTransformers(String family) {
        JsonNode c = caseOf(family);
        JsonNode train = c.get("train");
        JsonNode a = train.get("args");
        Path dir = modelDir(family);
        SequenceClassificationModel model = AutoModelForSequenceClassification.fromPretrained(dir,
                FromPretrainedOptions.builder().configOverrides(trainOverrides(c)).build());
        List<Example> ex = new ArrayList<>();
        long line = 1;
        for (JsonNode d : train.get("data")) {
            JsonNode p = d.get("text_pair");
            ex.add(Example.ofClass(null, d.get("text").asText(), p == null || p.isNull() ? null : p.asText(), d.get("label").asInt(), line++));
        }
        boolean pairs = ex.stream().anyMatch(e -> e.textPair() != null);
        Dataset ds = new Dataset(Path.of(family + "-train.jsonl"), List.of("text", "text_pair", "label"), "text",
                pairs ? "text_pair" : null, "label", LabelKind.CLASS_INDEX,
                LabelMap.ofNames(new ArrayList<>(model.config().id2label().values())), ex, List.of());
        TrainingArguments.Builder args = TrainingArguments.builder()
                .outputDir(tmp.resolve("run-" + family).toString())
                .learningRate(a.get("learning_rate").asDouble())
                .weightDecay(a.get("weight_decay").asDouble())
                .maxGradNorm(a.get("max_grad_norm").asDouble())
                .warmupSteps(a.get("warmup_steps").asDouble())
                .perDeviceTrainBatchSize(a.get("per_device_train_batch_size").asInt())
                .gradientAccumulationSteps(a.get("gradient_accumulation_steps").asInt())
                .maxSteps(a.get("max_steps").asInt())
                .seed(a.get("seed").asInt())
                .maxLength(a.get("max_length").asInt())
                .trainSamplingStrategy(TrainSamplingStrategy.SEQUENTIAL)
                .loggingSteps(1)
                .saveStrategy(SaveStrategy.NO);
        args.set("lr_scheduler_type", a.get("lr_scheduler_type").asText());
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(dir)) {
            Trainer trainer = Trainer.builder().model(model).tokenizer(tok).args(args.build()).trainDataset(ds).build();
            TrainOutput result = trainer.train();
            JsonNode steps = train.get("steps");
            assertEquals(steps.size(), result.steps().size(), family + " optimizer steps");
            for (int i = 0; i < steps.size(); i++) {
                JsonNode s = steps.get(i);
                TrainOutput.StepRecord r = result.steps().get(i);
                assertEquals(s.get("step").asInt(), r.step());
                double lr = s.get("learning_rate").asDouble();
                assertEquals(lr, r.learningRate(), 1e-9, family + " learning_rate of step " + r.step());
                double loss = s.get("loss").asDouble();
                assertEquals(loss, r.loss(), Math.abs(loss) * 1e-4, family + " loss of step " + r.step());
                double gn = s.get("grad_norm").asDouble();
                assertEquals(gn, r.gradNorm(), Math.abs(gn) * 1e-3, family + " grad_norm of step " + r.step());
            }
            Features feats = Features.tokenize(ds, tok, a.get("max_length").asInt());
            model.eval();
            try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                Batch b = Batch.collate(feats, new int[] {0, 1, 2, 3}, trainer.collator());
                float[][] logits = Torch.toFloatMatrix(model.forward(b.inputIds(), b.attentionMask(), b.tokenTypeIds()).logits());
                assertClose(Json.floatMatrix(train.get("final_logits_rows_0_3")), logits, 1e-3, family + " final logits");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("families")
    void familyIsRegistered(String family) {
        assertTrue(ModelRegistry.modelTypes().contains(family), family + " is in the registry: " + ModelRegistry.modelTypes());
    }
}
