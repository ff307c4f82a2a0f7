package io.github.tribuoswa.nn.swa;

/**
 * What the SWA trainer does with BatchNorm statistics of w_SWA.
 */
public enum BatchNormMode {
    /**
     * Recompute them with one pass over the training data, an equal-weight average over
     * batches (Izmailov et al. 2018; PyTorch's {@code update_bn}).
     */
    REFRESH,
    /**
     * Average the running statistics along with the weights (PyTorch's
     * {@code AveragedModel(use_buffers=True)}).
     */
    AVERAGE_BUFFERS,
    /**
     * Keep the running statistics of the last SGD iterate.
     */
    NONE
}
