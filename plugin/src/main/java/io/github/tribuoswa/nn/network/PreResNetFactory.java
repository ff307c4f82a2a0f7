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
 * Pre-activation ResNet (He et al. 2016) as in the SWA paper's code: a 3&times;3 convolution to
 * 16 channels, three stages of n residual blocks at 16, 32 and 64 channels (the last two halve
 * the resolution), BatchNorm, ReLU, global average pooling and the output layer. Depth
 * 6n + 2 below 44 uses basic blocks (PreResNet-20: n = 3); depth 9n + 2 from 44 on uses
 * bottleneck blocks with expansion 4 (PreResNet-56, -110, -164), as the authors' code does.
 * Each block is BN-ReLU-conv twice (basic) or three times (bottleneck), plus the shortcut (a
 * 1&times;1 convolution where the shape changes).
 */
public final class PreResNetFactory implements NetworkFactory {

    @Config(description = "Depth: 6n+2 below 44 (basic blocks), 9n+2 from 44 (bottleneck blocks), e.g. 20, 56, 110, 164.")
    private int depth = 20;

    @Config(description = "Channels of the first stage (16 in the paper); stages use 1x, 2x, 4x.")
    private int baseWidth = 16;

    /**
     * For OLCUT.
     */
    private PreResNetFactory() {}

    /**
     * A pre-activation ResNet.
     * @param depth The depth (20, 56, 110, 164, …).
     * @param baseWidth Channels of the first stage (16 in the paper).
     */
    public PreResNetFactory(int depth, int baseWidth) {
        this.depth = depth;
        this.baseWidth = baseWidth;
        postConfig();
    }

    private boolean bottleneck() {
        return depth >= 44;
    }

    @Override
    public void postConfig() {
        boolean ok = bottleneck() ? (depth - 2) % 9 == 0 : depth >= 8 && (depth - 2) % 6 == 0;
        if (!ok) {
            throw Checks.outOfRange(this, "depth", depth, "6n+2 (n >= 1) below 44, or 9n+2 from 44 on, e.g. 20, 56, 110, 164");
        }
        Checks.atLeast(this, "baseWidth", baseWidth, 1);
    }

    private static Block preAct() {
        return new SequentialBlock().add(Layers.batchNorm()).add(ai.djl.nn.Activation.reluBlock());
    }

    private Block block(int inChannels, int planes, int stride) {
        int expansion = bottleneck() ? 4 : 1;
        int outChannels = planes * expansion;
        SequentialBlock main = new SequentialBlock();
        if (bottleneck()) {
            main.add(preAct()).add(Layers.conv(planes, 1, 1, false))
                    .add(preAct()).add(Layers.conv(planes, 3, stride, false))
                    .add(preAct()).add(Layers.conv(outChannels, 1, 1, false));
        } else {
            main.add(preAct()).add(Layers.conv(planes, 3, stride, false))
                    .add(preAct()).add(Layers.conv(planes, 3, 1, false));
        }
        Block shortcut = (stride != 1 || inChannels != outChannels) ? Layers.conv(outChannels, 1, stride, false) : Layers.identity();
        return Layers.residual(main, shortcut);
    }

    @Override
    public Block build(Shape inputShape, int numOutputs) {
        Layers.requireImage(this, inputShape);
        int n = bottleneck() ? (depth - 2) / 9 : (depth - 2) / 6;
        int expansion = bottleneck() ? 4 : 1;
        SequentialBlock net = new SequentialBlock().add(Layers.conv(baseWidth, 3, 1, false));
        int channels = baseWidth;
        for (int stage = 0; stage < 3; stage++) {
            int planes = baseWidth << stage;
            for (int b = 0; b < n; b++) {
                int stride = (stage > 0 && b == 0) ? 2 : 1;
                net.add(block(channels, planes, stride));
                channels = planes * expansion;
            }
        }
        net.add(preAct()).add(Pool.globalAvgPool2dBlock()).add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(numOutputs).build());
        return net;
    }

    @Override
    public String toString() {
        return "PreResNetFactory(depth=" + depth + ",baseWidth=" + baseWidth + ")";
    }
}
