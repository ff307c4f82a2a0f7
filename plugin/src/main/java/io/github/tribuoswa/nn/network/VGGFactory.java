package io.github.tribuoswa.nn.network;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import com.oracle.labs.mlrg.olcut.config.Config;
import io.github.tribuoswa.util.Checks;

/**
 * VGG-16 as in the SWA paper's code (configuration D, for small images): 13 3&times;3
 * convolutions of 64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M
 * channels (M = 2&times;2 max pooling), each followed by optional BatchNorm and ReLU; then
 * dropout, 512, ReLU, dropout, 512, ReLU and the output layer.
 * <p>
 * {@code widthDivisor} divides every channel and hidden width (1 is the paper's size; 4 or 8
 * fit a CPU). A pooling step is skipped once the feature map is smaller than 2&times;2, so
 * 28&times;28 inputs work.
 */
public final class VGGFactory implements NetworkFactory {

    private static final int[] CONFIG_D = {64, 64, -1, 128, 128, -1, 256, 256, 256, -1, 512, 512, 512, -1, 512, 512, 512, -1};

    @Config(description = "Add BatchNorm after each convolution (VGG16BN).")
    private boolean batchNorm = false;

    @Config(description = "Divides every channel and hidden width (>= 1).")
    private int widthDivisor = 1;

    @Config(description = "Dropout rate of the classifier, in [0, 1).")
    private double dropout = 0.5;

    /**
     * For OLCUT.
     */
    private VGGFactory() {}

    /**
     * VGG-16.
     * @param batchNorm Whether to add BatchNorm (VGG16BN).
     * @param widthDivisor Divides channel counts and hidden widths.
     * @param dropout The classifier's dropout rate.
     */
    public VGGFactory(boolean batchNorm, int widthDivisor, double dropout) {
        this.batchNorm = batchNorm;
        this.widthDivisor = widthDivisor;
        this.dropout = dropout;
        postConfig();
    }

    @Override
    public void postConfig() {
        Checks.atLeast(this, "widthDivisor", widthDivisor, 1);
        Checks.fraction(this, "dropout", dropout);
    }

    private int width(int w) {
        return Math.max(1, w / widthDivisor);
    }

    @Override
    public Block build(Shape inputShape, int numOutputs) {
        Layers.requireImage(this, inputShape);
        long[] hw = {inputShape.get(1), inputShape.get(2)};
        SequentialBlock net = new SequentialBlock();
        for (int c : CONFIG_D) {
            if (c < 0) {
                Layers.maxPoolIfPossible(net, hw);
            } else {
                Layers.convBlock(net, width(c), 3, batchNorm, true);
            }
        }
        net.add(Blocks.batchFlattenBlock());
        Layers.dropout(net, dropout);
        net.add(Linear.builder().setUnits(width(512)).build()).add(ai.djl.nn.Activation.reluBlock());
        Layers.dropout(net, dropout);
        net.add(Linear.builder().setUnits(width(512)).build()).add(ai.djl.nn.Activation.reluBlock());
        net.add(Linear.builder().setUnits(numOutputs).build());
        return net;
    }

    @Override
    public String toString() {
        return "VGGFactory(batchNorm=" + batchNorm + ",widthDivisor=" + widthDivisor + ",dropout=" + dropout + ")";
    }
}
