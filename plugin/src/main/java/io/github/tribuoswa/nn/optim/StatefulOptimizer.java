package io.github.tribuoswa.nn.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.optimizer.Optimizer;
import io.github.tribuoswa.nn.core.Stateful;

/**
 * A DJL optimizer whose state is a set of buffers per parameter ({@link ParameterBuffers}):
 * momentum, Adam's moments. It saves and restores them as the checkpoint entry
 * {@code optimiser}, in the network's parameter order, so any such optimizer resumes exactly.
 */
public abstract class StatefulOptimizer extends Optimizer implements Stateful {

    /**
     * An optimizer for a run that has done some steps.
     * @param beginNumUpdate The steps already done (the next is step beginNumUpdate + 1).
     * @param weightDecay The L2 weight decay DJL's {@code getWeightDecay} reports.
     */
    protected StatefulOptimizer(int beginNumUpdate, float weightDecay) {
        super(new OptimizerBuilder<>() {
            @Override
            protected OptimizerBuilder<?> self() {
                return this;
            }
        }.optBeginNumUpdate(beginNumUpdate).optWeightDecays(weightDecay));
    }

    /**
     * The buffer sets, in a fixed order.
     * @return The sets.
     */
    protected abstract ParameterBuffers[] buffers();

    @Override
    public final String stateName() {
        return "optimiser";
    }

    @Override
    public final int stateVersion() {
        return 1;
    }

    @Override
    public final byte[] saveState(StateContext run) {
        return ParameterBuffers.save(run.network(), buffers());
    }

    @Override
    public final void restoreState(int version, byte[] state, StateContext run) {
        if (version != stateVersion()) {
            throw new IllegalStateException("state 'optimiser' of " + getClass().getSimpleName() + " has version " + version
                    + "; this release reads " + stateVersion());
        }
        ParameterBuffers.restore("optimiser", state, run.network(), buffers());
    }

    /**
     * Zeroes the weight's accumulated gradient: PyTorch adds each backward pass to it, and
     * DJL's gradient collector does not clear it (DJL's own optimizers zero it in their update).
     * @param weight The weight.
     */
    protected static void zeroGradient(NDArray weight) {
        if (weight instanceof PtNDArray) {
            JniUtils.zeroGrad((PtNDArray) weight);
        } else if (weight.hasGradient()) {
            try (NDArray g = weight.getGradient()) {
                g.subi(g);
            }
        }
    }
}
