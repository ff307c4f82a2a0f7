package io.github.tribuoswa.nn.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.tracker.Tracker;
import io.github.tribuoswa.nn.core.NoGrad;
import org.tribuo.math.optimisers.SGD;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SGD with optional standard or Nesterov momentum and L2 weight decay, as PyTorch's
 * {@code torch.optim.SGD} (dampening 0): with g = ∇L + λ·w,
 * <pre>
 *   NONE:      w &larr; w &minus; α·g
 *   STANDARD:  m &larr; ρ·m + g;  w &larr; w &minus; α·m
 *   NESTEROV:  m &larr; ρ·m + g;  w &larr; w &minus; α·(g + ρ·m)
 * </pre>
 * DJL's own {@code Sgd} has no Nesterov momentum, and its fused PyTorch update keeps the rate
 * inside the momentum buffer (s &larr; μ·s + α·g; w &larr; w &minus; s), which differs from
 * PyTorch once the rate changes, as it does under a cyclic schedule. With μ = ρ·α_t/α_{t&minus;1}
 * that update is exactly PyTorch's, with s = α_t·m. This optimizer takes one of three paths per
 * parameter:
 * <ul>
 * <li>a float32 parameter in CPU memory (the common case): one pass in Java over the memory of
 * the weight, its gradient and its buffer (seen through direct buffers), for every momentum type;
 * the engine's fused update reads and writes each array about seven times. With more than one
 * intra-op thread, a parameter of at least {@link #GRAIN_SIZE} values instead takes four to six
 * in-place engine operations, which libtorch spreads over all its threads (its OpenMP workers are
 * still spinning after the backward pass, so a second Java thread would only compete with
 * them);</li>
 * <li>NONE and STANDARD elsewhere on PyTorch (a GPU): the engine's fused update with the
 * rescaled μ above;</li>
 * <li>anything else (NESTEROV on a GPU, other engines): composed of in-place operations.</li>
 * </ul>
 * They agree to rounding (the Java pass and the fused update bit for bit). The gradient is zeroed after every
 * update (as DJL's own optimizers do), and the momentum buffers are the only state: s = α·m for
 * STANDARD on PyTorch, m otherwise. Rates must be positive.
 */
public final class MomentumSGD extends StatefulOptimizer {

    private final Tracker learningRate;
    private final SGD.Momentum momentum;
    private final float rho;
    private final float weightDecay;

    private final ParameterBuffers buffers = new ParameterBuffers();
    /** Per parameter, the last weight array seen and the views of its memory. */
    private final Map<String, CpuMemory> cpuMemory = new ConcurrentHashMap<>();
    private volatile Scalars scalars;
    /** libtorch's grain size: element-wise operations on fewer values run on one thread anyway. */
    static final long GRAIN_SIZE = 32768;
    /**
     * The size from which CPU float32 parameters take the in-place engine passes when there is
     * more than one intra-op thread; the system property {@code tribuoswa.sgd.inPlaceMinSize}
     * overrides it (the throughput benchmark compares the two paths with it).
     */
    long inPlaceMinSize = Long.getLong("tribuoswa.sgd.inPlaceMinSize", GRAIN_SIZE);
    /** Whether CPU float32 parameters are updated in Java (off only in tests of the other paths). */
    boolean directUpdates = true;

    /**
     * Creates the optimizer.
     * @param learningRate The rate tracker.
     * @param momentum The momentum type.
     * @param rho The momentum factor.
     * @param weightDecay The L2 weight decay λ.
     */
    public MomentumSGD(Tracker learningRate, SGD.Momentum momentum, float rho, float weightDecay) {
        this(learningRate, momentum, rho, weightDecay, 0);
    }

    /**
     * Creates the optimizer for a run resuming after some steps.
     * @param learningRate The rate tracker.
     * @param momentum The momentum type.
     * @param rho The momentum factor.
     * @param weightDecay The L2 weight decay λ.
     * @param beginNumUpdate The number of steps already done (the next is step beginNumUpdate + 1).
     */
    public MomentumSGD(Tracker learningRate, SGD.Momentum momentum, float rho, float weightDecay, int beginNumUpdate) {
        super(beginNumUpdate, 0f);
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.rho = rho;
        this.weightDecay = weightDecay;
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        int count = updateCount(parameterId);
        float alpha = learningRate.getNewValue(parameterId, count);
        if (!(alpha > 0) || !Float.isFinite(alpha)) {
            throw new IllegalArgumentException("learning rate = " + alpha + " at update " + count + " of " + parameterId
                    + " is out of range; allowed: finite real > 0");
        }
        if (weight instanceof PtNDArray) {
            // On PyTorch a STANDARD buffer holds s = alpha_t * m, updated as s <- mu * s + alpha_t * (g + lambda * w);
            // w <- w - s, which is PyTorch's SGD when mu = rho * alpha_t / alpha_{t-1}:
            // alpha_t * m_t = rho * (alpha_t / alpha_{t-1}) * (alpha_{t-1} * m_{t-1}) + alpha_t * g.
            float ratio = count > 1 ? alpha / learningRate.getNewValue(parameterId, count - 1) : 1f;
            float mu = momentum == SGD.Momentum.STANDARD ? rho * ratio : momentum == SGD.Momentum.NESTEROV ? rho : 0f;
            PtNDArray w = (PtNDArray) weight;
            CpuMemory memory = directUpdates ? cpuMemory(parameterId, w, grad) : null;
            if (memory != null) {
                if (weight.size() >= inPlaceMinSize && JniUtils.getNumThreads() > 1) {
                    withoutGradMode(weight, () -> inPlacePasses(memory, (PtNDArray) grad, alpha, mu));
                } else {
                    directUpdate(memory.w, grad.toByteBuffer(true).asFloatBuffer(), memory.s, alpha, mu);
                }
                JniUtils.zeroGrad(w);
                return;
            }
            if (momentum != SGD.Momentum.NESTEROV) {
                // one native call per parameter instead of about a dozen
                NDList inputs = mu == 0f ? new NDList(weight, grad) : new NDList(weight, grad, buffer(parameterId, weight));
                weight.getNDArrayInternal().sgdUpdate(inputs, new NDList(weight), alpha, weightDecay, 1f, -1f, mu, false);
                return;
            }
        }
        withoutGradMode(weight, () -> composedUpdate(parameterId, weight, grad, alpha));
    }

    /**
     * Runs in-place updates of a weight with autograd off, as they need for a weight that
     * requires a gradient ({@link NoGrad}); arrays of another engine run as they are.
     */
    private static void withoutGradMode(NDArray weight, Runnable update) {
        if (weight instanceof PtNDArray) {
            NoGrad.run(update);
        } else {
            update.run();
        }
    }

    private void composedUpdate(String parameterId, NDArray weight, NDArray grad, float alpha) {
        // The gradient handed to an optimizer is scratch space (it is zeroed after the update),
        // so it is updated in place: big temporaries cost an allocation and page faults each,
        // in-place passes do not.
        NDArray g = grad;
        if (weightDecay != 0f) {
            try (NDArray decay = weight.mul(weightDecay)) {
                g.addi(decay);
            }
        }
        if (momentum != SGD.Momentum.NONE) {
            NDArray m = buffer(parameterId, weight);
            m.muli(rho).addi(g);
            if (momentum == SGD.Momentum.NESTEROV) {
                try (NDArray rm = m.mul(rho)) {
                    g.addi(rm);       // g <- g + rho * m
                }
            } else {
                g.subi(g).addi(m);    // g <- m (only on engines without the fused update)
            }
        }
        g.muli(alpha);
        weight.subi(g);
        zeroGradient(weight);
    }

    private NDArray buffer(String parameterId, NDArray weight) {
        return buffers.get(parameterId, weight);
    }

    /**
     * The memory of a CPU float32 weight and of its momentum buffer, seen through direct
     * buffers made once per weight array (not every step), or null where the update cannot run
     * on them: not float32 on the CPU, sizes differ, or a weight whose direct buffer would be a
     * copy (a non-contiguous weight; the update would be lost). The last is checked once per
     * weight array, either way.
     */
    private CpuMemory cpuMemory(String parameterId, PtNDArray weight, NDArray grad) {
        if (!Device.cpu().equals(weight.getDevice()) || !Device.cpu().equals(grad.getDevice())
                || weight.getDataType() != DataType.FLOAT32 || grad.getDataType() != DataType.FLOAT32
                || weight.size() != grad.size() || weight.size() == 0 || grad.isSparse()) {
            return null;
        }
        CpuMemory known = cpuMemory.get(parameterId);
        NDArray s = momentum == SGD.Momentum.NONE ? null : buffer(parameterId, weight);
        if (known == null || known.weight != weight || known.buffer != s) {
            FloatBuffer w = known != null && known.weight == weight ? known.w
                    : !weight.isSparse() && writesThrough(weight) ? weight.toByteBuffer(true).asFloatBuffer() : null;
            known = new CpuMemory(weight, w, s, s == null || w == null ? null : s.toByteBuffer(true).asFloatBuffer());
            cpuMemory.put(parameterId, known);
        }
        return known.w == null ? null : known;
    }

    /**
     * A weight, its memory (null if its direct buffer is not its own memory), its momentum buffer
     * and that buffer's memory.
     */
    private record CpuMemory(NDArray weight, FloatBuffer w, NDArray buffer, FloatBuffer s) {}

    /**
     * Writes through one direct view of the array and reads through another: they alias only
     * if both are the tensor's own memory (for a non-contiguous tensor each is a fresh copy,
     * kept by its manager until the manager closes).
     */
    private static boolean writesThrough(NDArray weight) {
        ByteBuffer a = weight.toByteBuffer(true);
        ByteBuffer b = weight.toByteBuffer(true);
        int bits = a.getInt(0);
        a.putInt(0, bits ^ 1);
        boolean own = b.getInt(0) == (bits ^ 1);
        a.putInt(0, bits);
        return own;
    }

    /**
     * One pass over a parameter's memory: the same arithmetic, in the same order and with the
     * same roundings, as the engine's fused update (g + λ·w is a fused multiply-add there too),
     * and for NESTEROV the composed formula.
     * @param w The weight.
     * @param g The gradient.
     * @param s The momentum buffer (null for NONE).
     * @param alpha The rate α_t.
     * @param mu The buffer's factor: ρ·α_t/α_{t&minus;1} for STANDARD, ρ for NESTEROV.
     */
    private void directUpdate(FloatBuffer w, FloatBuffer g, FloatBuffer s, float alpha, float mu) {
        // One thread: splitting the pass over the intra-op threads measured slower on 2 cores
        // (the engine's OpenMP workers still spin after the backward pass).
        int n = w.limit();
        float lambda = weightDecay;
        switch (momentum) {
            case NONE:
                for (int i = 0; i < n; i++) {
                    float wi = w.get(i);
                    w.put(i, wi - Math.fma(lambda, wi, g.get(i)) * alpha);
                }
                break;
            case STANDARD:
                for (int i = 0; i < n; i++) {
                    float wi = w.get(i);
                    float si = s.get(i) * mu + Math.fma(lambda, wi, g.get(i)) * alpha;
                    s.put(i, si);
                    w.put(i, wi - si);
                }
                break;
            default:
                for (int i = 0; i < n; i++) {
                    float wi = w.get(i);
                    float d = Math.fma(lambda, wi, g.get(i));
                    float mi = s.get(i) * mu + d;
                    s.put(i, mi);
                    w.put(i, wi - (d + mi * mu) * alpha);
                }
        }
    }

    /**
     * The same update as {@link #directUpdate} as in-place engine operations, which the engine
     * spreads over its intra-op threads: four to six passes against one, but on every core.
     * The gradient is scratch space (zeroed afterwards). Equal to the one-pass kernel to rounding.
     */
    private void inPlacePasses(CpuMemory memory, PtNDArray g, float alpha, float mu) {
        PtNDArray w = (PtNDArray) memory.weight;
        Scalars k = scalars(w);
        if (weightDecay != 0f) {
            try (NDArray decay = w.mul(k.set(0, weightDecay))) {
                g.addi(decay);                           // g <- g + lambda * w
            }
        }
        NDArray s = memory.buffer;
        switch (momentum) {
            case NONE:
                w.subi(g.muli(k.set(0, alpha)));         // w <- w - alpha * g
                break;
            case STANDARD:
                s.muli(k.set(0, mu)).addi(g.muli(k.set(1, alpha)));   // s <- mu * s + alpha * g
                w.subi(s);
                break;
            default:
                s.muli(k.set(0, mu)).addi(g);            // m <- rho * m + g
                try (NDArray rm = s.mul(k.set(1, mu))) {
                    g.addi(rm);                          // g <- g + rho * m
                }
                w.subi(g.muli(k.set(2, alpha)));
        }
    }

    /** Three 0-d float32 arrays whose values are written through their memory (no array per operation). */
    private static final class Scalars {
        private final NDManager manager;
        private final NDArray[] arrays = new NDArray[3];
        private final FloatBuffer[] values = new FloatBuffer[3];

        Scalars(NDManager manager) {
            this.manager = manager;
            for (int i = 0; i < arrays.length; i++) {
                arrays[i] = manager.zeros(new Shape(), DataType.FLOAT32, Device.cpu());
                values[i] = arrays[i].toByteBuffer(true).asFloatBuffer();
            }
        }

        NDArray set(int i, float value) {
            values[i].put(0, value);
            return arrays[i];
        }
    }

    private Scalars scalars(NDArray weight) {
        Scalars k = scalars;
        if (k == null || k.manager != weight.getManager() || k.arrays[0].isReleased()) {
            k = new Scalars(weight.getManager());
            scalars = k;
        }
        return k;
    }

    /**
     * The momentum buffers (s = α·m for STANDARD on PyTorch, m otherwise).
     */
    @Override
    protected ParameterBuffers[] buffers() {
        return new ParameterBuffers[]{buffers};
    }
}
