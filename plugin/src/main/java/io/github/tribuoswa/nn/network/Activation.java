package io.github.tribuoswa.nn.network;

import ai.djl.nn.Block;

/**
 * Element-wise activations for the network factories.
 */
public enum Activation {
    /**
     * max(0, x).
     */
    RELU,
    /**
     * tanh(x).
     */
    TANH,
    /**
     * The Gaussian error linear unit.
     */
    GELU;

    /**
     * A block applying the activation.
     * @return The block.
     */
    public Block block() {
        switch (this) {
            case TANH:
                return ai.djl.nn.Activation.tanhBlock();
            case GELU:
                return ai.djl.nn.Activation.geluBlock();
            case RELU:
            default:
                return ai.djl.nn.Activation.reluBlock();
        }
    }
}
