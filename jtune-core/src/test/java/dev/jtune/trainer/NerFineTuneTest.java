package dev.jtune.trainer;

import dev.jtune.data.Dataset;
import dev.jtune.data.TokenTagReader;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.TokenClassificationModel;
import dev.jtune.modeling.io.BuiltinModels;
import dev.jtune.models.AutoModelForTokenClassification;
import dev.jtune.testing.Fixtures;
import dev.jtune.tokenization.AutoTokenizer;
import dev.jtune.tokenization.PreTrainedTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A real NER fine-tune: the built-in MiniLM (all-MiniLM-L6-v2) with a BertForTokenClassification head, 2 epochs on
 * the first 2,700 sentences of the CoNLL-2003 sample, scored on the last 300 (entity F1, seqeval default mode).
 */
@org.junit.jupiter.api.Tag("slow")
class NerFineTuneTest {
    @TempDir
    Path tmp;

    @Test
    void miniLmLearnsConllEntities() {
        Dataset all = TokenTagReader.read(Fixtures.data("conll2003-train-3k.txt"), null, null);
        Dataset train = RealFineTuneTest.slice(all, 0, 2700), eval = RealFineTuneTest.slice(all, 2700, 3000);
        Path minilm = BuiltinModels.allMiniLmL6V2(tmp.resolve("cache"));
        TokenClassificationModel model = AutoModelForTokenClassification.fromPretrained(minilm,
                FromPretrainedOptions.builder().labelNames(all.labelMap().id2label()).build());
        TrainingArguments args = TrainingArguments.builder().outputDir(tmp.resolve("ner").toString()).learningRate(1e-4)
                .numTrainEpochs(2).perDeviceTrainBatchSize(16).perDeviceEvalBatchSize(64).maxLength(128).warmupSteps(0.1)
                .weightDecay(0.01).bf16(RealFineTuneTest.FAST_BF16).saveStrategy(SaveStrategy.NO).build();
        long t0 = System.nanoTime();
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(minilm)) {
            Trainer t = Trainer.builder().model(model).tokenizer(tok).args(args).trainDataset(train).evalDataset(eval).build();
            Map<String, Double> before = t.evaluate();
            t.train();
            Map<String, Double> m = t.evaluate();
            System.out.printf(Locale.ROOT, "RESULT ner %s train=%d eval=%d seconds=%.0f %s%n", args.bf16() ? "bf16" : "fp32",
                    train.size(), eval.size(), (System.nanoTime() - t0) / 1e9, m);
            assertTrue(m.get("eval_f1") > 0.6, "entity F1 " + m.get("eval_f1"));
            assertTrue(m.get("eval_loss") < before.get("eval_loss"));
            for (String type : List.of("PER", "LOC", "ORG", "MISC")) assertTrue(m.containsKey("eval_" + type + "_f1"), type);
            assertNull(model.config().problemType(), "no problem_type recorded for a token head");
        }
    }
}
