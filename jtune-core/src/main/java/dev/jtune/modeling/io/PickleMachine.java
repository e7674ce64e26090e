package dev.jtune.modeling.io;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pickle interpreter that builds only plain values (None, bool, int, float, str, bytes, tuple, list, dict, set)
 * and hands every global, call and persistent id to {@link Hooks}: nothing in the pickle is ever executed.
 *
 * <p>Python values map to Java as: None = null, int = Long (BigInteger when larger), float = Double, str = String,
 * bytes = byte[], tuple = {@link Tuple}, list = ArrayList, dict = LinkedHashMap, set = LinkedHashSet, a global
 * reference = {@link Global}.
 */
final class PickleMachine {
    private static final int MAX_HASH_DEPTH = 64;
    /**
     * Budgets against amplification (a small pickle that builds millions of objects): values pushed and memo
     * entries. A transformers state dict needs about 25 pushes and 6 memo entries per tensor, so these fit 20,000
     * tensors (the largest encoders have under 2,000 per file), and what they can retain stays well inside a 128 MiB heap.
     */
    static final int MAX_PUSHES = 1 << 19;
    static final int MAX_MEMO = 1 << 17;
    private int pushes;

    /** A reference to a Python global ({@code module.name}). */
    record Global(String module, String name) {
        String qualified() { return module + "." + name; }
    }

    /** An immutable Python tuple. */
    record Tuple(List<Object> items) {
        Tuple { items = List.copyOf(nullSafe(items)); }

        Object get(int i) { return items.get(i) == NULL ? null : items.get(i); }

        int size() { return items.size(); }

        private static List<Object> nullSafe(List<Object> in) {
            List<Object> out = new ArrayList<>(in.size());
            for (Object o : in) out.add(o == null ? NULL : o);
            return out;
        }
    }

    /** Stand-in for None inside tuples (List.copyOf forbids nulls). */
    private static final Object NULL = new Object() {
        @Override public String toString() { return "None"; }
    };

    /** A malformed or unsupported pickle. */
    static final class PickleException extends RuntimeException {
        PickleException(String message) { super(message); }
    }

    /** What the pickle may reach outside plain values; each method refuses by throwing. */
    interface Hooks {
        /** Called when GLOBAL / STACK_GLOBAL names a global, before anything uses it. */
        Global resolveGlobal(String module, String name);

        Object call(Global callable, Tuple args);

        Object persistentLoad(Object pid);

        /** BUILD: {@code obj.__setstate__(state)}; returns the object that stays on the stack. */
        Object build(Object obj, Object state);
    }

    private final ByteBuffer in;
    private final Hooks hooks;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    PickleMachine(byte[] pickle, Hooks hooks) {
        this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
        this.hooks = hooks;
    }

