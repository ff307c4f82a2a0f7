package io.github.tribuoswa.nn;

import ai.djl.nn.Block;
import com.google.protobuf.ByteString;
import io.github.tribuoswa.Crash;
import io.github.tribuoswa.SyntheticData;
import io.github.tribuoswa.averaging.Averaging;
import io.github.tribuoswa.nn.convert.DenseConverter;
import io.github.tribuoswa.nn.convert.FeatureConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.convert.OutputConverter;
import io.github.tribuoswa.nn.core.CollectionEvent;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.Stateful.StateContext;
import io.github.tribuoswa.nn.core.WeightCollector;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.network.NetworkFactory;
import io.github.tribuoswa.nn.optim.AdamFactory;
import io.github.tribuoswa.nn.optim.OptimiserFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.nn.swa.BatchNormMode;
import io.github.tribuoswa.nn.swa.CycleUnit;
import io.github.tribuoswa.nn.swa.FGETrainer;
import io.github.tribuoswa.nn.swa.SWATrainer;
import io.github.tribuoswa.protos.CheckpointProto;
import io.github.tribuoswa.schedule.ConstantSchedule;
import io.github.tribuoswa.schedule.LearningRateSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.ensemble.EnsembleModel;
import org.tribuo.math.optimisers.SGD;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The state protocol: a collector defined only here, in test code, is checkpointed and
 * resumed bit-identically without any change to main code; every trainer resumes with every
 * optimiser; a checkpoint whose states do not match the run's pieces is refused untouched.
 */
public class StatePluginTest {

    static final MutableDataset<Label> DATA = SyntheticData.classification(150, 11);

    /**
     * A toy averaging method: every third step it adds the sum of the trainable weights, in
     * double precision, to a running total (its own state, saved as two numbers).
     */
    static final class SumCollector extends WeightCollector {
        double total;
        long count;
        final List<Long> steps = new ArrayList<>();

        @Override
        protected boolean due(long k) {
            return k > 0 && k % 3 == 0;
        }

        @Override
        protected void collect(long k, Block block) {
            for (float w : NetworkWeights.read(block, NetworkWeights.Selection.TRAINABLE)) {
                total += w;
            }
            count++;
            steps.add(k);
            collected(new CollectionEvent("tribuoswa.test.sum", "tribuoswa.test.sums", k, count, Map.of()));
        }

        @Override
        protected WeightCollector copyCollected() {
            SumCollector copy = new SumCollector();
            copy.total = total;
            copy.count = count;
            return copy;
        }

        @Override
        public long collections() {
            return count;
        }

        @Override
        public String stateName() {
            return "test.sum";
        }

        @Override
        public int stateVersion() {
            return 7;
        }

        @Override
        protected void writeCollected(DataOutputStream out) throws IOException {
            out.writeDouble(total);
            out.writeLong(count);
        }

        @Override
        protected void readCollected(DataInputStream in, int version, StateContext run) throws IOException {
            total = in.readDouble();
            count = in.readLong();
        }
    }

    /**
     * The toy method's trainer: the base trainer plus one collector; the model is the final
     * weights, and the collector's total is kept for the test to read.
     */
    static final class SumTrainer extends NetworkTrainer<Label, DJLModel<Label>> {
        SumCollector last;

        /**
         * The toy method's builder: the common hyper-parameters, nothing of its own.
         */
        static final class Builder extends NetworkTrainerBuilder<Label, SumTrainer, Builder> {
            Builder(NetworkFactory network, FeatureConverter features, OutputConverter<Label> outputs) {
                super(new SumTrainer(), network, features, outputs);
            }

            @Override
            protected Builder self() {
                return this;
            }
        }

        @Override
        protected List<WeightCollector> collectors(LearningRateSchedule runSchedule, int stepsPerEpoch) {
            last = new SumCollector();
            return List.of(last);
        }

        @Override
        protected DJLModel<Label> finish(TrainingRun<Label> run) {
            return run.model("sum");
        }

        @Override
        protected String method() {
            return "sum";
        }
    }

