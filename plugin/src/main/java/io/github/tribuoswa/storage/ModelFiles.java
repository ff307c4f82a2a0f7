package io.github.tribuoswa.storage;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TypeRegistry;
import io.github.tribuoswa.protos.DJLModelProto;
import io.github.tribuoswa.util.AtomicFiles;
import io.github.tribuoswa.util.ComponentCodec;
import org.tribuo.Model;
import org.tribuo.protos.ProtoSerializable;
import org.tribuo.protos.core.ModelDataProto;
import org.tribuo.protos.core.ModelProto;
import org.tribuo.protos.core.WeightedEnsembleModelProto;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one way to save and load a model file, in Tribuo's protobuf form or with Java
 * serialization, safely.
 * <ul>
 *   <li>Saving goes through {@link AtomicFiles}: a temporary file in the same directory, forced
 *   to the disk, renamed over the target. A process killed at any moment leaves the old file or
 *   the new one, whole.</li>
 *   <li>The file ends with a SHA-256 of everything before it, as a trailer that Tribuo and Java
 *   ignore: a protobuf file is still read by Tribuo's {@code Model.deserializeFromFile} (the
 *   trailer is an unknown field, number {@value #CHECKSUM_FIELD}), a Java file by a plain
 *   {@code ObjectInputStream} (the trailer follows the object). Loading refuses a file whose
 *   checksum does not match, so a truncated or bit-flipped file never loads as another model.</li>
 *   <li>Before anything is built, loading checks every class the file names: for protobuf, each
 *   {@code class_name} of the model, its data and its members (a {@link Model} where a model
 *   is stored, a {@link ProtoSerializable} elsewhere) and every component the plugin's models
 *   store ({@link ComponentCodec#check}), all looked up without being initialised; for Java
 *   serialization, an {@link ObjectInputFilter} that admits only {@link #JAVA_FILTER}'s packages
 *   and limits the stream's depth and size.</li>
 * </ul>
 * Messages of third-party model types that this class cannot parse (their {@code Any} contents)
 * are left to Tribuo's own checks; their top-level class is still checked.
 */
public final class ModelFiles {

    /**
     * The protobuf field number of the checksum trailer of a protobuf model file.
     */
    public static final int CHECKSUM_FIELD = 1000;

    /**
     * The allow-list of Java deserialization for model files, in {@code jdk.serialFilter}
     * syntax: Tribuo, OLCUT, the plugin's three model classes (a {@code DJLModel} travels as its
     * protobuf bytes), the plugin's enums (provenance holds them; Java builds an enum by name,
     * running none of its code), and the JDK classes models hold; depth and size limits;
     * everything else, the plugin's other classes included, refused. Applications that read
     * Java-serialized models themselves can set the same with {@code -Djdk.serialFilter=...}.
     */
    public static final String JAVA_FILTER = "maxdepth=100;maxrefs=10000000;maxbytes=4000000000;maxarray=2000000000;"
            + "org.tribuo.**;com.oracle.labs.mlrg.olcut.**;"
            + "io.github.tribuoswa.nn.DJLModel;io.github.tribuoswa.nn.DJLModel$SerializedForm;io.github.tribuoswa.ensemble.BatchedEnsembleModel;"
            + "io.github.tribuoswa.calibration.TemperatureScaledModel;"
            + "io.github.tribuoswa.averaging.Averaging;io.github.tribuoswa.schedule.AnnealStrategy;io.github.tribuoswa.nn.swa.CycleUnit;"
            + "io.github.tribuoswa.nn.swa.BatchNormMode;io.github.tribuoswa.nn.network.Activation;io.github.tribuoswa.nn.core.Initialisation;"
            + "io.github.tribuoswa.nn.core.DeviceAverage$Precision;io.github.tribuoswa.nn.core.SwagPosterior$Covariance;"
            + "io.github.tribuoswa.nn.core.NetworkWeights$Selection;io.github.tribuoswa.storage.ModelFiles$Format;"
            + "io.github.tribuoswa.schedule.WSDSchedule$Shape;io.github.tribuoswa.averaging.EmaDecay$Warmup;"
            + "io.github.tribuoswa.nn.swa.SoupTrainer$Recipe;"
            + "java.lang.*;java.util.*;java.time.*;java.net.URL;java.io.File;java.util.regex.Pattern;"
            + "com.google.protobuf.**;!*";

    private static final int SHA256_BYTES = 32;
    // the trailer: tag of field CHECKSUM_FIELD with wire type 2 (varint 0xC2 0x3E), length 32, the digest
    private static final byte[] TRAILER_HEAD = {(byte) 0xC2, (byte) 0x3E, (byte) SHA256_BYTES};
    private static final int TRAILER = TRAILER_HEAD.length + SHA256_BYTES;
    private static final byte[] JAVA_MAGIC = {(byte) 0xAC, (byte) 0xED};

    private static final TypeRegistry TYPES = TypeRegistry.newBuilder().add(ModelProto.getDescriptor())
            .add(WeightedEnsembleModelProto.getDescriptor()).add(ModelDataProto.getDescriptor()).add(DJLModelProto.getDescriptor()).build();
    // byte fields of the plugin's messages that hold other messages
    private static final Map<String, Descriptor> NESTED_BYTES = Map.of(
            "tribuoswa.DJLModelProto.model_data", ModelDataProto.getDescriptor(),
            "tribuoswa.TemperatureScaledModelProto.model_data", ModelDataProto.getDescriptor(),
            "tribuoswa.TemperatureScaledModelProto.inner", ModelProto.getDescriptor());
    // byte fields of the plugin's messages that hold a component's OLCUT configuration
    private static final Set<String> COMPONENT_BYTES = Set.of("tribuoswa.DJLModelProto.network", "tribuoswa.DJLModelProto.feature_converter",
            "tribuoswa.DJLModelProto.output_converter");

    /**
     * The format of a model file.
     */
    public enum Format {
        /**
         * Tribuo's protobuf {@code ModelProto}.
         */
        PROTOBUF,
        /**
         * Java serialization.
         */
        JAVA
    }

    private ModelFiles() {}

    /**
     * Saves a model in Tribuo's protobuf form, atomically, with a checksum.
     * @param model The model.
     * @param file The file (replaced only by a complete new one).
     * @throws IOException if the file cannot be written (the old file is then unchanged).
     */
    public static void save(Model<?> model, Path file) throws IOException {
        save(model, file, Format.PROTOBUF);
    }

    /**
     * Saves a model, atomically, with a checksum.
     * @param model The model.
     * @param file The file (replaced only by a complete new one).
     * @param format PROTOBUF or JAVA.
     * @throws IOException if the file cannot be written (the old file is then unchanged).
     */
    public static void save(Model<?> model, Path file, Format format) throws IOException {
        byte[] body;
        if (format == Format.PROTOBUF) {
            body = model.serialize().toByteArray();
        } else {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(model);
            }
            body = bytes.toByteArray();
        }
        byte[] all = Arrays.copyOf(body, body.length + TRAILER);
        System.arraycopy(TRAILER_HEAD, 0, all, body.length, TRAILER_HEAD.length);
        System.arraycopy(sha256(body), 0, all, body.length + TRAILER_HEAD.length, SHA256_BYTES);
        AtomicFiles.write(file, tmp -> Files.write(tmp, all));
    }

    /**
     * Loads a model saved by {@link #save}, in either format, checking its checksum and every
     * class it names before anything is built.
     * @param file The file.
     * @param type The type the model must have (e.g. {@code Model.class}, {@code DJLModel.class}).
     * @param <M> The type.
     * @return The model.
     * @throws IOException if the file cannot be read.
     * @throws IllegalArgumentException naming the file (and the field and class where one is at
     *     fault) if it is truncated, corrupt, has no checksum, names a class of the wrong type, or
     *     holds a model of another type.
     */
    public static <M extends Model<?>> M load(Path file, Class<M> type) throws IOException {
        byte[] all = Files.readAllBytes(file);
        byte[] body = verified(file, all);
        Object model;
        try {
            if (startsWith(body, JAVA_MAGIC)) {
                model = readJava(file, body);
            } else {
                ModelProto proto = ModelProto.parseFrom(body);
                checkClasses(proto, "ModelProto", Model.class);
                model = Model.deserialize(proto);
            }
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("model file " + file + " is not a Tribuo model (neither protobuf nor Java serialization): "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("model file " + file + " was refused: " + rootMessage(e), e);
        }
        if (!type.isInstance(model)) {
            throw new IllegalArgumentException("model file " + file + " holds a " + model.getClass().getName() + ", not a " + type.getName());
        }
        return type.cast(model);
    }

    /**
     * The format of a file written by {@link #save}, from its first bytes.
     * @param file The file.
     * @return PROTOBUF or JAVA.
     * @throws IOException if it cannot be read.
     */
    public static Format format(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return startsWith(in.readNBytes(2), JAVA_MAGIC) ? Format.JAVA : Format.PROTOBUF;
        }
    }

    private static byte[] verified(Path file, byte[] all) {
        if (all.length <= TRAILER || !Arrays.equals(Arrays.copyOfRange(all, all.length - TRAILER, all.length - SHA256_BYTES), TRAILER_HEAD)) {
            throw new IllegalArgumentException("model file " + file + " has no checksum: it is truncated, or was not written by "
                    + "ModelFiles.save (re-save it with ModelFiles.save, or read it with Tribuo's Model.deserializeFromFile at your own risk)");
        }
        byte[] body = Arrays.copyOf(all, all.length - TRAILER);
        if (!Arrays.equals(sha256(body), Arrays.copyOfRange(all, all.length - SHA256_BYTES, all.length))) {
            throw new IllegalArgumentException("model file " + file + " is corrupt (SHA-256 mismatch); nothing was built from it");
        }
        return body;
    }

    private static Object readJava(Path file, byte[] body) {
        ObjectInputFilter allowed = ObjectInputFilter.Config.createFilter(JAVA_FILTER);
        String[] rejected = new String[1];
        ObjectInputFilter recording = info -> {
            ObjectInputFilter.Status status = allowed.checkInput(info);
            if (status == ObjectInputFilter.Status.REJECTED && rejected[0] == null) {
                rejected[0] = info.serialClass() == null ? "a stream limit (depth " + info.depth() + ", references " + info.references()
                        + ", bytes " + info.streamBytes() + ", array length " + info.arrayLength() + ")" : "class " + info.serialClass().getName();
            }
            return status;
        };
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(body))) {
            in.setObjectInputFilter(recording);
            return in.readObject();
        } catch (InvalidClassException e) {
            throw new IllegalArgumentException("model file " + file + " holds " + (rejected[0] == null ? e.getMessage() : rejected[0])
                    + ", outside the allow-list of Java deserialization (ModelFiles.JAVA_FILTER); refused before it was built", e);
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalArgumentException("model file " + file + " is not a readable Java-serialized model: " + e, e);
        }
    }

    /**
     * Checks every {@code class_name} in a message (and the messages inside it this class can
     * parse) without initialising any class.
     */
    private static void checkClasses(Message message, String path, Class<?> required) throws InvalidProtocolBufferException {
        for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
            FieldDescriptor f = e.getKey();
            String where = path + "." + f.getName();
            List<?> values = f.isRepeated() ? (List<?>) e.getValue() : List.of(e.getValue());
            for (int i = 0; i < values.size(); i++) {
                Object v = values.get(i);
                String at = f.isRepeated() ? where + "[" + i + "]" : where;
                if (f.getName().equals("class_name") && v instanceof String name) {
                    classOf(name, required, at);
                } else if (v instanceof Any any) {
                    Descriptor d = TYPES.getDescriptorForTypeUrl(any.getTypeUrl());
                    if (d != null) {
                        checkClasses(DynamicMessage.parseFrom(d, any.getValue()), at, ProtoSerializable.class);
                    }
                } else if (v instanceof Message m) {
                    boolean isModel = m.getDescriptorForType().getFullName().equals(ModelProto.getDescriptor().getFullName());
                    checkClasses(m, at, isModel ? Model.class : ProtoSerializable.class);
                } else if (v instanceof ByteString bytes) {
                    Descriptor nested = NESTED_BYTES.get(f.getFullName());
                    if (nested != null) {
                        boolean isModel = nested.getFullName().equals(ModelProto.getDescriptor().getFullName());
                        checkClasses(DynamicMessage.parseFrom(nested, bytes), at, isModel ? Model.class : ProtoSerializable.class);
                    } else if (COMPONENT_BYTES.contains(f.getFullName())) {
                        ComponentCodec.check(bytes.toByteArray(), com.oracle.labs.mlrg.olcut.config.Configurable.class, at);
                    }
                }
            }
        }
    }

    private static void classOf(String name, Class<?> required, String where) {
        Class<?> c;
        try {
            c = Class.forName(name, false, ModelFiles.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException(where + " names class " + name + ", which is not on the class path");
        }
        if (!required.isAssignableFrom(c)) {
            throw new IllegalArgumentException(where + " names class " + name + ", which is not a " + required.getName()
                    + "; refused before anything was built");
        }
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(Arrays.copyOf(bytes, prefix.length), prefix);
    }

    private static String rootMessage(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause == t ? String.valueOf(t.getMessage()) : cause.getMessage() + " (" + t.getMessage() + ")";
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
