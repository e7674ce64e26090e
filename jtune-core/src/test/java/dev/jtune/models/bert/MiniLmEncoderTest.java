package dev.jtune.models.bert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jtune.modeling.io.BuiltinModels;
import dev.jtune.testing.Fixtures;
import dev.jtune.testing.Json;
import dev.jtune.torch.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The built-in all-MiniLM-L6-v2, imported from its ONNX export, against fixtures/cases/minilm-encoder.json. */
class MiniLmEncoderTest {
    @TempDir
    static Path cache;

    @Test
    void importedEncoderGivesSentenceTransformersEmbeddings() {
        JsonNode c = Json.read(Fixtures.cases().resolve("minilm-encoder.json"));
        Path dir = BuiltinModels.allMiniLmL6V2(cache);
        BertModel model = BertModel.fromPretrained(dir, false);
        assertTrue(model.loadReport().missingSuspicious().isEmpty(), model.loadReport().toString());
        assertTrue(model.loadReport().unexpected().isEmpty(), model.loadReport().toString());
        model.eval();
        JsonNode exp = c.get("expected");
        try (PointerScope s = new PointerScope()) {
            Tensor mask = Torch.longs(Json.longMatrix(exp.get("attention_mask")));
            BertModel.Output out = model.forward(Torch.longs(Json.longMatrix(exp.get("input_ids"))), mask,
                    Torch.longs(Json.longMatrix(exp.get("token_type_ids"))));
            BertParityTest.assertClose(Json.floatMatrix(exp.get("last_hidden_state_cls_first8")),
                    BertParityTest.firstCols(out.lastHiddenState().select(1, 0), 8), 1e-4, "cls");
            // sentence-transformers: masked mean over real tokens, then L2-normalise
            Tensor m = mask.unsqueeze(2).to(org.bytedeco.pytorch.global.torch.ScalarType.Float);   // (B, L, 1)
            Tensor mean = out.lastHiddenState().mul(m).sum(1).div(m.sum(1));                       // (B, H)
            Tensor norm = mean.norm(new org.bytedeco.pytorch.ScalarOptional(new org.bytedeco.pytorch.Scalar(2.0)), new long[] {1}, true);
            float[] norms = Torch.toFloatArray(norm);
            float[] wantNorms = Json.floats(exp.get("mean_pooled_norm"));
            for (int i = 0; i < norms.length; i++) assertEquals(wantNorms[i], norms[i], 1e-4 * wantNorms[i], "norm " + i);
            BertParityTest.assertClose(Json.floatMatrix(exp.get("sentence_embedding_first8")),
                    BertParityTest.firstCols(mean.div(norm), 8), 1e-5, "embedding");
        }
    }
}
