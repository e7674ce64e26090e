package dev.jtune.models.bert;

import dev.jtune.modeling.SequenceClassifierOutput;
import dev.jtune.modeling.AttentionImplementation;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jtune.losses.ProblemType;
import dev.jtune.testing.Fixtures;
import dev.jtune.testing.Json;
import dev.jtune.torch.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Forward, loss and gradient parity with the PyTorch reference (fixtures/cases/forward-*.json, load-*.json). */
class BertParityTest {

    /** Labels as HF receives them: JSON integers → int64 (B); numbers → float32 (B); lists → float32 (B, C). */
    static Tensor labels(JsonNode n) {
        int b = n.size();
        if (n.get(0).isArray()) return Torch.floats(Json.floatMatrix(n));
        boolean ints = true;
        for (JsonNode x : n) ints &= x.isIntegralNumber();
        if (ints) {
            long[] v = new long[b];
            for (int i = 0; i < b; i++) v[i] = n.get(i).asLong();
            return Torch.longs(v, b);
        }
        return Torch.floats(Json.floats(n), b);
    }

    static void assertClose(float[][] expected, float[][] actual, double atol, String what) {
        assertEquals(expected.length, actual.length, what + " rows");
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                assertEquals(expected[i][j], actual[i][j], atol, what + "[" + i + "][" + j + "]");
            }
        }
    }

    static float[][] firstCols(Tensor t, int n) {
        float[][] m = Torch.toFloatMatrix(t);
        float[][] out = new float[m.length][];
        for (int i = 0; i < m.length; i++) out[i] = java.util.Arrays.copyOf(m[i], n);
        return out;
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> forwardCases() {
        return java.util.stream.Stream.of("forward-single.json", "forward-single-maxlen16.json", "forward-single-ignore.json",
                        "forward-regression.json", "forward-multi.json")
                .flatMap(f -> java.util.stream.Stream.of(AttentionImplementation.EAGER, AttentionImplementation.SDPA)
                        .map(a -> org.junit.jupiter.params.provider.Arguments.of(f, a)));
    }

    /** Both attention paths (eager, the reference, and libtorch's fused SDPA) against the fixtures. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("forwardCases")
    void forwardLossAndGradientsMatchReference(String file, AttentionImplementation attention) {
        JsonNode c = Json.read(Fixtures.cases().resolve(file));
        JsonNode exp = c.get("expected");
        BertForSequenceClassification model = BertForSequenceClassification.fromPretrained(Fixtures.model(c.get("model").asText()),
                dev.jtune.modeling.FromPretrainedOptions.builder().attnImplementation(attention).build());
        assertNull(model.config().problemType(), "fixture configs carry no problem_type");
        model.eval();
        try (PointerScope scope = new PointerScope()) {
            Tensor ids = Torch.longs(Json.longMatrix(exp.get("input_ids")));
            Tensor mask = Torch.longs(Json.longMatrix(exp.get("attention_mask")));
            Tensor types = Torch.longs(Json.longMatrix(exp.get("token_type_ids")));
            SequenceClassifierOutput out = model.forward(ids, mask, types, labels(c.get("labels")));

            assertEquals(ProblemType.fromHf(c.get("problem_type_expected").asText()), model.config().problemType());
            assertClose(Json.floatMatrix(exp.get("logits")), Torch.toFloatMatrix(out.logits()), 1e-4, "logits");
            double loss = exp.get("loss").asDouble();
            assertEquals(loss, out.loss().item_double(), Math.abs(loss) * 1e-5 + 1e-7, "loss");
            assertClose(Json.floatMatrix(exp.get("pooled_output_first8")), firstCols(out.pooledOutput(), 8), 1e-4, "pooled");
            assertClose(Json.floatMatrix(exp.get("last_hidden_state_cls_first8")),
                    firstCols(out.lastHiddenState().select(1, 0), 8), 1e-4, "cls hidden");

            out.loss().backward();
            Map<String, Tensor> params = model.namedParameters();
            Set<String> zero = new HashSet<>();
            c.get("grad_norms_analytically_zero").forEach(z -> zero.add(z.asText()));
            double total = 0;
            Iterator<Map.Entry<String, JsonNode>> it = c.get("grad_norms").fields();
            int checked = 0;
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                Tensor p = params.get(e.getKey());
                assertNotNull(p, "parameter " + e.getKey());
                double g = p.grad().norm().item_double();
                total += g * g;
                double want = e.getValue().asDouble();
                if (zero.contains(e.getKey())) assertEquals(want, g, 1e-6, "grad norm " + e.getKey());
                else assertEquals(want, g, Math.abs(want) * 1e-4 + 1e-9, "grad norm " + e.getKey());
                checked++;
            }
            assertEquals(params.size(), checked, "every parameter has a reference gradient");
            double wantTotal = c.get("grad_norm_total").asDouble();
            assertEquals(wantTotal, Math.sqrt(total), wantTotal * 1e-4, "grad_norm_total");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"load-camphr-tiny-bert-ner.json", "load-coldfire-tiny-bert.json"})
    void legacyCheckpointsGiveReferenceHiddenStates(String file) {
        JsonNode c = Json.read(Fixtures.cases().resolve(file));
        BertModel model = BertModel.fromPretrained(Fixtures.model(c.get("model").asText()), false);
        assertTrue(model.loadReport().missingSuspicious().isEmpty(), "all encoder weights loaded: " + model.loadReport());
        model.eval();
        try (PointerScope scope = new PointerScope()) {
            long[][] mask = Json.longMatrix(c.get("attention_mask"));
            BertModel.Output out = model.forward(Torch.longs(Json.longMatrix(c.get("input_ids"))), Torch.longs(mask),
                    Torch.longs(Json.longMatrix(c.get("token_type_ids"))));
            JsonNode exp = c.get("expected");
            assertClose(Json.floatMatrix(exp.get("last_hidden_state_cls_first8")),
                    firstCols(out.lastHiddenState().select(1, 0), 8), 1e-4, "cls hidden");
            JsonNode tokens = exp.get("last_hidden_state_tokens_first8");
            for (int i = 0; i < tokens.size(); i++) {
                float[][] want = Json.floatMatrix(tokens.get(i));
                float[][] got = firstCols(out.lastHiddenState().select(0, i).narrow(0, 0, want.length), 8);
                assertClose(want, got, 1e-4, "row " + i + " tokens");
            }
        }
    }
}
