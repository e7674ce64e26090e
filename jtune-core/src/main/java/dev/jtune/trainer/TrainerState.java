package dev.jtune.trainer;

import dev.jtune.io.AtomicFiles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.jtune.JTuneException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loop's progress and history, mirroring HF {@code TrainerState}; saved as {@code trainer_state.json}
 * ({@code json.dumps(asdict(state), indent=2, sort_keys=True)}, byte-compatible).
 *
 * <p>One step is one optimizer update. {@code epoch} is fractional during training
 * ({@code epoch + (step + 1) / stepsInEpoch}).
 */
public final class TrainerState {
    public static final String TRAINER_STATE_NAME = "trainer_state.json";

    private Double epoch;
    private int globalStep;
    private int maxSteps;
    private int loggingSteps = 500;
    private int evalSteps = 500;
    private int saveSteps = 500;
    private Integer trainBatchSize;
    private int numTrainEpochs;
    private long numInputTokensSeen;
    private double totalFlos;
    private List<Map<String, Object>> logHistory = new ArrayList<>();
    private Double bestMetric;
    private Integer bestGlobalStep;
    private String bestModelCheckpoint;
    private boolean isLocalProcessZero = true;
    private boolean isWorldProcessZero = true;
    private boolean isHyperParamSearch;
    private String trialName;
    private Map<String, Object> trialParams;
    private Map<String, Object> statefulCallbacks = new LinkedHashMap<>();
    private final Map<String, Object> unknown = new LinkedHashMap<>();

    public TrainerState() {}

    /** A fresh state for a run, with the interval fields copied from {@code args} as HF's train() does. */
    public static TrainerState forTraining(TrainingArguments args, int maxSteps, int numTrainEpochs, int trainBatchSize) {
        TrainerState s = new TrainerState();
        s.maxSteps = maxSteps;
        s.numTrainEpochs = numTrainEpochs;
        s.trainBatchSize = trainBatchSize;
        s.loggingSteps = args.loggingSteps();
        s.evalSteps = args.resolvedEvalSteps();
        s.saveSteps = args.saveSteps();
        return s;
    }

    public Double epoch() { return epoch; }
    public TrainerState epoch(Double v) { epoch = v; return this; }
    public int globalStep() { return globalStep; }
    public TrainerState globalStep(int v) { globalStep = v; return this; }
    public int maxSteps() { return maxSteps; }
    public TrainerState maxSteps(int v) { maxSteps = v; return this; }
    public int loggingSteps() { return loggingSteps; }
    public TrainerState loggingSteps(int v) { loggingSteps = v; return this; }
    public int evalSteps() { return evalSteps; }
    public TrainerState evalSteps(int v) { evalSteps = v; return this; }
    public int saveSteps() { return saveSteps; }
    public TrainerState saveSteps(int v) { saveSteps = v; return this; }
    public Integer trainBatchSize() { return trainBatchSize; }
    public TrainerState trainBatchSize(Integer v) { trainBatchSize = v; return this; }
    public int numTrainEpochs() { return numTrainEpochs; }
    public TrainerState numTrainEpochs(int v) { numTrainEpochs = v; return this; }
    public long numInputTokensSeen() { return numInputTokensSeen; }
    public TrainerState numInputTokensSeen(long v) { numInputTokensSeen = v; return this; }
    public double totalFlos() { return totalFlos; }
    public TrainerState totalFlos(double v) { totalFlos = v; return this; }
    /** The mutable log history; entries are ordered maps of {@code Double}/{@code Integer} values. */
    public List<Map<String, Object>> logHistory() { return logHistory; }
    public Double bestMetric() { return bestMetric; }
    public TrainerState bestMetric(Double v) { bestMetric = v; return this; }
    public Integer bestGlobalStep() { return bestGlobalStep; }
    public TrainerState bestGlobalStep(Integer v) { bestGlobalStep = v; return this; }
    public String bestModelCheckpoint() { return bestModelCheckpoint; }
    public TrainerState bestModelCheckpoint(String v) { bestModelCheckpoint = v; return this; }
    public boolean isLocalProcessZero() { return isLocalProcessZero; }
    public boolean isWorldProcessZero() { return isWorldProcessZero; }
    public String trialName() { return trialName; }
    /** Saved states of stateful callbacks by class name ({@code {"args": ..., "attributes": ...}}). */
    public Map<String, Object> statefulCallbacks() { return statefulCallbacks; }

    /**
     * Appends {@code logs} plus {@code "step": globalStep} to the history, as HF's {@code Trainer.log} (the caller
     * adds {@code epoch} to {@code logs} first).
     */
    public Map<String, Object> appendLog(Map<String, Double> logs) {
        Map<String, Object> entry = new LinkedHashMap<>(logs);
        entry.put("step", globalStep);
        logHistory.add(entry);
        return entry;
    }

    // ---------------------------------------------------------------- JSON

