package dev.jtune.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jtune.losses.ProblemType;
import dev.jtune.models.bert.BertForSequenceClassification;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.testing.Fixtures;
import dev.jtune.testing.Json;
import dev.jtune.tokenization.AutoTokenizer;
import dev.jtune.tokenization.PreTrainedTokenizer;
import dev.jtune.torch.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Training trajectories against the PyTorch reference (fixtures/cases/train-*.json). */
class TrajectoryParityTest {
    @TempDir
    Path out;

    static Map<String, Object> overrides(JsonNode c) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        c.get("config_overrides").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asDouble()));
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"train-single.json", "train-regression.json", "train-multi.json", "train-single-ga2.json"})
    void trajectoryMatchesReference(String file) {
        JsonNode c = Json.read(Fixtures.cases().resolve(file));
        Path modelDir = Fixtures.model(c.get("model").asText());
        BertForSequenceClassification model = BertForSequenceClassification.fromPretrained(modelDir,
                FromPretrainedOptions.builder().configOverrides(overrides(c)).build());
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(modelDir)) {
            Trainer trainer = Trainer.builder().model(model).tokenizer(tok).args(TrainFixtures.args(c, out).build())
                    .trainDataset(TrainFixtures.dataset(c, model)).build();
            TrainOutput result = trainer.train();
            assertEquals(ProblemType.fromHf(c.get("problem_type_expected").asText()), model.config().problemType());
            JsonNode steps = c.get("expected_steps");
            assertEquals(steps.size(), result.steps().size(), "number of optimizer steps");
            assertEquals(c.get("derived").get("total_steps").asInt(), result.globalStep());
            for (int i = 0; i < steps.size(); i++) {
                JsonNode s = steps.get(i);
                TrainOutput.StepRecord r = result.steps().get(i);
                assertEquals(s.get("step").asInt(), r.step());
                List<Integer> rows = new ArrayList<>();
                s.get("rows").forEach(x -> rows.add(x.asInt()));
                assertEquals(rows, java.util.Arrays.stream(r.rows()).boxed().toList(), "rows of step " + r.step());
                double lr = s.get("learning_rate").asDouble();
                assertEquals(lr, r.learningRate(), Math.abs(lr) * 1e-12, "learning_rate of step " + r.step());
                double loss = s.get("loss").asDouble();
                assertEquals(loss, r.loss(), Math.abs(loss) * 1e-4, "loss of step " + r.step());
                double gn = s.get("grad_norm").asDouble();
                assertEquals(gn, r.gradNorm(), Math.abs(gn) * 1e-3, "grad_norm of step " + r.step());
            }
            // final logits: rows 0-3 as one padded batch, eval mode
            var ds = TrainFixtures.dataset(c, model);
            Features f = Features.tokenize(ds, tok, 128);
            model.eval();
            try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                Batch b = Batch.collate(f, new int[] {0, 1, 2, 3}, trainer.collator());
                float[][] logits = Torch.toFloatMatrix(model.forward(b.inputIds(), b.attentionMask(), b.tokenTypeIds()).logits());
                float[][] want = Json.floatMatrix(c.get("expected_final_logits"));
                for (int i = 0; i < want.length; i++)
                    for (int j = 0; j < want[i].length; j++) assertEquals(want[i][j], logits[i][j], 1e-3, "final logits[" + i + "][" + j + "]");
            }
        }
    }
}
