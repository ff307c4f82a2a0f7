package io.github.tribuoswa.nn.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.NoGrad;

/**
 * Schedule-free SGD (Defazio et al. 2024, "The Road Less Scheduled"): no decaying schedule, the
 * model is an online average. The network's parameters hold y, where the gradient is taken; the
 * optimizer keeps z (the SGD iterate) and x (the average, the model to evaluate) per trainable
 * parameter, all starting at the initial weights:
 * <pre>
 *   g = ∇f(y_t) + λ·y_t
 *   z_{t+1} = z_t &minus; γ_t·g
 *   x_{t+1} = (1 &minus; c_{t+1})·x_t + c_{t+1}·z_{t+1},   c_{t+1} = γ_t² / Σ_{i&le;t} γ_i²
 *   y_{t+1} = (1 &minus; β)·z_{t+1} + β·x_{t+1}
 * </pre>
 * γ_t is the rate the schedule gives step t (a warm-up then a constant, typically), so the
 * weights c follow the paper's γ² weighting, warm-up included. With β = 0 it is primal
 * averaging of the SGD iterates z (gradients at z); with β = 1 the gradient is taken at the
 * average x; the paper uses β = 0.9. {@link #writeEvaluationPoint} puts x into a network; its
 * BatchNorm statistics must then be recomputed at x (the trainer does).
 * The state is z and x ({@code optimiser}); Σγ² is recomputed from the schedule when a run
 * resumes, in the same order, so a resumed run is bit-identical.
 */
public final class ScheduleFreeSGD extends StatefulOptimizer {

    private static final NDIndex ALL = new NDIndex("...");

    private final Tracker learningRate;
    private final float beta;
    private final float weightDecay;
    private final ParameterBuffers z = new ParameterBuffers();
    private final ParameterBuffers x = new ParameterBuffers();
    /** Σ_{i ≤ sumSteps} γ_i², accumulated step by step in double precision. */
    private double sum;
    private int sumSteps;

    /**
     * The optimizer.
     * @param learningRate γ_t.
     * @param beta β in [0, 1].
     * @param weightDecay λ (&ge; 0), applied at y as the reference implementation does.
     * @param beginNumUpdate The steps already done (the next is step beginNumUpdate + 1).
     */
    public ScheduleFreeSGD(Tracker learningRate, float beta, float weightDecay, int beginNumUpdate) {
        super(beginNumUpdate, weightDecay);
        this.learningRate = learningRate;
        this.beta = beta;
        this.weightDecay = weightDecay;
    }

    /**
     * c_{t+1} = γ_t² / Σ_{i&le;t} γ_i², the average's weight at step t.
     * @param t The step (&ge; 1).
     * @return c in (0, 1].
     */
    synchronized double averageWeight(int t) {
        while (sumSteps < t) {
            sumSteps++;
            double g = learningRate.getNewValue(sumSteps);
            sum += g * g;
        }
        double g = learningRate.getNewValue(t);
        return g * g / sum;
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        int t = updateCount(parameterId);
        float gamma = learningRate.getNewValue(parameterId, t);
        if (!(gamma > 0) || !Float.isFinite(gamma)) {
            throw new IllegalArgumentException("learning rate = " + gamma + " at update " + t + " of " + parameterId
                    + " is out of range; allowed: finite real > 0");
        }
        float c = (float) averageWeight(t);
        NDArray zt = z.getOrCopy(parameterId, weight);
        NDArray xt = x.getOrCopy(parameterId, weight);
        NoGrad.run(() -> {
            NDArray g = grad;
            if (weightDecay != 0f) {
                try (NDArray decay = weight.mul(weightDecay)) {
                    g.addi(decay);
                }
            }
            g.muli(gamma);
            zt.subi(g);                                      // z <- z - gamma g
            try (NDArray cz = zt.mul(c)) {
                xt.muli(1f - c).addi(cz);                    // x <- (1 - c) x + c z
            }
            try (NDArray y = zt.mul(1f - beta); NDArray bx = xt.mul(beta)) {
                y.addi(bx);
                weight.set(ALL, y);                          // y <- (1 - beta) z + beta x
            }
        });
        zeroGradient(weight);
    }

    /**
     * Writes x, the point to evaluate, into a network's trainable parameters (the network this
     * optimizer trains, or one of the same architecture whose parameters have the same ids);
     * before the first step x is the network's own weights and nothing changes.
     * @param block The network.
     */
    public void writeEvaluationPoint(Block block) {
        NoGrad.run(() -> {
            for (Pair<String, Parameter> p : NetworkWeights.parameters(block, NetworkWeights.Selection.TRAINABLE)) {
                NDArray xt = x.peek(p.getValue().getId());
                if (xt != null) {
                    p.getValue().getArray().set(ALL, xt);
                }
            }
        });
    }

    /**
     * z, then x.
     */
    @Override
    protected ParameterBuffers[] buffers() {
        return new ParameterBuffers[]{z, x};
    }
}
