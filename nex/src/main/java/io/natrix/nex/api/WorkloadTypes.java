package io.natrix.nex.api;

import java.util.List;

/** The workload types and lifecycles Natrix's nodes know, and which lifecycles each type supports. */
public final class WorkloadTypes {

    public static final String NATIVE = "native";
    public static final String JAVASCRIPT = "javascript";
    /** A Java application jar, run as {@code java -jar} in a child process (Natrix's own type). */
    public static final String JVM = "jvm";
    /** A WebAssembly WASI command module run once per trigger (Nex v0's {@code wasm} functions). */
    public static final String WASM = "wasm";

    public static final String SERVICE = "service";
    public static final String JOB = "job";
    public static final String FUNCTION = "function";

    public static final List<String> ALL = List.of(NATIVE, JAVASCRIPT, JVM, WASM);

    private WorkloadTypes() {
    }

    /** The lifecycles a type supports; empty for an unknown type. */
    public static List<String> lifecycles(String type) {
        return switch (type == null ? "" : type) {
            case NATIVE, JVM -> List.of(SERVICE, JOB);
            case JAVASCRIPT, WASM -> List.of(FUNCTION);
            default -> List.of();
        };
    }

    /** The usual spellings of a type ({@code v8} and {@code js} were Nex v0's and the talk's). */
    public static String canonical(String type) {
        if (type == null) {
            return null;
        }
        return switch (type.toLowerCase(java.util.Locale.ROOT)) {
            case "js", "v8", "javascript" -> JAVASCRIPT;
            case "native", "elf", "exe" -> NATIVE;
            case "jvm", "jar", "java" -> JVM;
            case "wasm", "webassembly" -> WASM;
            default -> type;
        };
    }
}
