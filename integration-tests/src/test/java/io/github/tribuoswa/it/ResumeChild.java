package io.github.tribuoswa.it;

import io.github.tribuoswa.averaging.Averaging;
import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.convert.ImageConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.nn.swa.BatchNormMode;
import io.github.tribuoswa.nn.swa.CycleUnit;
import io.github.tribuoswa.nn.swa.SWATrainer;
import io.github.tribuoswa.schedule.BaselineSchedule;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.math.optimisers.SGD;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child JVM of {@link KillAndResumeIT}: trains an SWA MLP (BatchNorm, dropout, Nesterov
 * momentum) on the embedded Fashion-MNIST subset with a checkpoint directory, and writes the
 * final weights to a file.
 * <p>
 * Usage: {@code ResumeChild CHECKPOINT_DIR OUTPUT_FILE}.
 */
public final class ResumeChild {

    private ResumeChild() {}

    /**
     * Runs the training.
     * @param args The checkpoint directory and the output file.
     * @throws Exception if anything fails.
     */
    public static void main(String[] args) throws Exception {
        MutableDataset<Label> train = FashionMnist.load(FashionMnist.resolve(FashionMnist.EMBEDDED), FashionMnist.Split.TRAIN);
        SWATrainer<Label> trainer = new SWATrainer<>(new MLPFactory(new int[]{512, 256}, Activation.RELU, 0.2, true),
                new ImageConverter(1, 28, 28), new LabelConverter(), 12, 64, new SGDFactory(SGD.Momentum.NESTEROV, 0.9, 5e-4),
                new BaselineSchedule(0.05, 6 * 94, 0.2), 6, 0.01, 0.005, 47, CycleUnit.ITERATIONS, Averaging.EQUAL, 0.9, true,
                BatchNormMode.REFRESH, "", 7L, "cpu", 1, false);
        trainer.setProgressBar(false);
        trainer.setCheckpointDirectory(args[0]);
        try (DJLModel<Label> model = trainer.train(train)) {
            Files.write(Path.of(args[1]), model.weights().getValues().toByteArray());
        }
        System.out.println("finished");
    }
}
