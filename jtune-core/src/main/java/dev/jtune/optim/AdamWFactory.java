package dev.jtune.optim;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.OptimizerParamGroup;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * libtorch's AdamW (decoupled weight decay) with HF's two parameter groups: weights decay, while biases and
 * normalisation parameters do not ({@code get_decay_parameter_names}).
 */
public final class AdamWFactory {
    private static final List<Pattern> NO_DECAY = List.of(Pattern.compile("bias"), Pattern.compile("layernorm"),
            Pattern.compile("rmsnorm"), Pattern.compile("(?:^|\\.)norm(?:$|\\.)"), Pattern.compile("_norm(?:$|\\.)"));

    private AdamWFactory() {}

    /** HF's rule on the lower-cased full parameter name. */
    public static boolean decays(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (Pattern p : NO_DECAY) if (p.matcher(n).find()) return false;
        return true;
    }

    /** The optimizer and the names in each group (group 0 decays, group 1 does not). */
    public record Groups(AdamW optimizer, List<String> decay, List<String> noDecay) {}

    public static Groups create(Map<String, Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        List<Tensor> d = new ArrayList<>(), nd = new ArrayList<>();
        List<String> dn = new ArrayList<>(), ndn = new ArrayList<>();
        params.forEach((k, v) -> {
            if (decays(k)) { d.add(v); dn.add(k); } else { nd.add(v); ndn.add(k); }
        });
        AdamW opt = new AdamW(new TensorVector(d.toArray(new Tensor[0])), options(lr, beta1, beta2, eps, weightDecay));
        opt.add_param_group(new OptimizerParamGroup(new TensorVector(nd.toArray(new Tensor[0])), options(lr, beta1, beta2, eps, 0.0)));
        return new Groups(opt, dn, ndn);
    }

    static AdamWOptions options(double lr, double beta1, double beta2, double eps, double wd) {
        AdamWOptions o = new AdamWOptions(lr);
        setBetas(o.betas(), beta1, beta2);
        o.eps().put(eps);
        o.weight_decay().put(wd);
        return o;
    }

    /**
     * {@code betas} is a C++ {@code std::tuple<double, double>}, whose element order in memory depends on the
     * standard library; the defaults (0.9, 0.999) tell which slot is which.
     */
    static void setBetas(DoublePointer betas, double b1, double b2) {
        boolean reversed = betas.get(0) == 0.999 && betas.get(1) == 0.9;
        betas.put(reversed ? 1 : 0, b1);
        betas.put(reversed ? 0 : 1, b2);
    }

    /** Sets the learning rate of every group. */
    public static void setLearningRate(AdamW opt, double lr) {
        var groups = opt.param_groups();
        for (long i = 0; i < groups.size(); i++) groups.get(i).options().set_lr(lr);
    }
}
