package io.github.tribuoswa.nn.convert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * The mean squared error of regression outputs, mean((y &minus; ŷ)²) over the batch and the
 * dimensions: what DJL's {@code L2Loss} with weight 1 computes, value for value, without its
 * multiplication by a Java number.
 * <p>
 * That multiplication is the reason for this class. On the PyTorch engine, {@code
 * NDArray.mul(Number)} makes the number an array in a Java direct buffer, multiplies and closes
 * the array at once; autograd keeps that array for the backward pass, where nothing keeps its
 * Java buffer alive any more: a garbage collection between the forward and the backward pass
 * frees it, and the gradient is scaled by whatever that memory then holds. Regression runs that
 * went through {@code L2Loss} ended, now and then, with a NaN loss ("Training diverged") or a
 * silently different model; how often depended on the garbage collector (a small young
 * generation made it one run in three). Here every array of the graph is the engine's own.
 */
public final class SquaredError extends Loss {

    /**
     * The loss, named "SquaredError" as before.
     */
    public SquaredError() {
        super("SquaredError");
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray prediction = predictions.singletonOrThrow();
        NDArray label = labels.singletonOrThrow();
        if (label.size() != prediction.size()) {
            throw new IllegalArgumentException("predictions of shape " + prediction.getShape() + " and labels of shape " + label.getShape()
                    + " do not match; allowed: labels with as many values as the predictions");
        }
        return label.reshape(prediction.getShape()).sub(prediction).square().mean();
    }
}
