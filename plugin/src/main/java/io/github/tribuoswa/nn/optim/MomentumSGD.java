package io.github.tribuoswa.nn.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.tribuo.math.optimisers.SGD;

import ai.djl.nn.Parameter;

import java.util.ArrayList;
import java.util.List;
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
 * PyTorch once the rate changes, as it does under a cyclic schedule. This optimizer calls that
 * fused update for NONE and STANDARD with μ = ρ·α_t/α_{t&minus;1}, which makes s = α_t·m exactly
 * PyTorch's update (one native call per parameter instead of about a dozen); NESTEROV is
 * composed of in-place operations. The gradient is zeroed after every update (as DJL's own
 * optimizers do), and the momentum buffers are the only state: s = α·m for STANDARD on
 * PyTorch, m otherwise. Rates must be positive.
 */
public final class MomentumSGD extends Optimizer {

    private final Tracker learningRate;
    private final SGD.Momentum momentum;
    private final float rho;
    private final float weightDecay;

    private final Map<String, NDArray> buffers = new ConcurrentHashMap<>();

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
        super(new OptimizerBuilder<>() {
            @Override
            protected OptimizerBuilder<?> self() {
                return this;
            }
        }.optBeginNumUpdate(beginNumUpdate));
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
        if (momentum != SGD.Momentum.NESTEROV && weight instanceof PtNDArray) {
            // One fused native update instead of about a dozen calls. The engine's update is
            //   s <- mu * s + eta * (g + lambda * w);  w <- w - s
            // which is PyTorch's SGD with s = alpha_t * m when eta = alpha_t and
            // mu = rho * alpha_t / alpha_{t-1}: alpha_t * m_t = rho * (alpha_t / alpha_{t-1}) * (alpha_{t-1} * m_{t-1}) + alpha_t * g.
            float ratio = count > 1 ? alpha / learningRate.getNewValue(parameterId, count - 1) : 1f;
            float mu = momentum == SGD.Momentum.STANDARD ? rho * ratio : 0f;
            NDList inputs = mu == 0f ? new NDList(weight, grad) : new NDList(weight, grad, buffer(parameterId, weight));
            weight.getNDArrayInternal().sgdUpdate(inputs, new NDList(weight), alpha, weightDecay, 1f, -1f, mu, false);
            return;
        }
        // In-place updates of a weight that requires a gradient need autograd off, whatever the
        // calling thread's grad mode (libtorch's default in a new thread is on).
        boolean gradMode = weight instanceof PtNDArray && JniUtils.isGradMode();
        if (gradMode) {
            JniUtils.setGradMode(false);
        }
        try {
            composedUpdate(parameterId, weight, grad, alpha);
        } finally {
            if (gradMode) {
                JniUtils.setGradMode(true);
            }
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
        return buffers.computeIfAbsent(parameterId, k -> weight.zerosLike());
    }

    /**
     * Zeroes the weight's accumulated gradient: PyTorch adds each backward pass to it, and
     * DJL's gradient collector does not clear it (DJL's own optimizers zero it in their update).
     */
    private static void zeroGradient(NDArray weight) {
        if (weight instanceof PtNDArray) {
            JniUtils.zeroGrad((PtNDArray) weight);
        } else if (weight.hasGradient()) {
            try (NDArray g = weight.getGradient()) {
                g.subi(g);
            }
        }
    }

    /**
     * The momentum buffers of parameters, in the given order (for checkpoints).
     * @param parameters The trainable parameters.
     * @return One array per parameter; empty where no buffer exists yet.
     */
    public List<float[]> state(List<Parameter> parameters) {
        List<float[]> out = new ArrayList<>(parameters.size());
        for (Parameter p : parameters) {
            NDArray m = buffers.get(p.getId());
            out.add(m == null ? new float[0] : m.toFloatArray());
        }
        return out;
    }

    /**
     * Restores momentum buffers saved by {@link #state}.
     * @param parameters The trainable parameters, in the same order.
     * @param state The buffers.
     */
    public void restore(List<Parameter> parameters, List<float[]> state) {
        if (parameters.size() != state.size()) {
            throw new IllegalArgumentException("Optimiser state for " + state.size() + " parameters, the network has " + parameters.size());
        }
        for (int i = 0; i < parameters.size(); i++) {
            float[] values = state.get(i);
            if (values.length == 0) {
                continue;
            }
            NDArray weight = parameters.get(i).getArray();
            if (values.length != weight.size()) {
                throw new IllegalArgumentException("Optimiser state of parameter " + i + " has " + values.length + " values, the parameter " + weight.size());
            }
            buffers.put(parameters.get(i).getId(), weight.getManager().create(values, weight.getShape()));
        }
    }
}
