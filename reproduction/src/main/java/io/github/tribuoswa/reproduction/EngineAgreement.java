package io.github.tribuoswa.reproduction;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.util.Pair;
import io.github.tribuoswa.calibration.Calibration;
import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.examples.Options;
import io.github.tribuoswa.examples.Recipes;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.DJLTrainer;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.StepEndListener;
import io.github.tribuoswa.nn.core.TrainingLoop;
import io.github.tribuoswa.util.AtomicFiles;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Issue 18's engine check: do the plugin and PyTorch compute the same training run when they
 * start from the same weights and see the same batches? Uncertainty's CNN rows differ between
 * the engines by more than their seeds do, although the recipes are the same; this harness
 * takes the randomness out. It trains {@code Uncertainty}'s SGD recipe (same data, split,
 * network, schedule and optimiser) once with the plugin and writes into {@code --out DIR} what
 * {@code reproduction/python/engine_agreement.py DIR} needs to train the same run in PyTorch
 * and compare:
 * <ul>
 * <li>{@code run.tsv}: the recipe (network, epochs, seed, rows held out, batch, rate) and the
 * SHA-256 of the IDX files, which the PyTorch side checks before reading its copy of them;</li>
 * <li>{@code parameters.tsv}, {@code initial.f32}, {@code after-step-1.f32} and {@code final.f32}:
 * the network's parameters (DJL's order, name, shape; BatchNorm's running statistics included)
 * and their values before the first step, after it and at the end (float32, little-endian);
 * in {@code initial.f32} the running statistics are those after the first step's forward pass
 * (a listener sees no earlier moment), and the PyTorch side keeps its own, 0 and 1, as DJL's;
 * {@code after-step-1.f32} shows whether they were);</li>
 * <li>{@code outputs.tsv}: the label of each output row (Tribuo's output ids);</li>
 * <li>{@code batches.i32}: the training rows of every step's batch in order (int32,
 * little-endian; {@code Batch.getIndices()} of the plugin's loop);</li>
 * <li>{@code steps-djl.csv}: each step's batch size and training loss (the mean cross-entropy
 * of the batch, as the loss the step differentiated);</li>
 * <li>{@code epochs-djl.csv}: the test accuracy, NLL and ECE (15 bins) of the model after every
 * epoch.</li>
 * </ul>
 * Every file is written whole or not at all. {@code engine_agreement.py --init torch} and
 * {@code --order torch} then change one source of randomness at a time on the PyTorch side, and
 * {@link EngineAgreementReport} tabulates it all ({@code scripts/reproduce/engines.sh}).
 * <pre>
 * EngineAgreement --out DIR [--data full|embedded|DIR] [--network cnn] [--epochs 15] [--seed 1] [--threads 1] [--validation 5000]
 * </pre>
 */
public final class EngineAgreement {

    static final String STEPS_HEADER = "step,rows,loss";
    static final String EPOCHS_HEADER = "epoch,test_accuracy,test_nll,test_ece";

    private EngineAgreement() {}

    /** Records the weights (before the first step, after it, at the end), the batches' rows and the losses of a run. */
    private static final class Recorder extends TrainingListenerAdapter implements StepEndListener {
        private final long totalSteps;
        private final StringBuilder parameters = new StringBuilder();
        private byte[] initial;
        private byte[] afterFirstStep;
        private byte[] last;
        private final ByteArrayOutputStream rows = new ByteArrayOutputStream();
        private final StringBuilder steps = new StringBuilder(STEPS_HEADER + "\n");
        private long step;

        Recorder(long totalSteps) {
            this.totalSteps = totalSteps;
        }

        @Override
        public void onTrainingBatch(Trainer trainer, BatchData batchData) {
            if (step == 0) {
                Block block = trainer.getModel().getBlock();
                for (Pair<String, Parameter> p : NetworkWeights.parameters(block, NetworkWeights.Selection.ALL)) {
                    NDArray a = p.getValue().getArray();
                    parameters.append(p.getKey()).append('\t').append(a.getShape().toString()).append('\t').append(a.size()).append('\n');
                }
                // the weights before the first update; the forward pass has already moved BatchNorm's running statistics
                initial = weights(trainer);
            }
            List<?> batchRows = batchData.getBatch().getIndices();
            ByteBuffer b = ByteBuffer.allocate(Integer.BYTES * batchRows.size()).order(ByteOrder.LITTLE_ENDIAN);
            for (Object r : batchRows) {
                b.putInt(Math.toIntExact((Long) r));
            }
            rows.writeBytes(b.array());
            step++;
            steps.append(String.format(Locale.ROOT, "%d,%d,%.9g%n", step, batchRows.size(),
                    TrainingLoop.loss(trainer, batchData, trainer.getDevices()[0])));
        }