    /** Runs the pickle to its STOP opcode and returns the top value. */
    Object load() {
        while (true) {
            if (!in.hasRemaining()) throw error("the pickle ends without a STOP opcode");
            int pos = in.position();
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    int proto = u8();
                    if (proto > 5) throw error("unsupported pickle protocol " + proto);
                }
                case 0x95 -> skip(8); // FRAME (length is only a hint)
                case '.' -> { // STOP
                    Object result = pop();
                    return result;
                }
                case '(' -> marks.add(stack.size());
                case '0' -> pop();
                case '1' -> popMark();
                case '2' -> push(peek());
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'I' -> push(parseIntLine(readLine()));
                case 'L' -> push(parseLongLine(readLine()));
                case 'J' -> push((long) in.getInt(require(4)));
                case 'K' -> push((long) u8());
                case 'M' -> push((long) (in.getShort(require(2)) & 0xffff));
                case 0x8a -> push(longFromBytes(bytes(u8())));
                case 0x8b -> push(longFromBytes(bytes(length(in.getInt(require(4)) & 0xffffffffL))));
                case 'G' -> push(ByteBuffer.wrap(bytes(8)).order(ByteOrder.BIG_ENDIAN).getDouble());
                case 'F' -> push(parseFloatLine(readLine()));
                case 'X' -> push(utf8(bytes(length(in.getInt(require(4)) & 0xffffffffL))));
                case 0x8c -> push(utf8(bytes(u8())));
                case 0x8d -> push(utf8(bytes(length(in.getLong(require(8))))));
                case 'T' -> push(latin1(bytes(length(in.getInt(require(4))))));
                case 'U' -> push(latin1(bytes(u8())));
                case 'B' -> push(bytes(length(in.getInt(require(4)) & 0xffffffffL)));
                case 'C' -> push(bytes(u8()));
                case 0x8e -> push(bytes(length(in.getLong(require(8)))));
                case ')' -> push(new Tuple(List.of()));
                case 't' -> push(new Tuple(popMark()));
                case 0x85 -> push(new Tuple(List.of(nn(pop()))));
                case 0x86 -> { Object b = pop(); Object a = pop(); push(new Tuple(List.of(nn(a), nn(b)))); }
                case 0x87 -> {
                    Object c = pop(); Object b = pop(); Object a = pop();
                    push(new Tuple(List.of(nn(a), nn(b), nn(c))));
                }
                case ']' -> push(new ArrayList<>());
                case 'l' -> push(new ArrayList<>(popMark()));
                case '}' -> push(new LinkedHashMap<>());
                case 'd' -> {
                    List<Object> items = popMark();
                    Map<Object, Object> m = new LinkedHashMap<>();
                    setItems(m, items);
                    push(m);
                }
                case 0x8f -> push(new LinkedHashSet<>());
                case 0x90 -> { List<Object> items = popMark(); addAll(asSet(peek()), items); }
                case 0x91 -> { Set<Object> s = new LinkedHashSet<>(); addAll(s, popMark()); push(s); }
                case 'a' -> { Object v = pop(); asList(peek()).add(v); }
                case 'e' -> { List<Object> items = popMark(); asList(peek()).addAll(items); }
                case 's' -> { Object v = pop(); Object k = pop(); setItems(asMap(peek()), List.of(nn(k), nn(v))); }
                case 'u' -> { List<Object> items = popMark(); setItems(asMap(peek()), items); }
                case 'p' -> memoPut(parseMemoKey(readLine()), peek());
                case 'q' -> memoPut((long) u8(), peek());
                case 'r' -> memoPut(in.getInt(require(4)) & 0xffffffffL, peek());
                case 0x94 -> memoPut((long) memo.size(), peek());
                case 'g' -> push(memoGet(parseMemoKey(readLine())));
                case 'h' -> push(memoGet(u8()));
                case 'j' -> push(memoGet(in.getInt(require(4)) & 0xffffffffL));
                case 'c' -> {
                    String module = readLine();
                    String name = readLine();
                    push(hooks.resolveGlobal(module, name));
                }
                case 0x93 -> {
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String) || !(name instanceof String)) {
                        throw error("STACK_GLOBAL needs two strings");
                    }
                    push(hooks.resolveGlobal((String) module, (String) name));
                }
                case 'R' -> {
                    Object args = pop();
                    Object callable = pop();
                    push(hooks.call(asGlobal(callable), asTuple(args)));
                }
                case 0x81 -> {
                    Object args = pop();
                    Object cls = pop();
                    push(hooks.call(asGlobal(cls), asTuple(args)));
                }
                case 'b' -> {
                    Object state = pop();
                    Object obj = pop();
                    push(hooks.build(obj, state));
                }
                case 'Q' -> push(hooks.persistentLoad(pop()));
                default -> throw error(String.format("unsupported or invalid opcode 0x%02x at byte %d", op, pos));
            }
        }
    }

    // ---- stack and memo -------------------------------------------------------------------------------------

    private void push(Object o) {
        if (++pushes > MAX_PUSHES) throw error("more than " + MAX_PUSHES + " values built (a state dict needs a few thousand)");
        stack.add(o);
    }

    private void memoPut(long key, Object value) {
        if (memo.size() >= MAX_MEMO && !memo.containsKey(key)) throw error("more than " + MAX_MEMO + " memo entries");
        memo.put(key, value);
    }

    private Object pop() {
        if (stack.isEmpty() || (!marks.isEmpty() && marks.get(marks.size() - 1) == stack.size())) {
            throw error("stack underflow");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        if (stack.isEmpty() || (!marks.isEmpty() && marks.get(marks.size() - 1) == stack.size())) {
            throw error("stack underflow");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) throw error("no MARK on the stack");
        int m = marks.remove(marks.size() - 1);
        List<Object> view = stack.subList(m, stack.size());
        List<Object> items = new ArrayList<>(view);
        view.clear();
        return items;
    }

    private Object memoGet(long key) {
        if (!memo.containsKey(key)) throw error("memo key " + key + " was never stored");
        return memo.get(key);
    }

    // ---- containers -----------------------------------------------------------------------------------------

    private void setItems(Map<Object, Object> m, List<Object> items) {
        if (items.size() % 2 != 0) throw error("odd number of items for a dict");
        for (int i = 0; i < items.size(); i += 2) {
            Object k = unNull(items.get(i));
            checkHashable(k, 0);
            m.put(k, unNull(items.get(i + 1)));
        }
    }

    private void addAll(Set<Object> s, Collection<Object> items) {
        for (Object o : items) {
            checkHashable(o, 0);
            s.add(o);
        }
    }

    /** Python refuses unhashable keys; refusing them here also keeps cyclic lists out of hashCode(). */
    private void checkHashable(Object o, int depth) {
        if (depth > MAX_HASH_DEPTH) throw error("dict key nested too deeply");
        if (o == null || o == NULL || o instanceof String || o instanceof Long || o instanceof BigInteger
                || o instanceof Double || o instanceof Boolean || o instanceof Global) {
            return;
        }
        if (o instanceof Tuple t) {
            for (Object item : t.items()) checkHashable(item, depth + 1);
            return;
        }
        throw error("unhashable dict key or set item of type " + typeName(o));
    }

    @SuppressWarnings("unchecked")
    private List<Object> asList(Object o) {
        if (o instanceof ArrayList<?>) return (List<Object>) o;
        throw error("APPEND to a " + typeName(o) + ", not a list");
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> asMap(Object o) {
        if (o instanceof LinkedHashMap<?, ?>) return (Map<Object, Object>) o;
        throw error("SETITEM on a " + typeName(o) + ", not a dict");
    }

    @SuppressWarnings("unchecked")
    private Set<Object> asSet(Object o) {
        if (o instanceof LinkedHashSet<?>) return (Set<Object>) o;
        throw error("ADDITEMS on a " + typeName(o) + ", not a set");
    }

    private Global asGlobal(Object o) {
        if (o instanceof Global g) return g;
        throw error("call of a " + typeName(o) + ", not an allowed global");
    }

    private Tuple asTuple(Object o) {
        if (o instanceof Tuple t) return t;
        throw error("call arguments are a " + typeName(o) + ", not a tuple");
    }

    static String typeName(Object o) {
        if (o == null || o == NULL) return "None";
        if (o instanceof Global g) return "global " + g.qualified();
        if (o instanceof Tuple) return "tuple";
        if (o instanceof List<?>) return "list";
        if (o instanceof Map<?, ?>) return "dict";
        if (o instanceof Set<?>) return "set";
        if (o instanceof String) return "str";
        if (o instanceof Long || o instanceof BigInteger) return "int";
        if (o instanceof Double) return "float";
        if (o instanceof Boolean) return "bool";
        if (o instanceof byte[]) return "bytes";
        return o.getClass().getSimpleName();
    }

    private static Object nn(Object o) { return o == null ? NULL : o; }

    private static Object unNull(Object o) { return o == NULL ? null : o; }

    // ---- reading --------------------------------------------------------------------------------------------

    private int require(int n) {
        if (in.remaining() < n) throw error("the pickle is truncated");
        int p = in.position();
        in.position(p + n);
        return p;
    }

    private int u8() { return in.get(require(1)) & 0xff; }

    private void skip(int n) { require(n); }

    private int length(long n) {
        if (n < 0 || n > in.remaining()) throw error("a length of " + n + " runs past the end of the pickle");
        return (int) n;
    }

    private byte[] bytes(int n) {
        int p = require(n);
        byte[] b = new byte[n];
        in.get(p, b);
        return b;
    }

    private String readLine() {
        int start = in.position();
        for (int i = start; i < in.limit(); i++) {
            if (in.get(i) == '\n') {
                byte[] b = new byte[i - start];
                in.get(start, b);
                in.position(i + 1);
                return latin1(b);
            }
        }
        throw error("the pickle is truncated (no end of line)");
    }

    private String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw error("a string is not valid UTF-8");
        }
    }

    private static String latin1(byte[] b) { return new String(b, StandardCharsets.ISO_8859_1); }

    private static Object longFromBytes(byte[] le) {
        if (le.length == 0) return 0L;
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) be[i] = le[le.length - 1 - i];
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private Object parseIntLine(String s) {
        if (s.equals("01")) return Boolean.TRUE;
        if (s.equals("00")) return Boolean.FALSE;
        return parseLongLine(s);
    }

    private Object parseLongLine(String s) {
        String t = s.endsWith("L") ? s.substring(0, s.length() - 1) : s;
        if (t.isEmpty() || t.length() > 1000) throw error("invalid integer literal");
        try {
            BigInteger v = new BigInteger(t);
            return v.bitLength() < 64 ? (Object) v.longValue() : v;
        } catch (NumberFormatException e) {
            throw error("invalid integer literal");
        }
    }

    private Double parseFloatLine(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw error("invalid float literal");
        }
    }

    private long parseMemoKey(String s) {
        try {
            long k = Long.parseLong(s);
            if (k < 0) throw error("negative memo key");
            return k;
        } catch (NumberFormatException e) {
            throw error("invalid memo key");
        }
    }

    private PickleException error(String message) {
        return new PickleException(message);
    }
}
