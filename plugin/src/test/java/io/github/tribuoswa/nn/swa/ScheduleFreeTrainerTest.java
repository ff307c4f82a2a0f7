package io.github.tribuoswa.nn.swa;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import io.github.tribuoswa.TestSchedules;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.convert.DenseConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.WeightsCodec;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.nn.optim.ScheduleFreeSGD;
import io.github.tribuoswa.nn.optim.ScheduleFreeSGDFactory;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import io.github.tribuoswa.schedule.WSDSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The schedule-free trainer returns the average x (not the trained y), learns, resumes
 * bit-identical, and refuses another optimiser.
 */
public class ScheduleFreeTrainerTest {

    private static ScheduleFreeTrainer.Builder<Label> sf(boolean batchNorm, double dropout) {
        // a warm-up of 10 steps to 0.05, then constant (a WSD schedule with no cool-down)
        return ScheduleFreeTrainer.builder(new MLPFactory(new int[]{12}, Activation.RELU, dropout, batchNorm), new DenseConverter(),
                        new LabelConverter()).epochs(6).batchSize(16).optimiser(new ScheduleFreeSGDFactory(0.9, 1e-4))
                .schedule(new WSDSchedule(0.05, 60, 10, 0, WSDSchedule.Shape.SQRT)).seed(3L).device("cpu").intraOpThreads(1);
    }

    private static float[] trainable(DJLModel<?> model) {
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            Block block = model.newNetwork(m);
            NetworkWeights.write(block, NetworkWeights.Selection.ALL, WeightsCodec.decode(model.weights(), block));
            return NetworkWeights.read(block, NetworkWeights.Selection.TRAINABLE);
        }
    }

    /** Keeps the optimizer it creates, so the test can read x. */
    static final class Recording extends ScheduleFreeSGDFactory {
        ScheduleFreeSGD created;

        Recording() {
            super(0.9, 1e-4);
        }

        @Override
        public ai.djl.training.optimizer.Optimizer create(ai.djl.training.tracker.Tracker learningRate, int beginNumUpdate) {
            created = (ScheduleFreeSGD) super.create(learningRate, beginNumUpdate);
            return created;
        }
    }

    /**
     * Reads y, the trained network, after every epoch (the last is the final y), and what the
     * optimizer's x writes into the network once the trainer has finished (DJL tells listeners of
     * the end when the trainer closes, after the model was made).
     */
    static final class EndPoints extends TrainingListenerAdapter {
        final Recording factory;
        float[] y;
        float[] x;

        EndPoints(Recording factory) {
            this.factory = factory;
        }

        @Override
        public void onEpoch(Trainer trainer) {
            y = NetworkWeights.read(trainer.getModel().getBlock(), NetworkWeights.Selection.TRAINABLE);
        }

        @Override
        public void onTrainingEnd(Trainer trainer) {
            Block block = trainer.getModel().getBlock();
            factory.created.writeEvaluationPoint(block);
            x = NetworkWeights.read(block, NetworkWeights.Selection.TRAINABLE);
        }
    }

    @Test
    public void theModelIsTheAverageXAndItLearns() {
        Recording factory = new Recording();
        ScheduleFreeTrainer<Label> t = sf(false, 0).optimiser(factory).batchNormMode(BatchNormMode.NONE).build();
        t.setProgressBar(false);
        EndPoints ends = new EndPoints(factory);
        t.addObserver(ends);
        DJLModel<Label> model = t.train(SWAFGETrainerTest.DATA);
        assertArrayEquals(ends.x, trainable(model), "the model holds x");
        assertFalse(Arrays.equals(ends.y, ends.x), "x is not the trained y");
        DJLModel<Label> bn = sf(true, 0).build().train(SWAFGETrainerTest.DATA);
        double accuracy = new LabelEvaluator().evaluate(bn, SWAFGETrainerTest.DATA).accuracy();
        assertTrue(accuracy > 0.8, "accuracy " + accuracy);
    }

    @Test
    public void aKilledRunResumesBitIdentical(@TempDir Path tmp) {
        byte[] uninterrupted = sf(true, 0.2).build().train(SWAFGETrainerTest.DATA).weights().getValues().toByteArray();
        for (long crashAt : new long[]{27, 41}) {
            Path dir = tmp.resolve("sf-" + crashAt);
            ScheduleFreeTrainer<Label> first = sf(true, 0.2).checkpointDirectory(dir.toString()).build();
            first.setProgressBar(false);
            first.addObserver(new io.github.tribuoswa.Crash(crashAt));
            assertThrows(IllegalStateException.class, () -> first.train(SWAFGETrainerTest.DATA));
            assertTrue(Files.exists(dir.resolve("run-0.checkpoint")));
            ScheduleFreeTrainer<Label> again = sf(true, 0.2).checkpointDirectory(dir.toString()).build();
            again.setProgressBar(false);
            assertArrayEquals(uninterrupted, again.train(SWAFGETrainerTest.DATA).weights().getValues().toByteArray(), "crash at " + crashAt);
        }
    }

    @Test
    public void anotherOptimiserOrAveragedBuffersAreRefused() throws Exception {
        PropertyException e = assertThrows(PropertyException.class, () -> sf(false, 0).optimiser(new SGDFactory()).build());
        assertTrue(e.getMessage().contains("optimiser = SGDFactory") && e.getMessage().contains("a ScheduleFreeSGDFactory"), e.getMessage());
        e = assertThrows(PropertyException.class, () -> sf(false, 0).batchNormMode(BatchNormMode.AVERAGE_BUFFERS).build());
        assertTrue(e.getMessage().contains("batchNormMode = AVERAGE_BUFFERS"), e.getMessage());
        e = assertThrows(PropertyException.class, () -> new ScheduleFreeSGDFactory(1.5, 0));
        assertTrue(e.getMessage().contains("beta = 1.5 is out of range; allowed: real in [0, 1]"), e.getMessage());
        ScheduleFreeTrainer<?> xml = (ScheduleFreeTrainer<?>) new ConfigurationManager(Path.of("..", "configs", "djl-schedulefree.xml")
                .toString()).lookup("trainer");
        assertTrue(xml.toString().contains("ScheduleFreeSGDFactory,weightDecay=5.0E-4,beta=0.9"), xml.toString());
        // a user's schedule that reaches 0 at the run's last step (60 = 6 epochs of 10) is refused before training
        LearningRateSchedule toZero = TestSchedules.linearToZero(0.05, 60);
        PropertyException zero = assertThrows(PropertyException.class, () -> sf(false, 0).schedule(toZero).build().train(SWAFGETrainerTest.DATA));
        assertTrue(zero.getMessage().contains("step 60 of 60 has rate 0.0"), zero.getMessage());
    }
}
