package dev.jtune.optim;

import dev.jtune.JTuneException;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.Dispatcher;
import org.bytedeco.pytorch.GenericList;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.OperatorHandle;
import org.bytedeco.pytorch.OptimizerParamGroup;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorType;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Type;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * AdamW as HF's Trainer builds it ({@code create_optimizer}): {@code torch.optim.AdamW} with two parameter groups,
 * where weights decay and biases and normalisation parameters do not ({@code get_decay_parameter_names}). The kernel is
 * HF's {@code optim} ({@link OptimizerNames}):
 * <ul>
 *   <li>{@code adamw_torch_fused} (default, as HF v5): libtorch's fused CPU kernel {@code aten::_fused_adamw_}, one
 *       call per group, called through libtorch's dispatcher (the JavaCPP presets do not map it as a function). It keeps
 *       the state PyTorch keeps per parameter: {@code exp_avg}, {@code exp_avg_sq} and a float {@code step} tensor,
 *       counted only on steps where the parameter has a gradient.</li>
 *   <li>{@code adamw_torch}: libtorch's {@code torch::optim::AdamW}.</li>
 * </ul>
 * The state survives in {@code optimizer.pt} (a libtorch archive); a checkpoint resumes only with the optim it was saved
 * with.
 */
public final class AdamWOptimizer {
    private static final List<Pattern> NO_DECAY = List.of(Pattern.compile("bias"), Pattern.compile("layernorm"),
            Pattern.compile("rmsnorm"), Pattern.compile("(?:^|\\.)norm(?:$|\\.)"), Pattern.compile("_norm(?:$|\\.)"));
    /** The archive key that names the kernel whose state the archive holds ({@code adamw_torch_fused}). */
    static final String KIND_KEY = "jtune_optim";

    private final OptimizerNames kind;
    private final List<String> decay = new ArrayList<>(), noDecay = new ArrayList<>();
    private final double beta1, beta2, eps, weightDecay;
    private double lr;
    // adamw_torch
    private final AdamW torchAdamW;
    // adamw_torch_fused: per parameter, decay group first (the order of `names`)
    private final List<String> names = new ArrayList<>();
    private final List<Tensor> params = new ArrayList<>(), expAvg = new ArrayList<>(), expAvgSq = new ArrayList<>(), steps = new ArrayList<>();

    private AdamWOptimizer(OptimizerNames kind, Map<String, Tensor> named, double lr, double beta1, double beta2, double eps, double weightDecay) {
        this.kind = kind;
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        List<Tensor> d = new ArrayList<>(), nd = new ArrayList<>();
        named.forEach((k, v) -> {
            if (decays(k)) { d.add(v); decay.add(k); } else { nd.add(v); noDecay.add(k); }
        });
        if (kind == OptimizerNames.ADAMW_TORCH) {
            torchAdamW = new AdamW(new TensorVector(d.toArray(new Tensor[0])), options(lr, beta1, beta2, eps, weightDecay));
            torchAdamW.add_param_group(new OptimizerParamGroup(new TensorVector(nd.toArray(new Tensor[0])), options(lr, beta1, beta2, eps, 0.0)));
            return;
        }
        torchAdamW = null;
        names.addAll(decay);
        names.addAll(noDecay);
        params.addAll(d);
        params.addAll(nd);
        for (Tensor p : params) {
            // kept beyond any PointerScope open here: the state lives as long as the optimizer
            Tensor m = torch.zeros_like(p), v = torch.zeros_like(p), s = torch.zeros(1);
            m.retainReference();
            v.retainReference();
            s.retainReference();
            expAvg.add(m);
            expAvgSq.add(v);
            steps.add(s);
        }
    }

    /** AdamW of the given kind over the named parameters, in HF's two groups. */
    public static AdamWOptimizer create(OptimizerNames kind, Map<String, Tensor> params, double lr, double beta1, double beta2,
                                        double eps, double weightDecay) {
        return new AdamWOptimizer(kind, params, lr, beta1, beta2, eps, weightDecay);
    }

    /** HF's rule on the lower-cased full parameter name. */
    public static boolean decays(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (Pattern p : NO_DECAY) if (p.matcher(n).find()) return false;
        return true;
    }

    public OptimizerNames kind() { return kind; }

    /** Parameter names with weight decay (group 0). */
    public List<String> decay() { return List.copyOf(decay); }

    /** Parameter names without weight decay (group 1: biases and normalisation parameters). */
    public List<String> noDecay() { return List.copyOf(noDecay); }

    /** Sets the learning rate of both groups (the scheduler's value for the coming step). */
    public void setLearningRate(double lr) {
        this.lr = lr;
        if (torchAdamW != null) {
            var groups = torchAdamW.param_groups();
            for (long i = 0; i < groups.size(); i++) groups.get(i).options().set_lr(lr);
        }
    }

    /** One AdamW update of every parameter that has a gradient (as {@code torch.optim.AdamW.step()}). */
    public void step() {
        if (torchAdamW != null) {
            torchAdamW.step();
            return;
        }
        try (PointerScope scope = new PointerScope()) {
            fusedGroup(0, decay.size(), weightDecay);
            fusedGroup(decay.size(), names.size(), 0.0);
        }
    }

