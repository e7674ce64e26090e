package dev.jtune.cli;

import dev.jtune.trainer.TrainingArguments;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adds one option per {@link TrainingArguments} field to a command ({@code --learning-rate} with the HF alias
 * {@code --learning_rate}), collecting the values given as text into the command's {@link Holder}.
 */
public final class TrainingArgsOptions implements IModelTransformer {

    /** A command that takes training-argument flags. */
    public interface Holder {
        /** HF field name → text given on the command line, in the order given. */
        Map<String, String> trainingArgFlags();
    }

    /**
     * Other names HF scripts use for a field: {@code run_glue.py}'s {@code max_seq_length} (a data argument there)
     * and the pre-4.46 {@code evaluation_strategy} (which the --args JSON also accepts).
     */
    static final Map<String, java.util.List<String>> HF_ALIASES = Map.of(
            "max_length", java.util.List.of("max_seq_length"),
            "eval_strategy", java.util.List.of("evaluation_strategy"));

    @Override
    public CommandSpec transform(CommandSpec spec) {
        Holder holder = (Holder) spec.userObject();
        for (TrainingArguments.FieldInfo f : TrainingArguments.fields()) {
            String kebab = f.cliFlag(), snake = "--" + f.hfName();
            java.util.List<String> nameList = new java.util.ArrayList<>(kebab.equals(snake) ? java.util.List.of(kebab) : java.util.List.of(kebab, snake));
            for (String alias : HF_ALIASES.getOrDefault(f.hfName(), java.util.List.of())) {
                nameList.add("--" + alias.replace('_', '-'));
                nameList.add("--" + alias);
            }
            String[] names = nameList.toArray(String[]::new);
            boolean bool = f.type() == Boolean.class;
            Object def = f.defaultValue();
            String shownDefault = def == null ? "unset" : def instanceof Enum<?> ? def.toString().toLowerCase(java.util.Locale.ROOT) : String.valueOf(def);
            ISetter setter = new ISetter() {
                @Override
                public <T> T set(T value) {
                    if (value != null) holder.trainingArgFlags().put(f.hfName(), String.valueOf(value));
                    return null;
                }
            };
            OptionSpec.Builder b = OptionSpec.builder(names)
                    .description(f.description() + " (HF " + f.hfName() + "; default: " + shownDefault + ")")
                    .setter(setter)
                    .getter(new picocli.CommandLine.Model.IGetter() {
                        @Override
                        @SuppressWarnings("unchecked")
                        public <T> T get() { return null; }
                    });
            if (bool) {
                b.type(Boolean.class).arity("0..1").fallbackValue("true").paramLabel("true|false");
            } else {
                b.type(f.type() == Integer.class || f.type() == Double.class ? f.type() : String.class).arity("1")
                        .paramLabel(f.type() == Integer.class ? "N" : f.type() == Double.class ? "X" : "VALUE");
                if (f.nullable()) b.type(String.class);
            }
            spec.addOption(b.build());
        }
        return spec;
    }

    /** Applies flags (HF name → text) over a builder; unknown names are impossible here (they come from fields()). */
    static TrainingArguments.Builder apply(TrainingArguments.Builder b, Map<String, String> flags) {
        for (Map.Entry<String, String> e : new LinkedHashMap<>(flags).entrySet()) b.set(e.getKey(), e.getValue());
        return b;
    }
}
