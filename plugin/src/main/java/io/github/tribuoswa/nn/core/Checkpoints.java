package io.github.tribuoswa.nn.core;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.github.tribuoswa.protos.CheckpointProto;
import io.github.tribuoswa.util.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The checkpoint file of one training run: written atomically (a temporary file in the same
 * directory, forced to the disk, then a rename; {@link AtomicFiles}), so a run killed at any moment leaves either the previous or the
 * new checkpoint, never a partial one; read back only if its SHA-256 and its fingerprint (the
 * configuration, invocation and data it belongs to) match. A corrupt checkpoint or one from
 * another configuration is refused with a clear error, and nothing is overwritten.
 */
public final class Checkpoints {

    /**
     * The format version written.
     */
    public static final int VERSION = 2;

    /** Floats hashed at a time by the fingerprint. */
    private static final int FINGERPRINT_BLOCK = 1 << 16;

    private final Path file;
    private final String fingerprint;

    /**
     * The checkpoint of a run.
     * @param file The checkpoint file.
     * @param fingerprint The run's fingerprint.
     */
    public Checkpoints(Path file, String fingerprint) {
        this.file = file;
        this.fingerprint = fingerprint;
    }

    /**
     * The checkpoint file.
     * @return The path.
     */
    public Path file() {
        return file;
    }

    /**
     * The run's fingerprint.
     * @return The fingerprint.
     */
    public String fingerprint() {
        return fingerprint;
    }

    /**
     * Reads the checkpoint if there is one, first removing the temporary files that writes killed
     * part-way left next to it (a run reads its checkpoint when it starts or resumes).
     * @return The checkpoint, or empty if the file does not exist.
     * @throws IllegalStateException if the file is corrupt or belongs to another run.
     */
    public Optional<CheckpointProto> read() {
        try {
            AtomicFiles.removeStale(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot remove the stale temporary files of checkpoint " + file, e);
        }
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        CheckpointProto proto;
        try {
            proto = CheckpointProto.parseFrom(Files.readAllBytes(file));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("Checkpoint " + file + " is corrupt (" + e.getMessage() + "); it was left untouched. "
                    + "Delete it to start the run afresh.", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read checkpoint " + file, e);
        }
        byte[] expected = proto.getSha256().toByteArray();
        byte[] actual = WeightsCodec.sha256(proto.toBuilder().clearSha256().build().toByteArray());
        if (!Arrays.equals(expected, actual)) {
            throw new IllegalStateException("Checkpoint " + file + " is corrupt (SHA-256 mismatch); it was left untouched. "
                    + "Delete it to start the run afresh.");
        }
        if (proto.getVersion() != VERSION) {
            throw new IllegalStateException("Checkpoint " + file + " has format version " + proto.getVersion() + ", this plugin reads " + VERSION);
        }
        if (!proto.getFingerprint().equals(fingerprint)) {
            throw new IllegalStateException("Checkpoint " + file + " was written by another configuration or data set (fingerprint "
                    + proto.getFingerprint() + ", this run " + fingerprint + "); it was left untouched. Use another checkpointDirectory "
                    + "or delete the file.");
        }
        return Optional.of(proto);
    }

    /**
     * Writes a checkpoint atomically (a complete new file replaces the old one), filling in the
     * version, fingerprint and checksum.
     * @param checkpoint The contents.
     */
    public void write(CheckpointProto.Builder checkpoint) {
        CheckpointProto body = checkpoint.setVersion(VERSION).setFingerprint(fingerprint).clearSha256().build();
        byte[] bytes = body.toBuilder().setSha256(ByteString.copyFrom(WeightsCodec.sha256(body.toByteArray()))).build().toByteArray();
        try {
            AtomicFiles.write(file, tmp -> Files.write(tmp, bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write checkpoint " + file, e);
        }
    }

    /**
     * The fingerprint of a run: what its checkpoint must match. The trainer's class and
     * configuration (without the checkpoint directory), the invocation and seed, and the data.
     * @param trainer The trainer's class.
     * @param configuration Its configured parameters.
     * @param invocation The invocation.
     * @param runSeed The run's seed.
     * @param data The training data.
     * @return A SHA-256 in hex.
     */
    public static String fingerprint(Class<?> trainer, Map<String, ?> configuration, int invocation, long runSeed, DenseData data) {
        Map<String, String> config = new TreeMap<>();
        configuration.forEach((k, v) -> {
            if (!k.equals("checkpointDirectory")) {
                config.put(k, String.valueOf(v));
            }
        });
        return fingerprint(trainer.getName() + config + "|invocation=" + invocation + "|seed=" + runSeed, data);
    }

    private static String fingerprint(String configuration, DenseData data) {
        // the SHA-256 of: size, widths and the configuration's hash as little-endian longs, then every feature and every
        // target as little-endian float32, streamed a block at a time (the bytes, so the hash, of any chunk layout)
        MessageDigest digest = WeightsCodec.sha256();
        ByteBuffer block = ByteBuffer.allocate(FINGERPRINT_BLOCK * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        block.putLong(data.size()).putLong(data.featureWidth()).putLong(data.targetWidth()).putLong(configuration.hashCode());
        digest.update(block.array(), 0, block.position());
        digestRows(digest, data.features(), block);
        digestRows(digest, data.targets(), block);
        byte[] all = WeightsCodec.sha256((configuration + HexFormat.of().formatHex(digest.digest())).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(all);
    }

    private static void digestRows(MessageDigest digest, FloatRows rows, ByteBuffer block) {
        FloatBuffer floats = block.clear().asFloatBuffer();
        for (int c = 0; c < rows.chunkCount(); c++) {
            float[] chunk = rows.chunk(c);
            for (int from = 0; from < chunk.length; from += FINGERPRINT_BLOCK) {
                int k = Math.min(FINGERPRINT_BLOCK, chunk.length - from);
                floats.clear();
                floats.put(chunk, from, k);
                digest.update(block.array(), 0, k * Float.BYTES);
            }
        }
    }

    /**
     * Float32 little-endian bytes.
     * @param values The values.
     * @return The bytes.
     */
    public static ByteString floats(float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return ByteString.copyFrom(buf.array());
    }

    /**
     * Float64 little-endian bytes.
     * @param values The values.
     * @return The bytes.
     */
    public static ByteString doubles(double[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        buf.asDoubleBuffer().put(values);
        return ByteString.copyFrom(buf.array());
    }

    /**
     * Reads float32 little-endian bytes.
     * @param bytes The bytes.
     * @return The values.
     */
    public static float[] floats(ByteString bytes) {
        float[] out = new float[bytes.size() / 4];
        bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /**
     * Reads float64 little-endian bytes.
     * @param bytes The bytes.
     * @return The values.
     */
    public static double[] doubles(ByteString bytes) {
        double[] out = new double[bytes.size() / 8];
        bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
        return out;
    }
}
