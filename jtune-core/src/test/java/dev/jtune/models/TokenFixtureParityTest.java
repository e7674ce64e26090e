package dev.jtune.models;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jtune.data.Dataset;
import dev.jtune.data.Example;
import dev.jtune.data.LabelKind;
import dev.jtune.data.LabelMap;
import dev.jtune.io.RawTensor;
import dev.jtune.losses.LossSelection;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.TokenClassificationModel;
import dev.jtune.modeling.TokenClassifierOutput;
import dev.jtune.modeling.io.SafeTensors;
import dev.jtune.models.bert.BertForTokenClassification;
import dev.jtune.testing.Fixtures;
import dev.jtune.testing.Json;
import dev.jtune.tokenization.AutoTokenizer;
import dev.jtune.tokenization.Encoding;
import dev.jtune.tokenization.OffsetEncoding;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * BertForTokenClassification against real transformers 5.17 ({@code ../shared/fixtures/arch/cases/
 * bert-token-classification.json}): token ids, eval logits (B, L, C), the model's own loss with −100 labels,
 * gradient norms, HF's state-dict keys with a bit-identical save/load round trip, and an 8-step Trainer run with
 * per-token labels. BERT tolerances: logits 1e-4 abs, losses 1e-5 rel, grad norms 1e-4 rel, trajectory loss 1e-4
 * rel, grad_norm 1e-3 rel, learning rate 1e-9 abs, final logits 1e-3 abs.
 */
class TokenFixtureParityTest {
    static final String CASE = "bert-token-classification";

    @TempDir
    Path tmp;

    static JsonNode fixture() { return Json.read(Fixtures.fixtures().resolve("arch").resolve("cases").resolve(CASE + ".json")); }

    static Path modelDir() { return Fixtures.fixtures().resolve("arch").resolve("models").resolve(CASE); }

    static Tensor longs(JsonNode n) { return Torch.longs(Json.longMatrix(n)); }

