package dev.jtune.modeling.io;

import dev.jtune.JTuneException;
import dev.jtune.io.DType;
import dev.jtune.io.RawTensor;
import dev.jtune.modeling.io.PickleMachine.Global;
import dev.jtune.modeling.io.PickleMachine.Tuple;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the state dict of a {@code pytorch_model.bin} (torch.save zip format) without executing any pickle code,
 * like {@code torch.load(weights_only=True)}: only tensors and plain containers are built, and any other global
 * the pickle names is refused.
 */
public final class TorchPickle {
    private static final Map<String, DType> STORAGE_TYPES = Map.ofEntries(
            Map.entry("DoubleStorage", DType.F64), Map.entry("FloatStorage", DType.F32),
            Map.entry("HalfStorage", DType.F16), Map.entry("BFloat16Storage", DType.BF16),
            Map.entry("LongStorage", DType.I64), Map.entry("IntStorage", DType.I32),
            Map.entry("ShortStorage", DType.I16), Map.entry("CharStorage", DType.I8),
            Map.entry("ByteStorage", DType.U8), Map.entry("BoolStorage", DType.BOOL));
    private static final Set<String> CALLABLES = Set.of(
            "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
            "torch._utils._rebuild_parameter_with_state", "torch.device", "builtins.set", "builtins.frozenset");
    private static final String REFUSAL_RULE = "only tensors and plain containers are allowed, as "
            + "torch.load(weights_only=True)";
    private static final int MAX_DIMS = 64;

    private TorchPickle() {}

    /** A storage named by a persistent id: its element type, zip key and element count. */
    private record Storage(DType dtype, String key, long numel) {}

    /** Reads {@code file} and returns its tensors (checkpoint key to tensor), in file order. */
    public static LinkedHashMap<String, RawTensor> read(Path file) {
        try (TorchZip zip = TorchZip.open(file)) {
            Loader loader = new Loader(zip);
            Object root;
            try {
                root = new PickleMachine(zip.pickle(), loader).load();
            } catch (PickleMachine.PickleException e) {
                throw TorchZip.bad(file, "data.pkl is not a valid state-dict pickle: " + e.getMessage(), null);
            } catch (ArithmeticException e) {
                throw TorchZip.bad(file, "data.pkl describes a tensor whose size overflows", null);
            }
            return stateDict(file, root);
        }
    }

