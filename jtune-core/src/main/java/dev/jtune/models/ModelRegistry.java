package dev.jtune.models;

import dev.jtune.JTuneException;
import dev.jtune.modeling.ModelFamily;
import dev.jtune.models.bert.BertConfig;
import dev.jtune.models.bert.BertForSequenceClassification;
import dev.jtune.models.distilbert.DistilBertConfig;
import dev.jtune.models.distilbert.DistilBertForSequenceClassification;
import dev.jtune.models.electra.ElectraConfig;
import dev.jtune.models.electra.ElectraForSequenceClassification;
import dev.jtune.models.roberta.RobertaConfig;
import dev.jtune.models.roberta.RobertaForSequenceClassification;
import dev.jtune.models.roberta.XLMRobertaConfig;
import dev.jtune.models.roberta.XLMRobertaForSequenceClassification;
import dev.jtune.models.modernbert.ModernBertConfig;
import dev.jtune.models.modernbert.ModernBertForSequenceClassification;
import dev.jtune.models.deberta_v2.DebertaV2Config;
import dev.jtune.models.deberta_v2.DebertaV2ForSequenceClassification;

import dev.jtune.models.bert.BertForTokenClassification;
import dev.jtune.models.distilbert.DistilBertForTokenClassification;
import dev.jtune.models.roberta.RobertaForTokenClassification;
import dev.jtune.models.roberta.XLMRobertaForTokenClassification;
import dev.jtune.models.electra.ElectraForTokenClassification;
import dev.jtune.models.deberta_v2.DebertaV2ForTokenClassification;
import dev.jtune.models.modernbert.ModernBertForTokenClassification;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The encoder families jtune implements, by {@code model_type} (mirrors transformers' auto mappings
 * {@code CONFIG_MAPPING_NAMES} and {@code MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING_NAMES} and
 * {@code MODEL_FOR_TOKEN_CLASSIFICATION_MAPPING_NAMES}).
 */
public final class ModelRegistry {
    private ModelRegistry() {}

    private static final List<ModelFamily> FAMILIES = families();

    private static List<ModelFamily> families() {
        List<ModelFamily> f = new ArrayList<>();
        f.add(new ModelFamily("bert", "BERT", "BertForSequenceClassification",
                "bert-base-uncased, all-MiniLM-L6-v2 (built in)", BertConfig::fromJsonObject,
                c -> new BertForSequenceClassification((BertConfig) c),
                "BertForTokenClassification", c -> new BertForTokenClassification((BertConfig) c)));
        f.add(new ModelFamily("distilbert", "DistilBERT", "DistilBertForSequenceClassification",
                "distilbert-base-uncased, distilbert-base-multilingual-cased", DistilBertConfig::fromJsonObject,
                c -> new DistilBertForSequenceClassification((DistilBertConfig) c),
                "DistilBertForTokenClassification", c -> new DistilBertForTokenClassification((DistilBertConfig) c)));
        f.add(new ModelFamily("roberta", "RoBERTa", "RobertaForSequenceClassification",
                "roberta-base, distilroberta-base, cardiffnlp/twitter-roberta-base-sentiment-latest", RobertaConfig::fromJsonObject,
                c -> new RobertaForSequenceClassification((RobertaConfig) c),
                "RobertaForTokenClassification", c -> new RobertaForTokenClassification((RobertaConfig) c)));
        f.add(new ModelFamily("xlm-roberta", "XLM-RoBERTa", "XLMRobertaForSequenceClassification",
                "xlm-roberta-base, xlm-roberta-large", XLMRobertaConfig::fromJsonObject,
                c -> new XLMRobertaForSequenceClassification((XLMRobertaConfig) c),
                "XLMRobertaForTokenClassification", c -> new XLMRobertaForTokenClassification((XLMRobertaConfig) c)));
        f.add(new ModelFamily("electra", "ELECTRA", "ElectraForSequenceClassification",
                "google/electra-small-discriminator, google/electra-base-discriminator", ElectraConfig::fromJsonObject,
                c -> new ElectraForSequenceClassification((ElectraConfig) c),
                "ElectraForTokenClassification", c -> new ElectraForTokenClassification((ElectraConfig) c)));
        f.add(new ModelFamily("deberta-v2", "DeBERTa-v2/v3", "DebertaV2ForSequenceClassification",
                "microsoft/deberta-v3-base, microsoft/deberta-v3-small, microsoft/deberta-v2-xlarge", DebertaV2Config::fromJsonObject,
                c -> new DebertaV2ForSequenceClassification((DebertaV2Config) c),
                "DebertaV2ForTokenClassification", c -> new DebertaV2ForTokenClassification((DebertaV2Config) c)));
        f.add(new ModelFamily("modernbert", "ModernBERT", "ModernBertForSequenceClassification",
                "answerdotai/ModernBERT-base, answerdotai/ModernBERT-large", ModernBertConfig::fromJsonObject,
                c -> new ModernBertForSequenceClassification((ModernBertConfig) c),
                "ModernBertForTokenClassification", c -> new ModernBertForTokenClassification((ModernBertConfig) c)));
        return List.copyOf(f);
    }

    /** Every family, in listing order. */
    public static List<ModelFamily> all() { return FAMILIES; }

    /** The supported {@code model_type} values. */
    public static List<String> modelTypes() {
        return FAMILIES.stream().map(ModelFamily::modelType).toList();
    }

    /** The family of {@code modelType}; an unknown one is an error that lists the supported ones. */
    public static ModelFamily forModelType(String modelType, String source) {
        String t = modelType == null ? "" : modelType.toLowerCase(Locale.ROOT);
        for (ModelFamily f : FAMILIES) if (f.modelType().equals(t)) return f;
        throw new JTuneException("model_type \"" + modelType + "\" in " + source + " is not supported",
                "jtune implements the encoder families " + FAMILIES.stream().map(f -> f.modelType() + " (" + f.displayName() + ")")
                        .collect(Collectors.joining(", ")),
                "use a checkpoint of one of those families (`jtune models list` shows them)");
    }
}
