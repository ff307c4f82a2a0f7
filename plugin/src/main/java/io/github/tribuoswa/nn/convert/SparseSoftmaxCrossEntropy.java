package io.github.tribuoswa.nn.convert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;

/**
 * Softmax cross-entropy of logits against class indices, averaged over the batch:
 * L = &minus;(1/B) Σ_b log softmax(z_b)[y_b], PyTorch's {@code F.cross_entropy}. The value is
 * that of DJL's {@code SoftmaxCrossEntropyLoss} with sparse labels; it is computed with four
 * operations (log-softmax, gather, mean, negation) where DJL's general index-and-pick path
 * records about a dozen, which shows in a small network's step time. Labels may be of any
 * numeric type and of shape (B) or (B, 1).
 */
public final class SparseSoftmaxCrossEntropy extends Loss {

    /**
     * The loss, named "SoftmaxCrossEntropy" in DJL's evaluator logs.
     */
    public SparseSoftmaxCrossEntropy() {
        super("SoftmaxCrossEntropy");
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray logits = predictions.singletonOrThrow();
        NDArray label = labels.singletonOrThrow();
        long batch = logits.getShape().get(0);
        if (logits.getShape().dimension() != 2 || label.size() != batch) {
            throw new IllegalArgumentException("predictions of shape " + logits.getShape() + " and labels of shape " + label.getShape()
                    + " do not match; allowed: predictions (B, classes) and labels (B) or (B, 1)");
        }
        NDArray index = label.getDataType() == DataType.INT64 && label.getShape().dimension() == 2 ? label
                : label.toType(DataType.INT64, false).reshape(batch, 1);
        return logits.logSoftmax(1).gather(index, 1).mean().neg();
    }
}
