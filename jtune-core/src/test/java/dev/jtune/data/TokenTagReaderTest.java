package dev.jtune.data;

import dev.jtune.JTuneException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class TokenTagReaderTest {
    @TempDir
    Path tmp;

    Path write(String name, String content) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    @Test
    void conllSampleReadsWithOFirstThenSortedTags() {
        Path f = dev.jtune.testing.Fixtures.data("conll2003-train-3k.txt");
        Dataset d = TokenTagReader.read(f, null, null);
        assertEquals(3000, d.size());
        assertEquals(LabelKind.TOKEN_TAGS, d.labelKind());
        assertEquals(List.of("O", "B-LOC", "B-MISC", "B-ORG", "B-PER", "I-LOC", "I-MISC", "I-ORG", "I-PER"), d.labelMap().id2label());
        // the README's tag counts
        Map<String, Integer> c = d.labelCounts();
        assertEquals(36141, c.get("O"));
        assertEquals(1580, c.get("B-LOC"));
        assertEquals(1434, c.get("B-PER"));
        assertEquals(231, c.get("I-MISC"));
        assertTrue(TokenTagReader.looksLikeTokenData(f));
    }

    @Test
    void conllSkipsDocstartAndUsesTagColumn() throws Exception {
        Path f = write("a.conll", "-DOCSTART- -X- O O\n\nEU NNP B-ORG x\nrejects VBZ O x\n\nPeter NNP B-PER x\n");
        Dataset d = TokenTagReader.read(f, 3, null);
        assertEquals(2, d.size());
        assertEquals("EU rejects", d.examples().get(0).text());
        assertArrayEquals(new int[] {1, 0}, d.examples().get(0).tokenTags().tags()); // O, B-ORG, B-PER
        assertEquals(List.of("O", "B-ORG", "B-PER"), d.labelMap().id2label());
        assertEquals(3, d.examples().get(0).sourceLine());
    }

    @Test
    void badInputNamesFileLineRuleAndFix() throws Exception {
        Path f = write("bad.conll", "EU NNP B-ORG\nrejects O\n");
        JTuneException e = assertThrows(JTuneException.class, () -> TokenTagReader.read(f, null, null));
        assertTrue(e.getMessage().contains("line 2 has 2 columns but line 1 has 3"), e.getMessage());
        Path j = write("bad.jsonl", "{\"tokens\": [\"a\", \"b\"], \"ner_tags\": [\"O\"]}\n");
        e = assertThrows(JTuneException.class, () -> TokenTagReader.read(j, null, null));
        assertTrue(e.getMessage().contains("line 1: 2 tokens but 1 ner_tags"), e.getMessage());
        Path ev = write("eval.jsonl", "{\"tokens\": [\"Bonn\"], \"ner_tags\": [\"B-CITY\"]}\n");
        e = assertThrows(JTuneException.class, () -> TokenTagReader.read(ev, null, Map.of("O", 0, "B-LOC", 1)));
        assertTrue(e.getMessage().contains("line 1: tag \"B-CITY\" is not one of the model's tags"), e.getMessage());
    }

    @Test
    void jsonlWithNamesAndWithIds() throws Exception {
        Path f = write("n.jsonl", "{\"tokens\": [\"EU\", \"rejects\"], \"ner_tags\": [\"B-ORG\", \"O\"]}\n");
        Dataset d = TokenTagReader.read(f, null, null);
        assertEquals(List.of("O", "B-ORG"), d.labelMap().id2label());
        assertArrayEquals(new int[] {1, 0}, d.examples().get(0).tokenTags().tags());
        Path g = write("i.jsonl", "{\"tokens\": [\"EU\", \"rejects\"], \"ner_tags\": [3, 0]}\n");
        Dataset e = TokenTagReader.read(g, null, null);
        assertArrayEquals(new int[] {3, 0}, e.examples().get(0).tokenTags().tags(), "integer ids are kept");
        assertTrue(TokenTagReader.looksLikeTokenData(g));
    }
}
