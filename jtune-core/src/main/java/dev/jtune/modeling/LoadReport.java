package dev.jtune.modeling;

import java.util.ArrayList;
import java.util.List;

/**
 * What loading a checkpoint did, classified in HF's spirit but so that only surprising things are warnings:
 * new head weights (expected when fine-tuning), dropped pretraining heads and buffers (expected), and everything
 * else (unused or missing encoder weights, re-initialised mismatched heads) as warnings.
 */
public record LoadReport(String source,
                         List<String> loaded,
                         List<String> newlyInitialized,
                         List<String> mismatchedReinitialized,
                         List<String> droppedExpected,
                         List<String> unexpected,
                         List<String> missingSuspicious,
                         List<String> renamed) {

    /** Lines a user should see as warnings (empty when the load was unsurprising). */
    public List<String> warnings() {
        List<String> w = new ArrayList<>();
        if (!missingSuspicious.isEmpty()) {
            w.add("Some encoder weights were not in the checkpoint " + source + " and are newly initialized (this is NOT expected: "
                    + "the model will not behave like the checkpoint): " + missingSuspicious);
        }
        if (!unexpected.isEmpty()) {
            w.add("Some weights of the checkpoint " + source + " were not used (not pretraining heads): " + unexpected);
        }
        if (!mismatchedReinitialized.isEmpty()) {
            w.add("Some weights were re-initialized because their shapes did not match (ignore_mismatched_sizes): " + mismatchedReinitialized);
        }
        return w;
    }

    /** Informational lines (expected when fine-tuning from an encoder checkpoint). */
    public List<String> notes() {
        List<String> n = new ArrayList<>();
        if (!newlyInitialized.isEmpty()) {
            n.add("Newly initialized (expected when fine-tuning a new head; train before predicting): " + newlyInitialized);
        }
        if (!droppedExpected.isEmpty()) {
            n.add("Dropped (expected: pretraining heads and legacy buffers): " + droppedExpected);
        }
        if (!renamed.isEmpty()) n.add("Renamed legacy keys (LayerNorm.gamma/beta -> weight/bias): " + renamed.size());
        return n;
    }
}