    private static LinkedHashMap<String, RawTensor> stateDict(Path file, Object root) {
        if (!(root instanceof Map<?, ?> map)) {
            throw TorchZip.bad(file, "data.pkl holds a " + PickleMachine.typeName(root)
                    + ", not a state dict (a dict of tensors)", null);
        }
        LinkedHashMap<String, RawTensor> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (e.getKey() instanceof String k && e.getValue() instanceof RawTensor t) out.put(k, t);
        }
        if (out.isEmpty()) {
            throw TorchZip.bad(file, "data.pkl holds a dict without tensors (keys: "
                    + describeKeys(map) + "); a checkpoint saved as {'state_dict': ...} must be unwrapped first", null);
        }
        return out;
    }

    private static String describeKeys(Map<?, ?> map) {
        List<String> keys = new ArrayList<>();
        for (Object k : map.keySet()) {
            if (keys.size() == 5) { keys.add("..."); break; }
            keys.add(k instanceof String s ? "'" + s + "'" : PickleMachine.typeName(k));
        }
        return String.join(", ", keys);
    }

    /** The pickle hooks: allow-listed globals only, storages from the zip. */
    private static final class Loader implements PickleMachine.Hooks {
        private final TorchZip zip;
        private final Map<String, ByteBuffer> storageBytes = new HashMap<>();
        private final Map<String, Storage> storages = new HashMap<>();

        Loader(TorchZip zip) { this.zip = zip; }

        @Override
        public Global resolveGlobal(String module, String name) {
            Global g = new Global(module, name);
            boolean storageType = module.equals("torch") && STORAGE_TYPES.containsKey(name);
            if (!storageType && !CALLABLES.contains(g.qualified())) {
                String shown = g.qualified().length() > 200 ? g.qualified().substring(0, 200) + "..." : g.qualified();
                throw new JTuneException("jtune refuses to load " + zip.file() + ": its data.pkl references "
                        + shown.replaceAll("[\\p{Cntrl}]", "?"), REFUSAL_RULE,
                        "only load checkpoints you trust; if you trust this one, convert it to model.safetensors in "
                                + "Python and load that instead");
            }
            return g;
        }

        @Override
        public Object call(Global callable, Tuple args) {
            switch (callable.qualified()) {
                case "collections.OrderedDict" -> {
                    if (args.size() != 0) throw invalid("OrderedDict() with arguments is not supported");
                    return new LinkedHashMap<>();
                }
                case "torch._utils._rebuild_tensor_v2" -> { return rebuildTensor(args); }
                case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> {
                    if (args.size() < 1 || !(args.get(0) instanceof RawTensor)) {
                        throw invalid("_rebuild_parameter needs a tensor");
                    }
                    return args.get(0);
                }
                case "torch.device" -> {
                    if (args.size() < 1 || !(args.get(0) instanceof String s)) throw invalid("torch.device needs a string");
                    return s;
                }
                case "builtins.set", "builtins.frozenset" -> {
                    Set<Object> s = new LinkedHashSet<>();
                    if (args.size() == 1 && args.get(0) instanceof List<?> l) {
                        for (Object o : l) if (o == null || o instanceof String || o instanceof Long) s.add(o);
                        else throw invalid("set() of unsupported items");
                    } else if (args.size() != 0) {
                        throw invalid("set() needs a list");
                    }
                    return s;
                }
                default -> throw invalid(callable.qualified() + " cannot be called");
            }
        }

        @Override
        public Object persistentLoad(Object pid) {
            if (!(pid instanceof Tuple t) || t.size() != 5 || !"storage".equals(t.get(0))
                    || !(t.get(1) instanceof Global type) || !(t.get(2) instanceof String key)
                    || !(t.get(4) instanceof Long numel)) {
                throw invalid("persistent id is not ('storage', StorageType, key, location, numel)");
            }
            DType dtype = type.module().equals("torch") ? STORAGE_TYPES.get(type.name()) : null;
            if (dtype == null) throw invalid("persistent id names " + type.qualified() + ", not a storage type");
            if (numel < 0) throw invalid("storage " + key + " has a negative size");
            Storage s = new Storage(dtype, key, numel);
            Storage prev = storages.putIfAbsent(key, s);
            if (prev != null && !prev.equals(s)) throw invalid("storage " + key + " is declared twice differently");
            return s;
        }

        @Override
        public Object build(Object obj, Object state) {
            // OrderedDict state ({'_metadata': ...}) and tensor/parameter state carry no weights: keep the object.
            return obj;
        }

        /** _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]). */
        private RawTensor rebuildTensor(Tuple args) {
            if (args.size() < 4 || !(args.get(0) instanceof Storage storage) || !(args.get(1) instanceof Long offset)) {
                throw invalid("_rebuild_tensor_v2 needs (storage, offset, size, stride, ...)");
            }
            long[] size = longs(args.get(2), "size");
            long[] stride = longs(args.get(3), "stride");
            if (size.length != stride.length) throw invalid("tensor size and stride have different lengths");
            long numel = RawTensor.numel(size);
            int es = storage.dtype().size();
            if (numel == 0) return new RawTensor(storage.dtype(), size, ByteBuffer.allocate(0));
            long last = offset;
            for (int i = 0; i < size.length; i++) last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
            if (offset < 0 || last >= storage.numel()) {
                throw invalid("a tensor view reaches element " + last + " of storage " + storage.key() + ", which has "
                        + storage.numel());
            }
            if (numel > storage.numel()) {
                throw invalid("a tensor view has more elements (" + numel + ") than its storage (" + storage.numel()
                        + "); overlapping strides are not supported");
            }
            ByteBuffer src = storageBytes(storage);
            if (isContiguous(size, stride)) {
                ByteBuffer slice = src.duplicate().position((int) (offset * es)).limit((int) ((offset + numel) * es));
                return new RawTensor(storage.dtype(), size, slice);
            }
            copiedBytes += numel * es;
            if (copiedBytes > 2 * storageTotal + (64L << 20)) {
                throw invalid("its strided views copy " + copiedBytes + " bytes out of " + storageTotal
                        + " bytes of storages (a state dict's views copy at most what its storages hold)");
            }
            return new RawTensor(storage.dtype(), size, gather(src, es, offset, size, stride, numel));
        }

        /** Bytes of storages read so far, and bytes copied out of them for strided views (amplification budget). */
        private long storageTotal, copiedBytes;

        private ByteBuffer storageBytes(Storage s) {
            ByteBuffer b = storageBytes.get(s.key());
            if (b == null) {
                long bytes = Math.multiplyExact(s.numel(), (long) s.dtype().size());
                b = zip.storage(s.key(), bytes);
                storageTotal += bytes;
                storageBytes.put(s.key(), b);
            }
            return b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        }

        private long[] longs(Object o, String what) {
            if (!(o instanceof Tuple t) || t.size() > MAX_DIMS) throw invalid("tensor " + what + " is not a tuple of ints");
            long[] out = new long[t.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(t.get(i) instanceof Long v) || v < 0) throw invalid("tensor " + what + " has a non-int or negative entry");
                out[i] = v;
            }
            return out;
        }

        private PickleMachine.PickleException invalid(String message) {
            return new PickleMachine.PickleException(message);
        }
    }

    private static boolean isContiguous(long[] size, long[] stride) {
        long expected = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            if (size[i] != 1 && stride[i] != expected) return false;
            expected *= size[i];
        }
        return true;
    }

    /** Copies a strided view into a new contiguous row-major buffer. */
    private static ByteBuffer gather(ByteBuffer src, int es, long offset, long[] size, long[] stride, long numel) {
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(numel * es)).order(ByteOrder.LITTLE_ENDIAN);
        long[] index = new long[size.length];
        byte[] element = new byte[es];
        for (long n = 0; n < numel; n++) {
            long pos = offset;
            for (int d = 0; d < size.length; d++) pos += index[d] * stride[d];
            src.get((int) (pos * es), element);
            out.put(element);
            for (int d = size.length - 1; d >= 0; d--) {
                if (++index[d] < size[d]) break;
                index[d] = 0;
            }
        }
        out.flip();
        return out;
    }
}
