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
 * A small convolutional network for images of shape (channels, height, width): for each entry
 * of {@code convChannels} a k&times;k convolution, optional BatchNorm, ReLU and 2&times;2 max
 * pooling; then a hidden fully connected layer with ReLU and optional dropout, and the output
 * layer.
 */
public final class CNNFactory implements NetworkFactory {

    @Config(description = "Output channels of each convolution block (each >= 1).")
    private int[] convChannels = {32, 64};

    @Config(description = "Convolution kernel size (odd, >= 1).")
    private int kernelSize = 3;

    @Config(description = "Add BatchNorm after each convolution.")
    private boolean batchNorm = true;

    @Config(description = "Width of the hidden fully connected layer (>= 1).")
    private int denseUnits = 128;

    @Config(description = "Dropout before the output layer, in [0, 1).")
    private double dropout = 0.0;

    /**
     * For OLCUT.
     */
    private CNNFactory() {}

    /**
     * A CNN.
     * @param convChannels Channels per convolution block.
     * @param kernelSize Kernel size (odd).
     * @param batchNorm Whether to add BatchNorm.
     * @param denseUnits Width of the hidden dense layer.
     * @param dropout Dropout rate in [0, 1).
     */
    public CNNFactory(int[] convChannels, int kernelSize, boolean batchNorm, int denseUnits, double dropout) {
        this.convChannels = convChannels.clone();
        this.kernelSize = kernelSize;
        this.batchNorm = batchNorm;
        this.denseUnits = denseUnits;
        this.dropout = dropout;
        postConfig();
    }

    @Override
    public void postConfig() {
        Checks.present(this, "convChannels", convChannels);
        for (int c : convChannels) {
            Checks.atLeast(this, "convChannels", c, 1);
        }
        if (kernelSize < 1 || kernelSize % 2 == 0) {
            throw Checks.outOfRange(this, "kernelSize", kernelSize, "odd integer >= 1");
        }
        Checks.atLeast(this, "denseUnits", denseUnits, 1);
        Checks.fraction(this, "dropout", dropout);
    }

    @Override
    public Block build(Shape inputShape, int numOutputs) {
        Layers.requireImage(this, inputShape);
        long[] hw = {inputShape.get(1), inputShape.get(2)};
        SequentialBlock net = new SequentialBlock();
        for (int c : convChannels) {
            Layers.convBlock(net, c, kernelSize, batchNorm, !batchNorm);
            Layers.maxPoolIfPossible(net, hw);
        }
        net.add(Blocks.batchFlattenBlock());
        net.add(Linear.builder().setUnits(denseUnits).build());
        net.add(ai.djl.nn.Activation.reluBlock());
        Layers.dropout(net, dropout);
        net.add(Linear.builder().setUnits(numOutputs).build());
        return net;
    }

    @Override
    public String toString() {
        return "CNNFactory(convChannels=" + Arrays.toString(convChannels) + ",kernelSize=" + kernelSize + ",batchNorm=" + batchNorm
                + ",denseUnits=" + denseUnits + ",dropout=" + dropout + ")";
    }
}
