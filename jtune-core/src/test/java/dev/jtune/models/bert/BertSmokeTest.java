package dev.jtune.models.bert;

import dev.jtune.modeling.SequenceClassifierOutput;
import dev.jtune.modeling.AttentionImplementation;
import dev.jtune.losses.ProblemType;
import dev.jtune.torch.Engine;
import dev.jtune.torch.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class BertSmokeTest {
    static BertConfig tiny(int numLabels) {
        BertConfig c = new BertConfig();
        c.vocabSize = 50; c.hiddenSize = 16; c.numHiddenLayers = 2; c.numAttentionHeads = 4; c.intermediateSize = 20;
        c.maxPositionEmbeddings = 32;
        c.setNumLabels(numLabels);
        return c;
    }

    @Test
    void parameterNamesAreHfCheckpointKeys() {
        Engine.manualSeed(1);
        BertForSequenceClassification m = new BertForSequenceClassification(tiny(3));
        Map<String, Tensor> p = m.namedParameters();
        assertTrue(p.containsKey("bert.embeddings.word_embeddings.weight"));
        assertTrue(p.containsKey("bert.embeddings.LayerNorm.weight"));
        assertTrue(p.containsKey("bert.encoder.layer.1.attention.self.query.weight"));
        assertTrue(p.containsKey("bert.encoder.layer.0.attention.output.LayerNorm.bias"));
        assertTrue(p.containsKey("bert.encoder.layer.0.intermediate.dense.weight"));
        assertTrue(p.containsKey("bert.pooler.dense.weight"));
        assertArrayEquals(new long[] {3, 16}, Torch.shape(p.get("classifier.weight")));
        assertArrayEquals(new long[] {20, 16}, Torch.shape(p.get("bert.encoder.layer.0.intermediate.dense.weight")));
        assertEquals(5 + 2 * 16 + 4, p.size());
    }

    @Test
    void forwardInfersSingleLabelAndWritesConfig() {
        Engine.manualSeed(1);
        BertForSequenceClassification m = new BertForSequenceClassification(tiny(3));
        m.eval();
        try (PointerScope s = new PointerScope()) {
            Tensor ids = Torch.longs(new long[][] {{2, 5, 7, 3}, {2, 9, 3, 0}});
            Tensor mask = Torch.longs(new long[][] {{1, 1, 1, 1}, {1, 1, 1, 0}});
            SequenceClassifierOutput out = m.forward(ids, mask, null, Torch.longs(new long[] {0, 2}, 2));
            assertArrayEquals(new long[] {2, 3}, Torch.shape(out.logits()));
            assertTrue(Float.isFinite(out.loss().item_float()));
            assertEquals(ProblemType.SINGLE_LABEL_CLASSIFICATION, m.config().problemType());
            out.loss().backward();
        }
    }
}
