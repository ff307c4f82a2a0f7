package io.github.tribuoswa.nn.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.tracker.Tracker;

/**
 * Adam (Kingma and Ba 2015) with L2 weight decay: the update of DJL's own {@code Adam} (the
 * engine's fused {@code adamUpdate}, bias-corrected rate α·√(1 &minus; β2^t)/(1 &minus; β1^t)),
 * with its first and second moments kept where a checkpoint can save and restore them
 * ({@link StatefulOptimizer}); DJL's {@code Adam} keeps them private. Same inputs, same weights as
 * DJL's, bit for bit.
 */
public final class AdamOptimizer extends StatefulOptimizer {

    private final Tracker learningRate;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final ParameterBuffers means = new ParameterBuffers();
    private final ParameterBuffers variances = new ParameterBuffers();

    /**
     * Creates the optimizer.
     * @param learningRate The rate tracker.
     * @param beta1 β1.
     * @param beta2 β2.
     * @param epsilon ε.
     * @param weightDecay The L2 weight decay.
     * @param beginNumUpdate The number of steps already done.
     */
    public AdamOptimizer(Tracker learningRate, float beta1, float beta2, float epsilon, float weightDecay, int beginNumUpdate) {
        super(beginNumUpdate, weightDecay);
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        int t = updateCount(parameterId);
        double coef1 = 1.0 - Math.pow(beta1, t);
        double coef2 = 1.0 - Math.pow(beta2, t);
        float rate = learningRate.getNewValue(parameterId, t);
        float corrected = (float) (rate * Math.sqrt(coef2) / coef1);
        if (!(rate > 0) || !Float.isFinite(rate) || !Float.isFinite(corrected)) {
            throw new IllegalArgumentException("learning rate = " + rate + " at update " + t + " of " + parameterId
                    + " is out of range; allowed: finite real > 0");
        }
        NDList inputs = new NDList(weight, grad, means.get(parameterId, weight), variances.get(parameterId, weight));
        weight.getNDArrayInternal().adamUpdate(inputs, new NDList(weight), rate, corrected, getWeightDecay(), rescaleGrad, clipGrad,
                beta1, beta2, epsilon, true, false);
    }

    /**
     * The first and second moments.
     */
    @Override
    protected ParameterBuffers[] buffers() {
        return new ParameterBuffers[]{means, variances};
    }
}