    static Map<String, Object> trainOverrides(JsonNode c) {
        Map<String, Object> m = new LinkedHashMap<>();
        c.get("config_overrides_for_train").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asDouble()));
        return m;
    }

    static float[][][] floats3(JsonNode n) {
        float[][][] out = new float[n.size()][][];
        for (int i = 0; i < out.length; i++) out[i] = Json.floatMatrix(n.get(i));
        return out;
    }

    static void assertClose3(float[][][] want, Tensor logits, double atol, String what) {
        assertEquals(3, logits.dim(), what + " is (B, L, C)");
        assertEquals(want.length, logits.size(0), what + " batch");
        assertEquals(want[0].length, logits.size(1), what + " length");
        assertEquals(want[0][0].length, logits.size(2), what + " labels");
        float[] got = Torch.toFloatArray(logits.contiguous());
        int l = want[0].length, c = want[0][0].length;
        for (int b = 0; b < want.length; b++) {
            for (int t = 0; t < l; t++) {
                for (int k = 0; k < c; k++) {
                    assertEquals(want[b][t][k], got[(b * l + t) * c + k], atol, what + "[" + b + "][" + t + "][" + k + "]");
                }
            }
        }
    }

    @Test
    void tokenizerGivesTransformersIdsAndOffsets() {
        JsonNode c = fixture();
        int maxLength = c.get("tokenize").get("max_length").asInt();
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(modelDir())) {
            for (JsonNode t : c.get("tokenize").get("cases")) {
                if (t.hasNonNull("text_pair") && !t.get("text_pair").asText().isEmpty()) continue;
                String text = t.get("text").asText();
                long[] want = new long[t.get("input_ids").size()];
                for (int i = 0; i < want.length; i++) want[i] = t.get("input_ids").get(i).asLong();
                Encoding e = tok.encode(text, null, maxLength);
                assertArrayEquals(want, e.inputIds(), "input_ids of " + text);
                OffsetEncoding oe = tok.encodeWithOffsets(text, maxLength);
                assertArrayEquals(want, oe.encoding().inputIds(), "input_ids with offsets of " + text);
                // specials have no span; every other token's span lies inside the text
                assertEquals(-1, oe.charStart()[0]);
                assertEquals(-1, oe.charStart()[want.length - 1]);
                for (int i = 1; i < want.length - 1; i++) {
                    assertTrue(oe.charStart()[i] >= 0 && oe.charEnd()[i] <= text.length() && oe.charStart()[i] < oe.charEnd()[i],
                            "span of token " + i + " of " + text);
                }
            }
        }
    }

    @Test
    void evalLogitsAndLossMatchTransformers() {
        JsonNode f = fixture().get("forward");
        JsonNode batch = f.get("batch");
        TokenClassificationModel model = AutoModelForTokenClassification.fromPretrained(modelDir());
        assertInstanceOf(BertForTokenClassification.class, model);
        assertTrue(model.loadReport().missingSuspicious().isEmpty() && model.loadReport().newlyInitialized().isEmpty(),
                "every weight loaded: " + model.loadReport());
        model.eval();
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            TokenClassifierOutput out = model.forward(longs(batch.get("input_ids")), longs(batch.get("attention_mask")),
                    longs(batch.get("token_type_ids")), longs(f.get("labels")));
            assertClose3(floats3(f.get("logits")), out.logits(), 1e-4, "logits");
            double want = f.get("loss").asDouble();
            assertEquals(want, out.loss().item_double(), Math.abs(want) * 1e-5, "loss with -100 labels");
            LossSelection sel = out.lossSelection();
            assertEquals(LossSelection.Source.HEAD, sel.source());
            assertEquals("CrossEntropyLoss", sel.loss());
            assertTrue(sel.describe().contains("logits.view(-1, num_labels=3)"), sel.describe());
            assertNull(model.config().problemType(), "a token head neither reads nor records problem_type");
        }
    }

    @Test
    void gradientNormsMatchTransformers() {
        JsonNode c = fixture();
        JsonNode f = c.get("forward");
        JsonNode batch = f.get("batch");
        TokenClassificationModel model = AutoModelForTokenClassification.fromPretrained(modelDir(),
                FromPretrainedOptions.builder().configOverrides(trainOverrides(c)).build());
        model.train(true);
        try (PointerScope scope = new PointerScope()) {
            TokenClassifierOutput out = model.forward(longs(batch.get("input_ids")), longs(batch.get("attention_mask")),
                    longs(batch.get("token_type_ids")), longs(f.get("labels")));
            double loss = c.get("grads").get("loss").asDouble();
            assertEquals(loss, out.loss().item_double(), Math.abs(loss) * 1e-5, "train-mode loss");
            out.loss().backward();
            Map<String, Tensor> params = model.namedParameters();
            Iterator<Map.Entry<String, JsonNode>> it = c.get("grads").get("grad_norms").fields();
            int checked = 0;
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                Tensor p = params.get(e.getKey());
                assertNotNull(p, "parameter " + e.getKey());
                double want = e.getValue().asDouble();
                double got = p.grad().defined() ? p.grad().norm().item_double() : 0.0;
                assertEquals(want, got, Math.abs(want) * 1e-4 + 1e-7, "grad norm " + e.getKey());
                checked++;
            }
            assertEquals(params.size(), checked, "every parameter has a reference gradient");
        }
    }

    @Test
    void savedFolderHasTransformersKeysAndRoundTripsBitForBit() {
        JsonNode c = fixture();
        TokenClassificationModel model = AutoModelForTokenClassification.fromPretrained(modelDir());
        Set<String> want = new TreeSet<>();
        c.get("state_dict_keys").forEach(k -> want.add(k.asText()));
        assertEquals(want, new TreeSet<>(model.stateDict().keySet()), "state-dict keys (no pooler)");
        Path out = tmp.resolve("saved");
        model.savePretrained(out);
        assertEquals(want, new TreeSet<>(SafeTensors.read(out.resolve("model.safetensors")).tensors().keySet()));
        JsonNode cfg = Json.read(out.resolve("config.json"));
        assertEquals("BertForTokenClassification", cfg.get("architectures").get(0).asText());
        assertFalse(cfg.hasNonNull("problem_type"), "no problem_type written for a token head");
        TokenClassificationModel back = AutoModelForTokenClassification.fromPretrained(out);
        Map<String, RawTensor> a = model.stateDict(), b = back.stateDict();
        for (String k : want) assertEquals(a.get(k).data().rewind(), b.get(k).data().rewind(), "bytes of " + k);
        assertEquals(model.config().toJson(), back.config().toJson());
    }

    @Test
    void eightTrainerStepsMatchTransformers() {
        JsonNode c = fixture();
        JsonNode train = c.get("train");
        JsonNode a = train.get("args");
        TokenClassificationModel model = AutoModelForTokenClassification.fromPretrained(modelDir(),
                FromPretrainedOptions.builder().configOverrides(trainOverrides(c)).build());
        List<Example> ex = new ArrayList<>();
        long line = 1;
        for (JsonNode d : train.get("data")) {
            int[] labels = new int[d.get("label").size()];
            for (int i = 0; i < labels.length; i++) labels[i] = d.get("label").get(i).asInt();
            ex.add(Example.ofTokenLabels(null, d.get("text").asText(), d.hasNonNull("text_pair") ? d.get("text_pair").asText() : null, labels, line++));
        }
        Dataset ds = new Dataset(Path.of("token-train.jsonl"), List.of("text", "text_pair", "labels"), "text", "text_pair", "labels",
                LabelKind.TOKEN_TAGS, LabelMap.ofNames(new ArrayList<>(model.config().id2label().values())), ex, List.of());
        TrainingArguments.Builder args = TrainingArguments.builder()
                .outputDir(tmp.resolve("run").toString())
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
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(modelDir())) {
            Trainer trainer = Trainer.builder().model(model).tokenizer(tok).args(args.build()).trainDataset(ds).build();
            assertTrue(trainer.lossDescription().contains("CrossEntropyLoss"), trainer.lossDescription());
            TrainOutput result = trainer.train();
            JsonNode steps = train.get("steps");
            assertEquals(steps.size(), result.steps().size(), "optimizer steps");
            for (int i = 0; i < steps.size(); i++) {
                JsonNode s = steps.get(i);
                TrainOutput.StepRecord r = result.steps().get(i);
                assertEquals(s.get("learning_rate").asDouble(), r.learningRate(), 1e-9, "learning_rate of step " + r.step());
                double loss = s.get("loss").asDouble();
                assertEquals(loss, r.loss(), Math.abs(loss) * 1e-4, "loss of step " + r.step());
                double gn = s.get("grad_norm").asDouble();
                assertEquals(gn, r.gradNorm(), Math.abs(gn) * 1e-3, "grad_norm of step " + r.step());
            }
            assertNull(model.config().problemType(), "training a token head records no problem_type");
            Features feats = Features.tokenize(ds, tok, a.get("max_length").asInt());
            model.eval();
            try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                Batch b = Batch.collate(feats, new int[] {0, 1, 2, 3}, trainer.collator());
                assertClose3(floats3(train.get("final_logits_rows_0_3")),
                        model.forward(b.inputIds(), b.attentionMask(), b.tokenTypeIds()).logits(), 1e-3, "final logits");
            }
        }
    }
}
