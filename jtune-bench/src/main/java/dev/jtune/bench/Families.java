package dev.jtune.bench;

import dev.jtune.modeling.PretrainedConfig;
import dev.jtune.modeling.SequenceClassificationModel;
import dev.jtune.models.AutoConfig;
import dev.jtune.models.AutoModelForSequenceClassification;
import dev.jtune.torch.Engine;
import dev.jtune.torch.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * {@code --only families}: a training step and a predict step of a base-sized model of every family jtune loads
 * (random weights, HF's base configs: 12 layers, hidden 768, 12 heads, intermediate 3072; DistilBERT 6 layers;
 * ModernBERT-base 22 layers, intermediate 1152). Training runs through the library's loop ({@link LoopRunner}: a
 * {@code Trainer} with the family's {@code *ForSequenceClassification}, its loss, backward, clipping, AdamW, the
 * schedule and the batch pipeline) on SST-2 text joined to rows of exactly 128 tokens (the MiniLM WordPiece ids,
 * which every family's vocabulary covers); predict is the no-grad eval forward. fp32, dropout on, AUTO attention.
 * Prints figures; asserts nothing.
 */
final class Families {
    private Families() {}

    /** model_type → config.json of a base-sized model (HF's published base configs, 2 labels). */
    static final Map<String, String> BASE = new LinkedHashMap<>();
    static {
        String bertLike = "\"hidden_size\":768,\"num_hidden_layers\":12,\"num_attention_heads\":12,\"intermediate_size\":3072,"
                + "\"max_position_embeddings\":514,\"num_labels\":2";
        BASE.put("bert", "{\"model_type\":\"bert\",\"vocab_size\":30522," + bertLike + "}");
        BASE.put("distilbert", "{\"model_type\":\"distilbert\",\"vocab_size\":30522,\"dim\":768,\"n_layers\":6,\"n_heads\":12,"
                + "\"hidden_dim\":3072,\"max_position_embeddings\":512,\"num_labels\":2}");
        BASE.put("roberta", "{\"model_type\":\"roberta\",\"vocab_size\":50265,\"pad_token_id\":1,\"type_vocab_size\":1," + bertLike + "}");
        BASE.put("xlm-roberta", "{\"model_type\":\"xlm-roberta\",\"vocab_size\":250002,\"pad_token_id\":1,\"type_vocab_size\":1," + bertLike + "}");
        BASE.put("electra", "{\"model_type\":\"electra\",\"vocab_size\":30522,\"embedding_size\":768," + bertLike + "}");
        BASE.put("deberta-v2", "{\"model_type\":\"deberta-v2\",\"vocab_size\":128100,\"hidden_size\":768,\"num_hidden_layers\":12,"
                + "\"num_attention_heads\":12,\"intermediate_size\":3072,\"max_position_embeddings\":512,\"relative_attention\":true,"
                + "\"position_buckets\":256,\"norm_rel_ebd\":\"layer_norm\",\"share_att_key\":true,\"pos_att_type\":[\"p2c\",\"c2p\"],"
                + "\"position_biased_input\":false,\"type_vocab_size\":0,\"max_relative_positions\":-1,\"layer_norm_eps\":1e-7,"
                + "\"pooler_hidden_size\":768,\"pooler_dropout\":0,\"pooler_hidden_act\":\"gelu\",\"num_labels\":2}");
        BASE.put("modernbert", "{\"model_type\":\"modernbert\",\"vocab_size\":50368,\"hidden_size\":768,\"num_hidden_layers\":22,"
                + "\"num_attention_heads\":12,\"intermediate_size\":1152,\"max_position_embeddings\":8192,\"global_attn_every_n_layers\":3,"
                + "\"local_attention\":128,\"pad_token_id\":50283,\"classifier_pooling\":\"mean\",\"num_labels\":2}");
    }

    /** One family's figures: median seconds per training step (batch × seq) and per predict step. */
    record Result(String family, long parameters, int trainBatch, int predictBatch, int seq, double trainStep, double predictStep) {}

    static List<Result> run(BenchData data, int warmup, int steps, boolean quick) {
        int trainBatch = quick ? 4 : 8, predictBatch = quick ? 8 : 32, seq = 128;
        System.out.printf(Locale.ROOT, "families (base size, random weights, fp32, train %dx%d with dropout + AdamW, predict %dx%d):%n",
                trainBatch, seq, predictBatch, seq);
        List<Result> out = new ArrayList<>();
        for (Map.Entry<String, String> e : BASE.entrySet()) {
            Engine.manualSeed(0);
            PretrainedConfig config = AutoConfig.fromJson(e.getValue(), "base " + e.getKey());
            SequenceClassificationModel model = AutoModelForSequenceClassification.fromConfig(config);
            long params = 0;
            for (Tensor p : model.namedParameters().values()) params += p.numel();
            int vocab = Math.min(config.vocabSize(), 30000);
            Random r = new Random(1);
            Workload w = new Workload("families", Shape.BERT_BASE, trainBatch, seq, true, false,
                    dev.jtune.modeling.AttentionImplementation.AUTO, false, warmup, steps);
            double[] train = LoopRunner.run(w, model, data, 0, null).stepSeconds();
            double[] predict = new double[steps];
            model.eval();
            for (int i = -warmup; i < steps; i++) {
                try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                    Tensor ids = ids(r, predictBatch, seq, vocab);
                    long t0 = System.nanoTime();
                    Torch.toFloatMatrix(model.forward(ids, torch.ones_like(ids), null).logits());
                    if (i >= 0) predict[i] = (System.nanoTime() - t0) / 1e9;
                }
            }
            Result res = new Result(e.getKey(), params, trainBatch, predictBatch, seq, median(train), median(predict));
            System.out.printf(Locale.ROOT, "  %-12s %6.1fM params  train %7.3f s/step (%5.1f samples/s)  predict %7.3f s/step (%6.1f samples/s)%n",
                    res.family(), params / 1e6, res.trainStep(), trainBatch / res.trainStep(), res.predictStep(), predictBatch / res.predictStep());
            out.add(res);
            model.close();
            Engine.releaseFreeMemory();
        }
        return out;
    }

    private static Tensor ids(Random r, int b, int l, int vocab) {
        long[] v = new long[b * l];
        for (int i = 0; i < v.length; i++) v[i] = 5 + r.nextInt(vocab - 5);
        return Torch.longs(v, b, l);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length == 0 ? Double.NaN : s[s.length / 2];
    }
}