    private void fusedGroup(int from, int to, double wd) {
        GenericList p = tensorList(), g = tensorList(), m = tensorList(), v = tensorList(), s = tensorList();
        int n = 0;
        for (int i = from; i < to; i++) {
            Tensor grad = params.get(i).grad();
            if (!grad.defined()) continue; // as torch.optim: no gradient, no update and no step counted
            steps.get(i).add_(ONE);
            p.push_back(new IValue(params.get(i)));
            g.push_back(new IValue(grad));
            m.push_back(new IValue(expAvg.get(i)));
            v.push_back(new IValue(expAvgSq.get(i)));
            s.push_back(new IValue(steps.get(i)));
            n++;
        }
        if (n == 0) return;
        // _fused_adamw_(self[], grads[], exp_avgs[], exp_avg_sqs[], max_exp_avg_sqs[], state_steps[], *, lr, beta1, beta2,
        //               weight_decay, eps, amsgrad, maximize, grad_scale=None, found_inf=None) -> ()
        fusedAdamW().callBoxed(new IValueVector(new IValue(p), new IValue(g), new IValue(m), new IValue(v), new IValue(tensorList()),
                new IValue(s), new IValue(lr), new IValue(beta1), new IValue(beta2), new IValue(wd), new IValue(eps),
                new IValue(false), new IValue(false), new IValue(), new IValue()));
    }

    /** Drops every gradient ({@code zero_grad(set_to_none=True)}, as HF's Trainer): the next backward allocates them anew. */
    public void zeroGrad() {
        if (torchAdamW != null) {
            torchAdamW.zero_grad(true);
            return;
        }
        for (Tensor p : params) p.mutable_grad().reset();
    }

    /** Writes the optimizer state into the archive (the checkpoint's {@code optimizer.pt}). */
    public void save(OutputArchive a) {
        if (torchAdamW != null) {
            torchAdamW.save(a);
            return;
        }
        a.write(KIND_KEY, new IValue(kind.hfName()));
        a.write("param_names", new IValue(String.join("\n", names)));
        for (int i = 0; i < names.size(); i++) {
            a.write("exp_avg_" + i, expAvg.get(i));
            a.write("exp_avg_sq_" + i, expAvgSq.get(i));
            a.write("step_" + i, steps.get(i));
        }
    }

    /**
     * Restores the state {@link #save} wrote.
     *
     * @throws JTuneException when the archive holds another optim's state or other parameters
     */
    public void load(InputArchive a, String where) {
        IValue k = new IValue();
        String saved = a.try_read(KIND_KEY, k) && k.isString() ? k.toStringRef().getString() : OptimizerNames.ADAMW_TORCH.hfName();
        if (!saved.equals(kind.hfName())) {
            throw new JTuneException(where + " holds the state of optim " + saved + "; this run uses optim " + kind.hfName(),
                    "AdamW's moments are stored in the layout of the kernel that wrote them; a run resumes with the optim it was saved with",
                    "resume with --optim " + saved + " (HF optim=\"" + saved + "\")");
        }
        if (torchAdamW != null) {
            torchAdamW.load(a);
            return;
        }
        IValue n = new IValue();
        a.read("param_names", n);
        List<String> savedNames = List.of(n.toStringRef().getString().split("\n", -1));
        if (!savedNames.equals(names)) {
            throw new JTuneException(where + " holds AdamW state for " + savedNames.size() + " parameters that are not this model's "
                    + names.size(), "the optimizer state must belong to the model's parameters, in order",
                    "resume with the same --model and --num-labels as the original run");
        }
        try (PointerScope scope = new PointerScope()) {
            for (int i = 0; i < names.size(); i++) {
                Tensor m = new Tensor(), v = new Tensor(), s = new Tensor();
                a.read("exp_avg_" + i, m);
                a.read("exp_avg_sq_" + i, v);
                a.read("step_" + i, s);
                expAvg.get(i).copy_(m);
                expAvgSq.get(i).copy_(v);
                steps.get(i).copy_(s);
            }
        }
    }

    /** The step counts of the fused state by parameter name (tests; empty for adamw_torch). */
    public Map<String, Double> stepCounts() {
        Map<String, Double> r = new java.util.LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) r.put(names.get(i), steps.get(i).item_double());
        return r;
    }

    private static final Scalar ONE = new Scalar(1.0);
    static {
        ONE.retainReference(); // class initialisation may run inside a caller's PointerScope
    }
    private static volatile OperatorHandle fusedAdamW;
    /** TensorType's singleton as the element type of a list (held for the JVM's lifetime, so never released). */
    private static volatile Type.TypePtr tensorElement;

    private static OperatorHandle fusedAdamW() {
        OperatorHandle h = fusedAdamW;
        if (h == null) {
            synchronized (AdamWOptimizer.class) {
                if (fusedAdamW == null) {
                    OperatorHandle found = Dispatcher.singleton().findSchemaOrThrow("aten::_fused_adamw_", "");
                    found.retainReference(); // found inside step()'s PointerScope, kept for the JVM's lifetime
                    fusedAdamW = found;
                }
                h = fusedAdamW;
            }
        }
        return h;
    }

    /** An empty {@code Tensor[]} argument for a boxed call. */
    private static GenericList tensorList() {
        Type.TypePtr t = tensorElement;
        if (t == null) {
            synchronized (AdamWOptimizer.class) {
                if (tensorElement == null) {
                    // both retained: a PointerScope open around the first call must not release the singleton's handle
                    TensorType tensor = TensorType.get();
                    tensor.retainReference();
                    Type.TypePtr made = new Type.TypePtr(tensor);
                    made.retainReference();
                    tensorElement = made;
                }
                t = tensorElement;
            }
        }
        return new GenericList(t);
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
}
