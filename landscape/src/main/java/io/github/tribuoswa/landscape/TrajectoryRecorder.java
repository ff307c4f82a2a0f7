package io.github.tribuoswa.landscape;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import io.github.tribuoswa.nn.core.Checkpoints;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.util.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import java.util.stream.Stream;

/**
 * A DJL training listener that records the trainable weights after chosen steps, so that a
 * trajectory (cyclic or constant-rate SGD from a pre-trained point, as in the SWA paper's
 * figures) can be projected onto its plane. Weights are kept in memory, or written to a
 * directory as {@code step-K.f32} files (float32, little-endian) when they are large.
 */
public final class TrajectoryRecorder extends TrainingListenerAdapter {

    private final LongPredicate steps;
    private final Path directory;
    private final TreeMap<Long, float[]> memory = new TreeMap<>();
    private long done;
    private boolean finished;

    /**
     * A recorder.
     * @param steps Which steps' weights to record (k = 0 is the start).
     * @param directory Where to write them, or null to keep them in memory.
     */
    public TrajectoryRecorder(LongPredicate steps, Path directory) {
        this.steps = steps;
        this.directory = directory;
    }

    private void record(Trainer trainer) {
        if (steps.test(done)) {
            float[] w = NetworkWeights.read(trainer.getModel().getBlock(), NetworkWeights.Selection.TRAINABLE);
            if (directory == null) {
                memory.put(done, w);
            } else {
                try {
                    Files.createDirectories(directory);
                    byte[] bytes = Checkpoints.floats(w).toByteArray();
                    AtomicFiles.write(directory.resolve("step-" + done + ".f32"), tmp -> Files.write(tmp, bytes));
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot write trajectory weights to " + directory, e);
                }
            }
        }
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        record(trainer);
        done++;
    }

    @Override
    public void onTrainingEnd(Trainer trainer) {
        if (!finished) {
            finished = true;
            record(trainer);
        }
    }

    /**
     * The weights recorded in memory, by step.
     * @return The weights.
     */
    public TreeMap<Long, float[]> recorded() {
        return memory;
    }

    /**
     * Reads a trajectory written to a directory, in step order.
     * @param directory The directory.
     * @return (step, weights) in order.
     * @throws IOException if reading fails.
     */
    public static TreeMap<Long, float[]> read(Path directory) throws IOException {
        TreeMap<Long, float[]> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> list = new ArrayList<>(files.filter(f -> f.getFileName().toString().matches("step-\\d+\\.f32")).toList());
            for (Path f : list) {
                String name = f.getFileName().toString();
                long k = Long.parseLong(name.substring(5, name.length() - 4));
                out.put(k, Checkpoints.floats(com.google.protobuf.ByteString.copyFrom(Files.readAllBytes(f))));
            }
        }
        return out;
    }
}
