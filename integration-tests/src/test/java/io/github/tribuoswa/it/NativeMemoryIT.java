package io.github.tribuoswa.it;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import io.github.tribuoswa.nn.convert.DenseConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.core.DenseData;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.TrainingLoop;
import io.github.tribuoswa.nn.listen.DivergenceCheck;
import io.github.tribuoswa.nn.listen.EpochStatistics;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.nn.optim.ScheduleTracker;
import io.github.tribuoswa.schedule.CyclicSchedule;
import org.junit.jupiter.api.Test;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.SGD;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Native memory stays flat over a long run of the training loop: resident memory after 5,000
 * steps is within 10% of that after 500. Failsafe runs this class in its own JVM with a fixed,
 * pre-touched heap, so heap growth does not show up as resident memory.
 */
public class NativeMemoryIT {

    static long rssKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS");
    }

    @Test
    public void residentMemoryIsFlatOver5000Steps() throws Exception {
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> ds = new MutableDataset<>(new SimpleDataSourceProvenance("random", factory), factory);
        Random rng = new Random(1);
        for (int i = 0; i < 640; i++) {
            String[] names = new String[32];
            double[] values = new double[32];
            for (int f = 0; f < 32; f++) {
                names[f] = String.format("f%02d", f);
                values[f] = rng.nextGaussian() + (f == i % 4 ? 2 : 0);
            }
            ds.add(new ArrayExample<>(new Label("c" + (i % 4)), names, values));
        }
        List<Example<Label>> list = new ArrayList<>();
        ds.forEach(list::add);
        LabelConverter labels = new LabelConverter();
        DenseData data = DenseData.of(list, new DenseConverter(), labels, ds.getFeatureIDMap(), ds.getOutputIDInfo());

        long[] rss = new long[2];
        Engines.setIntraOpThreads(1);
        try (Model model = Model.newInstance("memory", Device.cpu(), Engines.ENGINE)) {
            model.setBlock(new MLPFactory(new int[]{64, 64}, Activation.RELU, 0.1, true).build(data.exampleShape(), 4));
            DefaultTrainingConfig config = new DefaultTrainingConfig(labels.loss())
                    .optOptimizer(new SGDFactory(SGD.Momentum.NESTEROV, 0.9, 1e-4).create(new ScheduleTracker(new CyclicSchedule(0.05, 0.005, 50))))
                    .optDevices(new Device[]{Device.cpu()})
                    .addTrainingListeners(new DivergenceCheck(0, 20), new EpochStatistics(0, 20, true), new TrainingListenerAdapter() {
                        int step;

                        @Override
                        public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                            step++;
                            try {
                                if (step == 500) {
                                    System.gc();
                                    rss[0] = rssKiB();
                                } else if (step == 5000) {
                                    System.gc();
                                    rss[1] = rssKiB();
                                }
                            } catch (IOException e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    });
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(32, 32));
                TrainingLoop.fit(trainer, data, 0, 250, 32, true, 3L); // 20 steps an epoch: 5,000 steps
            }
        }
        System.out.printf("resident memory: %d KiB after 500 steps, %d KiB after 5,000 steps%n", rss[0], rss[1]);
        assertTrue(rss[0] > 0 && rss[1] > 0);
        assertTrue(rss[1] <= rss[0] * 1.10, "resident memory grew from " + rss[0] + " KiB to " + rss[1] + " KiB");
    }
}
