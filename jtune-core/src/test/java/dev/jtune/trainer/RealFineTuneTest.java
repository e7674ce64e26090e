package dev.jtune.trainer;

import dev.jtune.data.Dataset;
import dev.jtune.data.DatasetReader;
import dev.jtune.data.LabelKind;
import dev.jtune.data.ReadOptions;
import dev.jtune.losses.ProblemType;
import dev.jtune.models.bert.BertForSequenceClassification;
import dev.jtune.modeling.AutoModel;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.io.BuiltinModels;
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
 * Real fine-tunes of the built-in all-MiniLM-L6-v2 on samples of SST-2, STS-B and GoEmotions, subsampled to run in a
 * few minutes on 2 cores. Evaluation rows are held out from the same files (never trained on). Figures are printed
 * as "RESULT ..." lines.
 */
@org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable(named = "JTUNE_NESTED_CLONE_TEST", matches = "1",
        disabledReason = "already run by the outer suite; the README clone test re-runs the suite only to prove the command works")
@org.junit.jupiter.api.Tag("slow") // real fine-tunes / child JVMs: `mvn -B test -DexcludedGroups=slow` skips them
class RealFineTuneTest {
    @TempDir
    Path tmp;

    static Dataset slice(Dataset d, int from, int to) {
        return new Dataset(d.file(), d.columns(), d.textColumn(), d.textPairColumn(), d.labelColumn(), d.labelKind(), d.labelMap(),
                d.examples().subList(from, to), List.of());
    }

    /** bf16 autocast where the CPU has AMX (several times faster, and what the CLI's --bf16 does); fp32 elsewhere. */
    static final boolean FAST_BF16 = dev.jtune.torch.Engine.cpuSupportsAmxBf16();

    private Map<String, Double> fineTune(String name, Dataset train, Dataset eval, FromPretrainedOptions opts,
                                         TrainingArguments.Builder args, boolean calibrate) {
        Path minilm = BuiltinModels.allMiniLmL6V2(tmp.resolve("cache"));
        long t0 = System.nanoTime();
        BertForSequenceClassification model = BertForSequenceClassification.fromPretrained(minilm, opts);
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(minilm)) {
            Trainer t = Trainer.builder().model(model).tokenizer(tok).trainDataset(train).evalDataset(eval)
                    .args(args.outputDir(tmp.resolve(name).toString()).saveStrategy(SaveStrategy.NO).build()).build();
            Map<String, Double> before = t.evaluate();
            t.train();
            Map<String, Double> m = new java.util.LinkedHashMap<>(t.evaluate());
            m.put("eval_loss_before", before.get("eval_loss"));
            if (calibrate) m.putAll(t.calibrateThresholds(false));
            double secs = (System.nanoTime() - t0) / 1e9;
            m.put("seconds", secs);
            System.out.printf(Locale.ROOT, "RESULT %s %s train=%d eval=%d %s%n", name, args.build().bf16() ? "bf16" : "fp32",
                    train.size(), eval.size(), m);
            return m;
        }
    }

    @Test
    void sst2SingleLabel() {
        Dataset all = DatasetReader.read(Fixtures.data("sst2-train-4k.tsv"), ReadOptions.builder().build());
        // 2,000 held-out rows, so that the bf16-vs-fp32 comparison resolves 0.5 points (10 rows)
        Dataset train = slice(all, 0, 1200), eval = slice(all, 2000, 4000);
        TrainingArguments.Builder args = TrainingArguments.builder().learningRate(1e-4).numTrainEpochs(2).perDeviceTrainBatchSize(16)
                .perDeviceEvalBatchSize(64).maxLength(64).warmupSteps(0.1).weightDecay(0.01);
        Map<String, Double> fp32 = fineTune("sst2", train, eval, FromPretrainedOptions.builder().numLabels(2).build(), args, false);
        assertTrue(fp32.get("eval_accuracy") > 0.78, "SST-2 accuracy " + fp32.get("eval_accuracy"));
        assertTrue(fp32.get("eval_loss") < fp32.get("eval_loss_before"));
        if (FAST_BF16) {
            // the same run under bf16 autocast (AMX): accuracy within 2 points of fp32 (2,000 rows: 40 examples); the
            // issue-5 target is 0.5 points, reported from the RESULT line rather than asserted (run-to-run spread)
            Map<String, Double> bf16 = fineTune("sst2", train, eval, FromPretrainedOptions.builder().numLabels(2).build(), args.bf16(true), false);
            System.out.printf(Locale.ROOT, "RESULT sst2 accuracy fp32 %.4f bf16 %.4f (%.1f s vs %.1f s)%n", fp32.get("eval_accuracy"),
                    bf16.get("eval_accuracy"), fp32.get("seconds"), bf16.get("seconds"));
            assertEquals(fp32.get("eval_accuracy"), bf16.get("eval_accuracy"), 0.02, "bf16 vs fp32 accuracy");
        }
    }

    @Test
    void stsbRegression() {
        Dataset all = DatasetReader.read(Fixtures.data("stsb-train.tsv"), ReadOptions.builder().build());
        assertEquals(LabelKind.REGRESSION, all.labelKind());
        Dataset train = slice(all, 0, 1200), eval = slice(all, 5349, 5749);
        Map<String, Double> m = fineTune("stsb", train, eval, FromPretrainedOptions.builder().numLabels(1).build(),
                TrainingArguments.builder().learningRate(1e-4).numTrainEpochs(5).perDeviceTrainBatchSize(16)
                        .perDeviceEvalBatchSize(64).maxLength(64).warmupSteps(0.1).bf16(FAST_BF16), false);
        // 1,200 rows make this run sensitive to rounding-level changes: at 3-4 epochs, numerically equivalent runs
        // (another dropout mask stream, another summation order) scored Pearson 0.63-0.73; at lr 1e-4 and 5 epochs 0.72
        // with both mask streams. 0.65 is far above an untrained head (about 0) and below that spread.
        assertTrue(m.get("eval_pearson") > 0.65, "STS-B Pearson " + m.get("eval_pearson"));
    }

    @Test
    void goEmotionsMultiLabel() {
        Dataset all = DatasetReader.read(Fixtures.data("goemotions-train-5k.jsonl"), ReadOptions.builder().build());
        assertEquals(LabelKind.MULTI_HOT, all.labelKind());
        Dataset train = slice(all, 0, 1500), eval = slice(all, 4500, 5000);
        Map<String, Double> m = fineTune("goemotions", train, eval, FromPretrainedOptions.builder()
                        .labelNames(all.labelMap().id2label()).problemType(ProblemType.MULTI_LABEL_CLASSIFICATION).build(),
                TrainingArguments.builder().learningRate(2e-4).numTrainEpochs(2).perDeviceTrainBatchSize(16)
                        .perDeviceEvalBatchSize(64).maxLength(64).bf16(FAST_BF16), true);
        assertTrue(m.get("eval_loss") < m.get("eval_loss_before"));
        assertTrue(m.get("eval_roc_auc_micro") > 0.70, "ROC-AUC " + m.get("eval_roc_auc_micro"));
        assertTrue(m.get("eval_calibrated_f1_micro") >= m.get("eval_f1_micro"), "calibration cannot lose on the set it was chosen on");
        assertTrue(m.get("eval_calibrated_f1_micro") > 0.2, "calibrated micro-F1 " + m.get("eval_calibrated_f1_micro"));
    }
}
