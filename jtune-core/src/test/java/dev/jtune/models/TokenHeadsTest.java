package dev.jtune.models;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jtune.io.RawTensor;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.TokenClassificationModel;
import dev.jtune.modeling.TokenClassifierOutput;
import dev.jtune.modeling.io.SafeTensors;
import dev.jtune.testing.Fixtures;
import dev.jtune.testing.Json;
import dev.jtune.tokenization.AutoTokenizer;
import dev.jtune.tokenization.OffsetEncoding;
import dev.jtune.tokenization.PreTrainedTokenizer;
import dev.jtune.tokenization.WordAlignment;
import dev.jtune.torch.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The token head of every family, built from that family's fixture checkpoint (a sequence model, so the sequence
 * head's own keys are dropped and the classifier is new): HF's key names for {@code *ForTokenClassification}
 * (the encoder's keys as HF saves them, plus {@code classifier.weight/bias}; ModernBERT keeps {@code head.*}),
 * the architecture name in config.json, a bit-identical save/load round trip, logits (B, L, C) and the −100 loss.
 */
class TokenHeadsTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"bert,BertForTokenClassification", "distilbert,DistilBertForTokenClassification",
            "roberta,RobertaForTokenClassification", "xlm-roberta,XLMRobertaForTokenClassification",
            "electra,ElectraForTokenClassification", "deberta-v2,DebertaV2ForTokenClassification",
            "modernbert,ModernBertForTokenClassification"})
    void tokenHeadHasHfKeysAndRoundTrips(String family, String architecture) {
        Path dir = Fixtures.fixtures().resolve("arch/models/" + family);
        JsonNode c = Json.read(Fixtures.fixtures().resolve("arch/cases/" + family + ".json"));
        TokenClassificationModel m = AutoModelForTokenClassification.fromPretrained(dir, FromPretrainedOptions.builder().numLabels(5).ignoreMismatchedSizes(true).build());
        assertEquals(architecture, m.architecture());
        Set<String> want = new TreeSet<>();
        for (JsonNode k : c.get("state_dict_keys")) {
            String key = k.asText();
            boolean seqHead = key.startsWith("classifier.") || key.startsWith("pre_classifier.") || key.startsWith("pooler.")
                    || key.startsWith("bert.pooler.");
            if (!seqHead) want.add(key);
        }
        want.add("classifier.weight");
        want.add("classifier.bias");
        assertEquals(want, new TreeSet<>(m.stateDict().keySet()), family + " token-head keys");
        assertTrue(m.loadReport().missingSuspicious().isEmpty(), family + ": encoder fully loaded " + m.loadReport());
        // the checkpoint's 3-label classifier (a plain Linear in bert, deberta-v2, modernbert) is re-initialised
        assertTrue(m.loadReport().newlyInitialized().contains("classifier.weight")
                || m.loadReport().mismatchedReinitialized().stream().anyMatch(x -> x.startsWith("classifier.weight")), m.loadReport().toString());
        assertArrayEquals(new long[] {5, m.classifier().weight().size(1)}, Torch.shape(m.classifier().weight()));
        Path out = tmp.resolve(family);
        m.savePretrained(out);
        assertEquals(architecture, Json.read(out.resolve("config.json")).get("architectures").get(0).asText());
        assertEquals(want, new TreeSet<>(SafeTensors.read(out.resolve("model.safetensors")).tensors().keySet()));
        TokenClassificationModel back = AutoModelForTokenClassification.fromPretrained(out);
        assertTrue(back.loadReport().newlyInitialized().isEmpty(), "a saved token head reloads completely: " + back.loadReport());
        Map<String, RawTensor> a = m.stateDict(), b = back.stateDict();
        for (String k : want) assertEquals(a.get(k).data().rewind(), b.get(k).data().rewind(), family + " bytes of " + k);
        back.eval();
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            long[][] ids = Json.longMatrix(c.get("forward").get("batch").get("input_ids"));
            long[][] mask = Json.longMatrix(c.get("forward").get("batch").get("attention_mask"));
            long[][] labels = new long[ids.length][ids[0].length];
            for (int i = 0; i < ids.length; i++) for (int t = 0; t < ids[i].length; t++) labels[i][t] = mask[i][t] == 0 || t == 0 ? -100 : (i + t) % 5;
            TokenClassifierOutput o = back.forward(Torch.longs(ids), Torch.longs(mask), null, Torch.longs(labels));
            assertArrayEquals(new long[] {ids.length, ids[0].length, 5}, Torch.shape(o.logits()));
            // the loss is the mean cross-entropy over the counted positions, computed here from the logits
            float[] lg = Torch.toFloatArray(o.logits().contiguous());
            double sum = 0;
            int n = 0;
            for (int i = 0; i < ids.length; i++) {
                for (int t = 0; t < ids[i].length; t++) {
                    if (labels[i][t] < 0) continue;
                    int base = (i * ids[i].length + t) * 5;
                    double max = Double.NEGATIVE_INFINITY, z = 0;
                    for (int k = 0; k < 5; k++) max = Math.max(max, lg[base + k]);
                    for (int k = 0; k < 5; k++) z += Math.exp(lg[base + k] - max);
                    sum += -(lg[base + (int) labels[i][t]] - max - Math.log(z));
                    n++;
                }
            }
            assertEquals(sum / n, o.loss().item_double(), 1e-5 * Math.max(1, sum / n), family + " loss");
        }
    }

    @Test
    void wordTagsAlignToFirstSubTokenOrAllWithBToI() {
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(Fixtures.fixtures().resolve("arch/models/bert-token-classification"))) {
            List<String> words = List.of("I", "loved");
            OffsetEncoding e = tok.encodeWithOffsets("I loved", 64);
            assertEquals(List.of("[CLS]", "i", "love", "##d", "[SEP]"), tok.tokens(e.encoding().inputIds()));
            int[] bToI = {0, 2, 2}; // O, B-ENT, I-ENT
            WordAlignment first = WordAlignment.align(e, words, new int[] {2, 1}, false, bToI);
            assertArrayEquals(new long[] {-100, 2, 1, -100, -100}, first.labels());
            assertArrayEquals(new int[] {-1, 0, 1, 1, -1}, first.wordIds());
            WordAlignment all = WordAlignment.align(e, words, new int[] {2, 1}, true, bToI);
            assertArrayEquals(new long[] {-100, 2, 1, 2, -100}, all.labels(), "continuation of a B- word gets I-");
            assertEquals(0, all.lostWords());
            OffsetEncoding cut = tok.encodeWithOffsets("I loved", 3);
            WordAlignment lost = WordAlignment.align(cut, words, new int[] {2, 1}, false, bToI);
            assertArrayEquals(new long[] {-100, 2, -100}, lost.labels());
            assertEquals(1, lost.lostWords(), "truncation at max_length 3 drops the second word's tag");
            assertEquals(-1, lost.firstToken()[1]);
        }
    }
}
