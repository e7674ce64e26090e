package dev.jtune.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jtune.data.Dataset;
import dev.jtune.data.Example;
import dev.jtune.data.LabelKind;
import dev.jtune.data.LabelMap;
import dev.jtune.models.bert.BertForSequenceClassification;
import dev.jtune.testing.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds Datasets and TrainingArguments from fixtures/cases/train-*.json. */
final class TrainFixtures {
    private TrainFixtures() {}

    static Dataset dataset(JsonNode c, BertForSequenceClassification model) {
        List<Example> ex = new ArrayList<>();
        LabelKind kind = null;
        long line = 2;
        for (JsonNode d : c.get("data")) {
            String text = d.get("text").asText();
            String pair = d.get("text_pair").isNull() ? null : d.get("text_pair").asText();
            JsonNode l = d.get("label");
            if (l.isArray()) {
                kind = LabelKind.MULTI_HOT;
                ex.add(Example.ofMultiHot(null, text, pair, Json.floats(l), line++));
            } else if (model.config().numLabels() == 1) {
                kind = LabelKind.REGRESSION;
                ex.add(Example.ofValue(null, text, pair, (float) l.asDouble(), line++));
            } else {
                kind = LabelKind.CLASS_INDEX;
                ex.add(Example.ofClass(null, text, pair, l.asInt(), line++));
            }
        }
        LabelMap map = kind == LabelKind.REGRESSION ? null : LabelMap.ofNames(new ArrayList<>(model.config().id2label().values()));
        boolean pairs = ex.stream().anyMatch(e -> e.textPair() != null);
        return new Dataset(Path.of(c.get("model").asText() + "-train.jsonl"), List.of("text", "text_pair", "label"), "text",
                pairs ? "text_pair" : null, "label", kind, map, ex, List.of());
    }

    static TrainingArguments.Builder args(JsonNode c, Path outputDir) {
        JsonNode a = c.get("args");
        TrainingArguments.Builder b = TrainingArguments.builder()
                .outputDir(outputDir.toString())
                .learningRate(a.get("learning_rate").asDouble())
                .weightDecay(a.get("weight_decay").asDouble())
                .adamBeta1(a.get("adam_beta1").asDouble())
                .adamBeta2(a.get("adam_beta2").asDouble())
                .adamEpsilon(a.get("adam_epsilon").asDouble())
                .maxGradNorm(a.get("max_grad_norm").asDouble())
                .warmupSteps(a.get("warmup_steps").asDouble())
                .perDeviceTrainBatchSize(a.get("per_device_train_batch_size").asInt())
                .gradientAccumulationSteps(a.get("gradient_accumulation_steps").asInt())
                .seed(a.get("seed").asInt())
                .maxLength(a.get("max_length").asInt())
                .trainSamplingStrategy(TrainSamplingStrategy.SEQUENTIAL)
                .loggingSteps(1)
                .saveStrategy(SaveStrategy.NO);
        if (a.has("max_steps")) b.maxSteps(a.get("max_steps").asInt());
        if (a.has("num_train_epochs")) b.numTrainEpochs(a.get("num_train_epochs").asDouble());
        b.set("lr_scheduler_type", a.get("lr_scheduler_type").asText());
        return b;
    }
}
