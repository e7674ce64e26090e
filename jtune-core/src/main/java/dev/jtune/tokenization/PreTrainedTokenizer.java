package dev.jtune.tokenization;

import java.nio.file.Path;
import java.util.List;

/**
 * A loaded tokenizer (mirrors transformers {@code PreTrainedTokenizerBase}): encodes texts and text pairs into
 * ids with special tokens and {@code longest_first} truncation, and saves itself as a Hugging Face folder.
 */
public interface PreTrainedTokenizer extends AutoCloseable {

    /**
     * Encodes one text (and optionally its pair) with special tokens, truncated to {@code maxLength}, unpadded.
     *
     * @param textPair the second text, or null for a single text
     */
    Encoding encode(String text, String textPair, int maxLength);

    /** {@link #encode(String, String, int)} for a single text. */
    default Encoding encode(String text, int maxLength) {
        return encode(text, null, maxLength);
    }

    /**
     * Encodes many rows at once (multi-threaded in the native tokenizer).
     *
     * @param pairs null for single texts; otherwise one entry per text, an entry may be null (no pair for that row)
     */
    List<Encoding> encodeBatch(List<String> texts, List<String> pairs, int maxLength);

    /**
     * Encodes one text with the character span of every token (HF {@code return_offsets_mapping=True}), truncated
     * to {@code maxLength}; what word alignment and entity offsets are computed from.
     */
    OffsetEncoding encodeWithOffsets(String text, int maxLength);

    /**
     * The prefix that marks a sub-word continuation token ({@code tokenizer.json}'s
     * {@code model.continuing_subword_prefix}, {@code ##} for WordPiece), or null when the model has none
     * (byte-level BPE, Unigram). HF's token-classification pipeline fuses words with it when it exists.
     */
    default String continuingSubwordPrefix() { return null; }

    /** Id of the unknown token ({@code unk_token}), or -1 when it has none. */
    default int unkTokenId() { return -1; }

    /** Id of the padding token ({@code pad_token_id}, usually 0). */
    int padTokenId();

    /** Number of tokens the tokenizer knows, added tokens included (HF {@code len(tokenizer)}). */
    int vocabSize();

    /** {@code model_max_length} from {@code tokenizer_config.json} (512 when absent). */
    int modelMaxLength();

    /** The token string of one id (HF {@code convert_ids_to_tokens}). */
    String convertIdsToTokens(long id);

    /** The token strings of the ids (HF {@code convert_ids_to_tokens}). */
    List<String> tokens(long[] ids);

    /** The id of a token string, or -1 when it is not in the vocabulary. */
    int convertTokensToIds(String token);

    /** Text of the ids (HF {@code decode}). */
    String decode(long[] ids, boolean skipSpecialTokens);

    /** Notes collected while encoding (for example a {@code max_length} clamped to {@code model_max_length}). */
    List<String> notes();

    /** Writes {@code tokenizer.json}, {@code tokenizer_config.json}, {@code special_tokens_map.json} (and
     *  {@code vocab.txt} when the vocabulary is WordPiece) into {@code dir}, each file atomically. */
    void savePretrained(Path dir);

    @Override
    void close();
}