    private static SumTrainer sum(Path dir) {
        return new SumTrainer.Builder(new MLPFactory(new int[]{12}, Activation.RELU, 0.2, false), new DenseConverter(), new LabelConverter())
                .epochs(6).batchSize(16).optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 0)).schedule(new ConstantSchedule(0.05))
                .seed(5L).device("cpu").intraOpThreads(1).checkpointDirectory(dir == null ? "" : dir.toString()).build();
    }

    @Test
    public void aCollectorDefinedInTestCodeIsCheckpointedAndResumedBitIdentically(@TempDir Path tmp) throws Exception {
        SumTrainer whole = sum(null);
        byte[] weights = whole.train(DATA).weights().getValues().toByteArray();
        double total = whole.last.total;
        assertEquals(20, whole.last.count); // steps 3, 6, …, 60 of 6 epochs of 10 steps
        // a crash in every step from the first checkpoint (the end of step 4, in which the
        // weights after step 3 were collected) on: in a step that collects, in the step after
        // a collection, at the first step of an epoch, and where the trainer closes mid-step
        for (long crashAt = 5; crashAt <= 60; crashAt++) {
            Path dir = tmp.resolve("at-" + crashAt);
            SumTrainer first = sum(dir);
            first.addObserver(new Crash(crashAt));
            assertThrows(IllegalStateException.class, () -> first.train(DATA));
            CheckpointProto cp = CheckpointProto.parseFrom(Files.readAllBytes(dir.resolve("run-0.checkpoint")));
            assertEquals(List.of("optimiser", "divergence", "test.sum"), cp.getStatesList().stream().map(s -> s.getName()).toList());
            assertEquals(7, cp.getStates(2).getVersion());
            SumTrainer resumed = sum(dir);
            byte[] again = resumed.train(DATA).weights().getValues().toByteArray();
            assertArrayEquals(weights, again, "weights after a crash at step " + crashAt);
            assertEquals(20, resumed.last.count, "collections after a crash at step " + crashAt);
            assertEquals(Double.doubleToLongBits(total), Double.doubleToLongBits(resumed.last.total), "total after a crash at step " + crashAt);
        }
    }

    @Test
    public void aCheckpointWhoseStatesDoNotMatchTheRunIsRefusedUntouched(@TempDir Path tmp) throws Exception {
        SumTrainer first = sum(tmp);
        first.addObserver(new Crash(25));
        assertThrows(IllegalStateException.class, () -> first.train(DATA));
        Path file = tmp.resolve("run-0.checkpoint");
        CheckpointProto cp = CheckpointProto.parseFrom(Files.readAllBytes(file));
        // the same checkpoint with the collector's state renamed, and a valid checksum
        CheckpointProto.Builder renamed = cp.toBuilder().clearSha256();
        renamed.setStates(2, renamed.getStates(2).toBuilder().setName("other.method"));
        CheckpointProto body = renamed.build();
        byte[] bytes = body.toBuilder().setSha256(ByteString.copyFrom(sha256(body.toByteArray()))).build().toByteArray();
        Files.write(file, bytes);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> sum(tmp).train(DATA));
        assertTrue(e.getMessage().contains("holds the states [divergence, optimiser, other.method]") && e.getMessage().contains("left untouched"),
                e.getMessage());
        assertArrayEquals(bytes, Files.readAllBytes(file));
        // a truncated collector state is refused with its name
        CheckpointProto.Builder truncated = cp.toBuilder().clearSha256();
        truncated.setStates(2, truncated.getStates(2).toBuilder().setData(cp.getStates(2).getData().substring(0, 5)));
        body = truncated.build();
        Files.write(file, body.toBuilder().setSha256(ByteString.copyFrom(sha256(body.toByteArray()))).build().toByteArray());
        e = assertThrows(IllegalStateException.class, () -> sum(tmp).train(DATA));
        assertTrue(e.getMessage().contains("'test.sum'"), e.getMessage());
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
    }

    static Stream<Arguments> optimisersAndTrainers() {
        List<Arguments> out = new ArrayList<>();
        Map<String, OptimiserFactory> optimisers = Map.of(
                "sgd", new SGDFactory(SGD.Momentum.NONE, 0, 0),
                "nesterov", new SGDFactory(SGD.Momentum.NESTEROV, 0.9, 1e-4),
                "adam", new AdamFactory(0.9, 0.999, 1e-8, 1e-4));
        for (String o : List.of("sgd", "nesterov", "adam")) {
            for (String t : List.of("djl", "swa", "fge")) {
                out.add(Arguments.of(t, o, optimisers.get(o)));
            }
        }
        return out.stream();
    }

    private static NetworkTrainer<Label, ? extends Model<Label>> trainer(String kind, OptimiserFactory optimiser, Path dir) {
        MLPFactory mlp = new MLPFactory(new int[]{12}, Activation.RELU, 0.1, true);
        double rate = optimiser instanceof AdamFactory ? 0.005 : 0.05;
        NetworkTrainer<Label, ? extends Model<Label>> t = switch (kind) {
            case "djl" -> new DJLTrainer<>(mlp, new DenseConverter(), new LabelConverter(), 6, 16, optimiser, new ConstantSchedule(rate),
                    9L, "cpu", 1, false);
            case "swa" -> new SWATrainer<>(mlp, new DenseConverter(), new LabelConverter(), 6, 16, optimiser, new ConstantSchedule(rate), 2,
                    rate, rate / 5, 5, CycleUnit.ITERATIONS, Averaging.EQUAL, 0.9, true, BatchNormMode.REFRESH, "", 9L, "cpu", 1, false);
            default -> new FGETrainer<>(mlp, new DenseConverter(), new LabelConverter(), 6, 16, optimiser, new ConstantSchedule(rate), 2,
                    rate, rate / 10, 8, CycleUnit.ITERATIONS, "", 9L, "cpu", 1);
        };
        if (dir != null) {
            t.setCheckpointDirectory(dir.toString());
        }
        return t;
    }

    private static List<byte[]> weightsOf(Model<Label> model) {
        Function<Model<?>, byte[]> bytes = m -> ((DJLModel<?>) m).weights().getValues().toByteArray();
        List<byte[]> out = new ArrayList<>();
        if (model instanceof EnsembleModel) {
            ((EnsembleModel<Label>) model).getModels().forEach(m -> out.add(bytes.apply(m)));
        } else {
            out.add(bytes.apply(model));
        }
        return out;
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("optimisersAndTrainers")
    public void everyTrainerResumesWithEveryOptimiser(String kind, String name, OptimiserFactory optimiser, @TempDir Path tmp) {
        List<byte[]> whole = weightsOf(trainer(kind, optimiser, null).train(DATA));
        NetworkTrainer<Label, ? extends Model<Label>> first = trainer(kind, optimiser, tmp);
        first.addObserver(new Crash(37));
        assertThrows(IllegalStateException.class, () -> first.train(DATA));
        assertTrue(Files.exists(tmp.resolve("run-0.checkpoint")));
        List<byte[]> resumed = weightsOf(trainer(kind, optimiser, tmp).train(DATA));
        assertEquals(whole.size(), resumed.size());
        for (int i = 0; i < whole.size(); i++) {
            assertArrayEquals(whole.get(i), resumed.get(i), kind + " with " + name + ", model " + i);
        }
    }
}
