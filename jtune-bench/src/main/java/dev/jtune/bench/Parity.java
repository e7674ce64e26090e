package dev.jtune.bench;

import dev.jtune.modeling.AttentionImplementation;
import dev.jtune.models.bert.BertForSequenceClassification;
import dev.jtune.torch.Engine;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Max |difference| of the last hidden state between SDPA / AUTO and eager attention, fp32 and (where the CPU has native
 * bf16) bf16 autocast (printed).
 */
final class Parity {
    private Parity() {}

    static void print() {
        Engine.manualSeed(1);
        BertForSequenceClassification model = new BertForSequenceClassification(Shape.MINILM.config(false));
        model.train(false);
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor[] in = PredictRunner.randomBatch(4, 128, Shape.MINILM.vocab(), new SplittableRandom(5));
            in[1] = in[1].clone();
            in[1].narrow(1, 100, 28).narrow(0, 0, 2).zero_(); // some padding
            // bf16 only where the CPU has it natively (elsewhere it is emulated; the bench skips bf16 there)
            boolean[] dtypes = Engine.bf16Support() == Engine.Bf16Support.NONE ? new boolean[] {false} : new boolean[] {false, true};
            for (boolean bf16 : dtypes) {
                Tensor ref = hidden(model, in, AttentionImplementation.EAGER, bf16);
                for (AttentionImplementation a : new AttentionImplementation[] {AttentionImplementation.SDPA, AttentionImplementation.AUTO}) {
                    Tensor h = hidden(model, in, a, bf16);
                    double d = h.sub(ref).abs().max().item_double();
                    System.out.printf(Locale.ROOT, "  %s %-5s vs eager: max |diff| of last hidden state %.2e%n", bf16 ? "bf16" : "fp32",
                            a.name().toLowerCase(Locale.ROOT), d);
                }
            }
        }
    }

    private static Tensor hidden(BertForSequenceClassification m, Tensor[] in, AttentionImplementation a, boolean bf16) {
        m.setAttentionImplementation(a);
        if (bf16) PredictRunner.autocastOn();
        Tensor h = m.forward(in[0], in[1], in[2]).lastHiddenState();
        if (bf16) PredictRunner.autocastOff();
        return h.to(torch.ScalarType.Float);
    }
}
