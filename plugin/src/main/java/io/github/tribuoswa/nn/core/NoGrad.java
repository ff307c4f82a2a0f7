package io.github.tribuoswa.nn.core;

import ai.djl.pytorch.jni.JniUtils;

import java.util.function.Supplier;

/**
 * Runs engine operations with autograd off, whatever the calling thread's grad mode (libtorch's
 * default in a new thread is on), and restores the mode afterwards: in-place operations on
 * weights that require a gradient need it, and copies made without it would carry a graph.
 */
public final class NoGrad {

    private NoGrad() {}

    /**
     * Runs an action with autograd off.
     * @param action The engine operations.
     */
    public static void run(Runnable action) {
        get(() -> {
            action.run();
            return null;
        });
    }

    /**
     * Computes a value with autograd off.
     * @param action The engine operations.
     * @param <R> The result type.
     * @return What the action returns.
     */
    public static <R> R get(Supplier<R> action) {
        boolean gradMode = JniUtils.isGradMode();
        if (gradMode) {
            JniUtils.setGradMode(false);
        }
        try {
            return action.get();
        } finally {
            if (gradMode) {
                JniUtils.setGradMode(true);
            }
        }
    }
}