        @Override
        public void onStepEnd(Trainer trainer, long stepsDone) {
            if (stepsDone == 1) {
                afterFirstStep = weights(trainer);
            }
            if (stepsDone == totalSteps) {
                last = weights(trainer);
            }
        }

        /** Every parameter (BatchNorm's running statistics included), float32 little-endian, in NetworkWeights' (DJL's) order. */
        private static byte[] weights(Trainer trainer) {
            return littleEndian(NetworkWeights.read(trainer.getModel().getBlock(), NetworkWeights.Selection.ALL));
        }
    }

    static byte[] littleEndian(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(Float.BYTES * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    private static String epochRow(int epoch, DJLModel<Label> model, MutableDataset<Label> test) {
        Calibration c = Calibration.of(model.predict(test), model.getOutputIDInfo(), Calibration.DEFAULT_BINS);
        return String.format(Locale.ROOT, "%d,%.4f,%.4f,%.4f%n", epoch, c.accuracy(), c.negativeLogLikelihood(), c.expectedCalibrationError());
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        AtomicFiles.write(file, tmp -> Files.write(tmp, bytes));
    }

    private static void write(Path file, CharSequence text) throws IOException {
        write(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Runs the plugin's side.
     * @param args See the class documentation.
     * @throws Exception if the data cannot be read or the files written.
     */
    public static void main(String[] args) throws Exception {
        String usage = "EngineAgreement --out DIR [--data full|embedded|DIR] [--network cnn] [--epochs 15] [--seed 1] [--threads 1] "
                + "[--validation 5000]";
        Options.main("EngineAgreement", args, usage, () -> {
            Options o = Options.parse(args, usage, "out", "data", "network", "epochs", "seed", "threads", "validation");
            String outName = o.get("out", null);
            if (outName == null) {
                throw new IllegalArgumentException("--out is required; usage: " + usage);
            }
            int epochs = o.getInt("epochs", 15);
            o.requirePositive("epochs", epochs);
            int threads = o.getInt("threads", 1);
            o.requirePositive("threads", threads);
            int validation = o.getInt("validation", 5000);
            Path dir = FashionMnist.resolve(o.get("data", FashionMnist.FULL));
            Uncertainty.Split split = Uncertainty.Split.of(FashionMnist.load(dir, FashionMnist.Split.TRAIN), validation);
            MutableDataset<Label> test = FashionMnist.load(dir, FashionMnist.Split.TEST);
            String network = o.get("network", "cnn");
            long seed = o.getLong("seed", 1);
            Recipes<Label> recipes = Uncertainty.recipes(network, seed, threads);
            int stepsPerEpoch = recipes.stepsPerEpoch(split.train().size());
            DJLTrainer<Label> trainer = recipes.sgd(epochs, stepsPerEpoch);
            trainer.setProgressBar(false);
            Recorder recorder = new Recorder((long) epochs * stepsPerEpoch);
            trainer.addObserver(recorder);
            StringBuilder epochRows = new StringBuilder(EPOCHS_HEADER + "\n");
            trainer.addEpochModelListener(e -> true, (e, m) -> {
                epochRows.append(epochRow(e, m, test));
                m.close();
            });
            Path out = Path.of(outName);
            Files.createDirectories(out);
            StringBuilder run = new StringBuilder();
            run.append("network\t").append(network).append("\nepochs\t").append(epochs).append("\nseed\t").append(seed)
                    .append("\nvalidation\t").append(validation).append("\nbatch\t").append(Uncertainty.BATCH)
                    .append("\nlr\t").append(Uncertainty.LR).append('\n');
            for (FashionMnist.Split s : FashionMnist.Split.values()) {
                for (Path f : List.of(s.images(dir), s.labels(dir))) {
                    run.append(f.getFileName()).append('\t').append(FashionMnist.sha256(f)).append('\n');
                }
            }
            write(out.resolve("run.tsv"), run);
            try (DJLModel<Label> model = trainer.train(split.train())) {
                epochRows.append(epochRow(epochs, model, test));
                ImmutableOutputInfo<Label> info = model.getOutputIDInfo();
                StringBuilder outputs = new StringBuilder();
                for (int i = 0; i < info.size(); i++) {
                    outputs.append(i).append('\t').append(info.getOutput(i).getLabel()).append('\n');
                }
                write(out.resolve("outputs.tsv"), outputs);
            }
            write(out.resolve("parameters.tsv"), recorder.parameters);
            write(out.resolve("initial.f32"), recorder.initial);
            write(out.resolve("after-step-1.f32"), recorder.afterFirstStep);
            write(out.resolve("final.f32"), recorder.last);
            write(out.resolve("batches.i32"), recorder.rows.toByteArray());
            write(out.resolve("steps-djl.csv"), recorder.steps);
            write(out.resolve("epochs-djl.csv"), epochRows);
            System.out.print(epochRows);
        });
    }
}
