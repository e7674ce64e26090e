package dev.jtune.metrics;

import dev.jtune.metrics.TokenClassificationMetrics.Entity;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** seqeval's default mode, checked by hand (each expected value is worked out in the comment beside it). */
class TokenClassificationMetricsTest {

    static List<String> t(String s) { return List.of(s.split(" ")); }

    @Test
    void chunksFollowSeqevalDefaultMode() {
        // B-PER I-PER O B-LOC: PER at 0..1, LOC at 3..3
        assertEquals(List.of(new Entity("PER", 0, 1), new Entity("LOC", 3, 3)), TokenClassificationMetrics.entitiesOfSequence(t("B-PER I-PER O B-LOC")));
        // malformed: an I- after O opens an entity (seqeval's start_of_chunk: prev O, tag I)
        assertEquals(List.of(new Entity("ORG", 1, 2)), TokenClassificationMetrics.entitiesOfSequence(t("O I-ORG I-ORG O")));
        // a type change inside I- closes one entity and opens another
        assertEquals(List.of(new Entity("PER", 0, 1), new Entity("LOC", 2, 2)), TokenClassificationMetrics.entitiesOfSequence(t("B-PER I-PER I-LOC")));
        // B after B: two entities; B-X I-Y: two entities
        assertEquals(List.of(new Entity("MISC", 0, 0), new Entity("MISC", 1, 1)), TokenClassificationMetrics.entitiesOfSequence(t("B-MISC B-MISC")));
        assertEquals(List.of(new Entity("PER", 0, 0), new Entity("ORG", 1, 1)), TokenClassificationMetrics.entitiesOfSequence(t("B-PER I-ORG")));
        // sentences are joined with an O: an entity at a sentence's end does not run into the next sentence
        assertEquals(List.of(new Entity("LOC", 1, 1), new Entity("LOC", 3, 3)),
                TokenClassificationMetrics.entities(List.of(t("O B-LOC"), t("I-LOC O"))));
    }

    @Test
    void microAndPerTypeScoresByHand() {
        List<List<String>> gold = List.of(t("B-PER I-PER O B-LOC"), t("B-ORG O O"));
        List<List<String>> pred = List.of(t("B-PER I-PER O B-ORG"), t("B-ORG O B-LOC"));
        var r = TokenClassificationMetrics.compute(gold, pred);
        // gold: PER(0,1) LOC(3,3) ORG(5,5); pred: PER(0,1) ORG(3,3) ORG(5,5) LOC(7,7); correct: PER, ORG(5,5) = 2
        assertEquals(2.0 / 4, r.precision(), 1e-12);
        assertEquals(2.0 / 3, r.recall(), 1e-12);
        assertEquals(2 * 0.5 * (2.0 / 3) / (0.5 + 2.0 / 3), r.f1(), 1e-12);
        // tokens: 7, wrong at sentence 1 pos 3 and sentence 2 pos 2 → 5/7
        assertEquals(5.0 / 7, r.accuracy(), 1e-12);
        assertEquals(1.0, r.perType().get("PER").f1(), 1e-12);
        assertEquals(0.0, r.perType().get("LOC").precision(), 1e-12); // the one predicted LOC is wrong
        assertEquals(0.0, r.perType().get("LOC").recall(), 1e-12);
        assertEquals(0.5, r.perType().get("ORG").precision(), 1e-12);
        assertEquals(1.0, r.perType().get("ORG").recall(), 1e-12);
        assertEquals(1, r.perType().get("ORG").number());
        var m = r.asMap();
        assertEquals(0.5, m.get("precision"), 1e-12);
        assertEquals(1.0, m.get("PER_f1"), 1e-12);
        assertEquals(1.0, m.get("LOC_number"), 1e-12);
    }

    @Test
    void malformedPredictionStillScoresAsSeqevalDoes() {
        // gold B-ORG I-ORG; predicted I-ORG I-ORG opens an ORG at 0 (I after O) and spans 0..1: counted correct
        var r = TokenClassificationMetrics.compute(List.of(t("B-ORG I-ORG")), List.of(t("I-ORG I-ORG")));
        assertEquals(1.0, r.f1(), 1e-12);
        assertEquals(0.5, r.accuracy(), 1e-12);
        // no entities anywhere: 0 by seqeval's zero-division default, accuracy 1
        var z = TokenClassificationMetrics.compute(List.of(t("O O")), List.of(t("O O")));
        assertEquals(0.0, z.f1());
        assertEquals(1.0, z.accuracy());
    }
}