    /** The HF dict form (snake_case keys). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>(unknown);
        m.put("best_global_step", bestGlobalStep);
        m.put("best_metric", bestMetric);
        m.put("best_model_checkpoint", bestModelCheckpoint);
        m.put("epoch", epoch);
        m.put("eval_steps", evalSteps);
        m.put("global_step", globalStep);
        m.put("is_hyper_param_search", isHyperParamSearch);
        m.put("is_local_process_zero", isLocalProcessZero);
        m.put("is_world_process_zero", isWorldProcessZero);
        m.put("log_history", logHistory);
        m.put("logging_steps", loggingSteps);
        m.put("max_steps", maxSteps);
        m.put("num_input_tokens_seen", numInputTokensSeen);
        m.put("num_train_epochs", numTrainEpochs);
        m.put("save_steps", saveSteps);
        m.put("stateful_callbacks", statefulCallbacks);
        m.put("total_flos", totalFlos);
        m.put("train_batch_size", trainBatchSize);
        m.put("trial_name", trialName);
        m.put("trial_params", trialParams);
        return m;
    }

    /** {@code json.dumps(asdict(state), indent=2, sort_keys=True) + "\n"}. */
    public String toJson() { return PyJson.dumps(toMap(), true) + "\n"; }

    /** Writes {@link #toJson()} atomically. */
    public void saveToJson(Path file) { AtomicFiles.writeString(file, toJson()); }

    private static final ObjectMapper READER = dev.jtune.io.Json.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    public static TrainerState loadFromJson(Path file) {
        try {
            return fromJson(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new JTuneException("cannot read " + file + ": " + e.getMessage(),
                    "a checkpoint folder must contain a readable " + TRAINER_STATE_NAME,
                    "resume from another checkpoint-N folder", e);
        }
    }

    /** Parses HF's or jtune's {@code trainer_state.json}; unknown keys are kept and written back. */
    @SuppressWarnings("unchecked")
    public static TrainerState fromJson(String json, String source) {
        Map<String, Object> m;
        try {
            m = READER.readValue(json, LinkedHashMap.class);
        } catch (JsonProcessingException e) {
            throw new JTuneException(source + " is not valid JSON: " + e.getOriginalMessage(),
                    TRAINER_STATE_NAME + " must be one JSON object", "restore the file from the checkpoint", e);
        }
        if (m == null) throw new JTuneException(source + " is empty", "it must be one JSON object", "restore the file");
        TrainerState s = new TrainerState();
        try {
            for (Map.Entry<String, Object> e : m.entrySet()) {
                Object v = e.getValue();
                switch (e.getKey()) {
                    case "best_global_step": s.bestGlobalStep = v == null ? null : ((Number) v).intValue(); break;
                    case "best_metric": s.bestMetric = v == null ? null : ((Number) v).doubleValue(); break;
                    case "best_model_checkpoint": s.bestModelCheckpoint = (String) v; break;
                    case "epoch": s.epoch = v == null ? null : ((Number) v).doubleValue(); break;
                    case "eval_steps": s.evalSteps = ((Number) v).intValue(); break;
                    case "global_step": s.globalStep = ((Number) v).intValue(); break;
                    case "is_hyper_param_search": s.isHyperParamSearch = (Boolean) v; break;
                    case "is_local_process_zero": s.isLocalProcessZero = (Boolean) v; break;
                    case "is_world_process_zero": s.isWorldProcessZero = (Boolean) v; break;
                    case "log_history": s.logHistory = v == null ? new ArrayList<>() : (List<Map<String, Object>>) v; break;
                    case "logging_steps": s.loggingSteps = ((Number) v).intValue(); break;
                    case "max_steps": s.maxSteps = ((Number) v).intValue(); break;
                    case "num_input_tokens_seen": s.numInputTokensSeen = ((Number) v).longValue(); break;
                    case "num_train_epochs": s.numTrainEpochs = ((Number) v).intValue(); break;
                    case "save_steps": s.saveSteps = ((Number) v).intValue(); break;
                    case "stateful_callbacks":
                        s.statefulCallbacks = v == null ? new LinkedHashMap<>() : (Map<String, Object>) v;
                        break;
                    case "total_flos": s.totalFlos = ((Number) v).doubleValue(); break;
                    case "train_batch_size": s.trainBatchSize = v == null ? null : ((Number) v).intValue(); break;
                    case "trial_name": s.trialName = (String) v; break;
                    case "trial_params": s.trialParams = (Map<String, Object>) v; break;
                    default: s.unknown.put(e.getKey(), v);
                }
            }
        } catch (ClassCastException | NullPointerException e) {
            throw new JTuneException(source + " has a field of the wrong type (" + e.getMessage() + ")",
                    TRAINER_STATE_NAME + " must have HF TrainerState field types", "restore the file from the checkpoint", e);
        }
        if (s.globalStep < 0 || s.maxSteps < 0 || s.epoch != null && !(s.epoch >= 0)) {
            throw new JTuneException(source + " has global_step " + s.globalStep + ", max_steps " + s.maxSteps + ", epoch " + s.epoch,
                    TRAINER_STATE_NAME + " counts steps and epochs from 0 up: none can be negative",
                    "the file is damaged; resume from another checkpoint");
        }
        return s;
    }
}
