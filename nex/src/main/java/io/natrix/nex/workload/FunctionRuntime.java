package io.natrix.nex.workload;

import java.io.OutputStream;

/**
 * A loaded function of some language ({@link io.natrix.nex.js.JsFunction}, {@link io.natrix.nex.wasm.WasmFunction})
 * that {@link FunctionWorkload} runs once per trigger message. Calls come from one thread at a time; {@link #close}
 * may come from any thread and ends a running call.
 */
public interface FunctionRuntime extends AutoCloseable {

    /** Runs the function once; returns the reply's bytes (empty for none). */
    byte[] call(String subject, byte[] payload) throws FunctionException;

    @Override
    void close();

    /** Loads a function at deploy time, with its output streams (line by line to the log feed). */
    @FunctionalInterface
    interface Loader {
        FunctionRuntime load(OutputStream stdout, OutputStream stderr) throws FunctionException;
    }
}
