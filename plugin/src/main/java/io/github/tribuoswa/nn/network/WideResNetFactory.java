package io.github.tribuoswa.nn.network;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import com.oracle.labs.mlrg.olcut.config.Config;
import io.github.tribuoswa.util.Checks;

/**
 * Wide ResNet WRN-d-k (Zagoruyko and Komodakis 2016) as in the SWA paper's code: a 3&times;3
 * convolution to 16 channels, three stages of n = (d &minus; 4)/6 wide pre-activation blocks at
 * 16k, 32k and 64k channels (the last two halve the resolution), BatchNorm, ReLU, global
 * average pooling and the output layer. Each block is BN-ReLU-conv3&times;3, dropout,
 * BN-ReLU-conv3&times;3, plus the shortcut (1&times;1 convolution where the shape changes).
 * WRN-28-10 is the paper's network.
 */
public final class WideResNetFactory implements NetworkFactory {

    @Config(description = "Depth d = 6n+4 (n >= 1), e.g. 16, 28.")
    private int depth = 28;

    @Config(description = "Widen factor k (>= 1).")
    private int widenFactor = 10;

    @Config(description = "Dropout between the convolutions of a block, in [0, 1).")
    private double dropout = 0.0;

    /**
     * For OLCUT.
     */
    private WideResNetFactory() {}

    /**
     * A wide ResNet.
     * @param depth d = 6n + 4.
     * @param widenFactor k.
     * @param dropout The in-block dropout rate.
     */
    public WideResNetFactory(int depth, int widenFactor, double dropout) {
        this.depth = depth;
        this.widenFactor = widenFactor;
        this.dropout = dropout;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (depth < 10 || (depth - 4) % 6 != 0) {
            throw Checks.outOfRange(this, "depth", depth, "6n+4 with n >= 1, e.g. 10, 16, 28");
        }
        Checks.atLeast(this, "widenFactor", widenFactor, 1);
        Checks.fraction(this, "dropout", dropout);
    }

    private Block block(int inChannels, int outChannels, int stride) {
        SequentialBlock main = new SequentialBlock()
                .add(Layers.batchNorm()).add(ai.djl.nn.Activation.reluBlock()).add(Layers.conv(outChannels, 3, 1, true));
        Layers.dropout(main, dropout);
        main.add(Layers.batchNorm()).add(ai.djl.nn.Activation.reluBlock()).add(Layers.conv(outChannels, 3, stride, true));
        Block shortcut = (stride != 1 || inChannels != outChannels) ? Layers.conv(outChannels, 1, stride, true) : Layers.identity();
        return Layers.residual(main, shortcut);
    }

    @Override
    public Block build(Shape inputShape, int numOutputs) {
        Layers.requireImage(this, inputShape);
        int n = (depth - 4) / 6;
        int[] widths = {16, 16 * widenFactor, 32 * widenFactor, 64 * widenFactor};
        SequentialBlock net = new SequentialBlock().add(Layers.conv(widths[0], 3, 1, true));
        int channels = widths[0];
        for (int stage = 1; stage <= 3; stage++) {
            for (int b = 0; b < n; b++) {
                int stride = (stage > 1 && b == 0) ? 2 : 1;
                net.add(block(channels, widths[stage], stride));
                channels = widths[stage];
            }
        }
        net.add(Layers.batchNorm()).add(ai.djl.nn.Activation.reluBlock()).add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(numOutputs).build());
        return net;
    }

    @Override
    public String toString() {
        return "WideResNetFactory(depth=" + depth + ",widenFactor=" + widenFactor + ",dropout=" + dropout + ")";
    }
}
