package dev.jtune.models.roberta;

import dev.jtune.JTuneException;
import dev.jtune.io.RawTensor;
import dev.jtune.modeling.io.SafeTensors;
import dev.jtune.testing.Fixtures;
import dev.jtune.torch.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** RoBERTa's own rules: padding-aware position ids, the padding row of the position table, pretraining-checkpoint keys. */
class RobertaRulesTest {
    @TempDir
    Path tmp;

    static Path fixture(String family) {
        return Fixtures.fixtures().resolve("arch").resolve("models").resolve(family);
    }

    @Test
    void positionIdsCountNonPaddingTokensFromPadPlusOne() {
        try (PointerScope s = new PointerScope()) {
            long[][] ids = {{0, 7, 8, 2, 1, 1}, {0, 9, 2, 2, 10, 2}};
            long[][] want = {{2, 3, 4, 5, 1, 1}, {2, 3, 4, 5, 6, 7}};
            var got = RobertaEmbeddings.positionIds(Torch.longs(ids), 1);
            assertArrayEquals(want[0], Torch.toLongArray(got.select(0, 0)));
            assertArrayEquals(want[1], Torch.toLongArray(got.select(0, 1)));
        }
    }

    @Test
    void freshModelHasZeroPaddingRowsAndRefusesTooLongInput() {
        RobertaForSequenceClassification m = RobertaForSequenceClassification.fromPretrained(fixture("roberta"));
        RobertaConfig c = m.config();
        RobertaForSequenceClassification fresh = new RobertaForSequenceClassification(c);
        for (String k : List.of("roberta.embeddings.position_embeddings.weight", "roberta.embeddings.word_embeddings.weight")) {
            assertEquals(0.0, fresh.namedParameters().get(k).select(0, c.padTokenId).abs().sum().item_double(), k);
        }
        assertEquals(c.maxPositionEmbeddings - 2, c.maxPositionEmbeddings());
        int tooLong = c.maxPositionEmbeddings - 1;
        long[][] ids = new long[1][tooLong];
        m.eval();
        try (PointerScope s = new PointerScope()) {
            assertThrows(JTuneException.class, () -> m.forward(Torch.longs(ids), null, null));
            long[][] ok = new long[1][tooLong - 1];
            assertEquals(3, m.forward(Torch.longs(ok), null, null).logits().size(1));
        }
    }

    @Test
    void pretrainingCheckpointsDropLmHeadAndPoolerAndInitialiseTheHead() throws Exception {
        Path src = fixture("xlm-roberta");
        Map<String, RawTensor> st = SafeTensors.read(src.resolve("model.safetensors")).tensors();
        for (boolean bare : new boolean[] {false, true}) {
            // RobertaForMaskedLM-style (prefixed, lm_head) and RobertaModel-style (bare, pooler) checkpoints
            Map<String, RawTensor> ckpt = new LinkedHashMap<>();
            st.forEach((k, v) -> {
                if (!k.startsWith("classifier.")) ckpt.put(bare ? k.substring("roberta.".length()) : k, v);
            });
            String p = bare ? "" : "roberta.";
            ckpt.put(p + "pooler.dense.weight", RawTensor.ofFloats(new long[] {32, 32}, new float[32 * 32]));
            ckpt.put(p + "pooler.dense.bias", RawTensor.ofFloats(new long[] {32}, new float[32]));
            if (!bare) ckpt.put("lm_head.bias", RawTensor.ofFloats(new long[] {1201}, new float[1201]));
            Path dir = tmp.resolve(bare ? "bare" : "mlm");
            Files.createDirectories(dir);
            SafeTensors.write(dir.resolve("model.safetensors"), ckpt, Map.of("format", "pt"));
            Files.copy(src.resolve("config.json"), dir.resolve("config.json"));

            XLMRobertaForSequenceClassification m = XLMRobertaForSequenceClassification.fromPretrained(dir);
            var r = m.loadReport();
            assertEquals(List.of("classifier.dense.weight", "classifier.dense.bias", "classifier.out_proj.weight", "classifier.out_proj.bias"),
                    r.newlyInitialized());
            assertTrue(r.droppedExpected().containsAll(List.of("roberta.pooler.dense.weight", "roberta.pooler.dense.bias")), r.toString());
            if (!bare) assertTrue(r.droppedExpected().contains("lm_head.bias"), r.toString());
            assertTrue(r.warnings().isEmpty(), r.warnings().toString());
            assertEquals(st.size() - 4, r.loaded().size());
        }
    }
}
