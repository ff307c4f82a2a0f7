package io.github.tribuoswa.nn.network;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import com.oracle.labs.mlrg.olcut.config.Config;
import io.github.tribuoswa.util.Checks;

import java.util.Arrays;

/**
 * A multi-layer perceptron: flatten, then for each hidden width a fully connected layer,
 * optional BatchNorm, the activation and optional dropout, then a linear output layer.
 */
public final class MLPFactory implements NetworkFactory {

    @Config(description = "Widths of the hidden layers (each >= 1); empty for a linear model.")
    private int[] hiddenSizes = {256};

    @Config(description = "Activation of the hidden layers.")
    private Activation activation = Activation.RELU;

    @Config(description = "Dropout rate after each hidden layer, in [0, 1).")
    private double dropout = 0.0;

    @Config(description = "Add BatchNorm after each hidden fully connected layer.")
    private boolean batchNorm = false;

    /**
     * For OLCUT.
     */
    private MLPFactory() {}

    /**
     * An MLP.
     * @param hiddenSizes The hidden widths.
     * @param activation The activation.
     * @param dropout The dropout rate in [0, 1).
     * @param batchNorm Whether to add BatchNorm.
     */
    public MLPFactory(int[] hiddenSizes, Activation activation, double dropout, boolean batchNorm) {
        this.hiddenSizes = hiddenSizes.clone();
        this.activation = activation;
        this.dropout = dropout;
        this.batchNorm = batchNorm;
        postConfig();
    }

    @Override
    public void postConfig() {
        Checks.present(this, "hiddenSizes", hiddenSizes);
        for (int h : hiddenSizes) {
            Checks.atLeast(this, "hiddenSizes", h, 1);
        }
        Checks.present(this, "activation", activation);
        Checks.fraction(this, "dropout", dropout);
    }

    @Override
    public Block build(Shape inputShape, int numOutputs) {
        SequentialBlock net = new SequentialBlock().add(Blocks.batchFlattenBlock());
        for (int h : hiddenSizes) {
            net.add(Linear.builder().setUnits(h).build());
            if (batchNorm) {
                net.add(Layers.batchNorm());
            }
            net.add(activation.block());
            Layers.dropout(net, dropout);
        }
        net.add(Linear.builder().setUnits(numOutputs).build());
        return net;
    }

    @Override
    public String toString() {
        return "MLPFactory(hiddenSizes=" + Arrays.toString(hiddenSizes) + ",activation=" + activation + ",dropout=" + dropout + ",batchNorm="
                + batchNorm + ")";
    }
}
