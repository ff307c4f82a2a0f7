package io.github.tribuoswa.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.oracle.labs.mlrg.olcut.util.Pair;
import io.github.tribuoswa.nn.convert.FeatureConverter;
import io.github.tribuoswa.nn.convert.OutputConverter;
import io.github.tribuoswa.nn.core.DenseBatches;
import io.github.tribuoswa.nn.core.DenseData;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.Standardiser;
import io.github.tribuoswa.nn.core.WeightsCodec;
import io.github.tribuoswa.nn.network.NetworkFactory;
import io.github.tribuoswa.protos.DJLModelProto;
import io.github.tribuoswa.protos.WeightsProto;
import io.github.tribuoswa.util.Batches;
import io.github.tribuoswa.util.ComponentCodec;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.impl.ModelDataCarrier;
import org.tribuo.protos.core.ModelDataProto;
import org.tribuo.protos.core.ModelProto;
import org.tribuo.provenance.ModelProvenance;

import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Tribuo model backed by a DJL network: the network's factory (its configuration, not code),
 * its weights, the feature and output converters and the optional standardisation statistics
 * of the inputs and (regression) of the targets: with targets standardised the network
 * predicts standardised values and the model maps them back to the targets' units. Immutable.
 * <p>
 * Predictions run in batches on a network built lazily on the model's device and shared by all
 * threads: each call creates its arrays in its own sub-manager, so concurrent predictions are
 * safe and give the sequential results. {@link #close()} frees the native network (a later
 * prediction builds it again).
 * <p>
 * Serialization: Tribuo protobuf ({@link #serialize()}, {@link #deserializeFromProto}) with
 * its own message {@code DJLModelProto}; Java serialization writes the same protobuf bytes.
 * Loading checks every parameter's name, shape, length and SHA-256 against the network before
 * a value is written: corrupt bytes fail with {@link IllegalArgumentException}.
 * @param <T> The output type.
 */
public final class DJLModel<T extends Output<T>> extends Model<T> implements AutoCloseable {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Protobuf version of this class.
     */
    public static final int CURRENT_VERSION = 0;

    private static final int PREDICT_BATCH = 256;

    /** The smallest batch a prediction's forward pass runs (smaller ones are padded). */
    private static final int MIN_FORWARD_BATCH = 16;

    private final transient NetworkFactory network;
    private final transient FeatureConverter featureConverter;
    private final transient OutputConverter<T> outputConverter;
    private final transient Shape inputShape;
    private final transient int numOutputs;
    private final transient WeightsProto weights;
    private final transient Standardiser standardiser;
    private final transient Standardiser targetStandardiser;
    private final transient String device;

    private transient volatile Loaded loaded;

    /**
     * The native side: a manager on the model's device and the network holding the weights.
     */
    private static final class Loaded {
        final NDManager manager;
        final Block block;

        Loaded(NDManager manager, Block block) {
            this.manager = manager;
            this.block = block;
        }
    }

    /**
     * Creates a model; trainers do ({@link TrainingRun#model}), and {@link #withWeights} makes one
     * of the same network with other weights.
     * @param name The model name.
     * @param provenance The provenance.
     * @param featureIDMap The feature domain.
     * @param outputIDInfo The output domain.
     * @param network The network factory.
     * @param featureConverter The feature converter.
     * @param outputConverter The output converter.
     * @param inputShape The shape of one example.
     * @param weights The weights (every parameter, in the network's order).
     * @param standardiser The standardisation of the inputs, or null.
     * @param targetStandardiser The standardisation of the targets (regression), or null.
     * @param device The device option ({@code auto}, {@code cpu}, {@code gpu[:N]}).
     */
    DJLModel(String name, ModelProvenance provenance, ImmutableFeatureMap featureIDMap, ImmutableOutputInfo<T> outputIDInfo,
                    NetworkFactory network, FeatureConverter featureConverter, OutputConverter<T> outputConverter,
                    Shape inputShape, WeightsProto weights, Standardiser standardiser, Standardiser targetStandardiser, String device) {
        super(name, provenance, featureIDMap, outputIDInfo, outputConverter.generatesProbabilities());
        this.network = network;
        this.featureConverter = featureConverter;
        this.outputConverter = outputConverter;
        this.inputShape = inputShape;
        this.numOutputs = outputConverter.numOutputs(outputIDInfo);
        this.weights = weights;
        this.standardiser = standardiser;
        if (targetStandardiser != null && targetStandardiser.width() != numOutputs) {
            throw new IllegalArgumentException("the target standardisation has " + targetStandardiser.width() + " dimensions, the network "
                    + numOutputs + " outputs");
        }
        this.targetStandardiser = targetStandardiser;
        this.device = device;
    }

    /**
     * Builds a fresh, initialised network of this model's architecture (weights not loaded).
     * @param manager The manager (and device) to build on.
     * @return The network.
     */
    public Block newNetwork(NDManager manager) {
        Block block = network.build(inputShape, numOutputs);
        block.initialize(manager, DataType.FLOAT32, DenseBatches.batchShape(inputShape, 1));
        return block;
    }

    private Loaded load() {
        Loaded l = loaded;
        if (l == null) {
            synchronized (this) {
                l = loaded;
                if (l == null) {
                    NDManager manager = Engines.pytorch().newBaseManager(Engines.device(this, device));
                    try {
                        Block block = newNetwork(manager);
                        NetworkWeights.write(block, NetworkWeights.Selection.ALL, WeightsCodec.decode(weights, block));
                        l = new Loaded(manager, block);
                    } catch (RuntimeException e) {
                        manager.close();
                        throw e;
                    }
                    loaded = l;
                }
            }
        }
        return l;
    }

    /**
     * The network's outputs for a batch of converted examples.
     * @param x Features, example after example (standardised if the model standardises).
     * @param batch The number of examples.
     * @return The outputs, numOutputs per example.
     */
    float[] forward(float[] x, int batch) {
        Loaded l = load();
        JniUtils.setGradMode(false);
        int width = Math.toIntExact(inputShape.size());
        int rows = Math.max(batch, MIN_FORWARD_BATCH);
        float[] input = x;
        if (rows > batch) {
            // A batch below 16 runs padded with copies of its examples: for fewer examples libtorch's CPU
            // convolution may take another path, one that probes NNPACK (which logs a warning on every
            // call where NNPACK is unsupported); padded, a small batch predicts like any other.
            input = new float[rows * width];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(x, (r % batch) * width, input, r * width, width);
            }
        }
        try (NDManager m = l.manager.newSubManager()) {
            NDArray array = DenseBatches.slice(m, input, inputShape, 0, rows);
            NDList out = l.block.forward(new ParameterStore(m, false), new NDList(array), false);
            float[] y = out.singletonOrThrow().toFloatArray();
            return rows > batch ? Arrays.copyOf(y, y.length / rows * batch) : y;
        }
    }

    @Override
    public Prediction<T> predict(Example<T> example) {
        return innerPredict(Collections.singletonList(example)).get(0);
    }

    @Override
    protected List<Prediction<T>> innerPredict(Iterable<Example<T>> examples) {
        List<Prediction<T>> out = new ArrayList<>();
        for (List<Example<T>> chunk : Batches.of(examples, PREDICT_BATCH)) {
            for (Example<T> e : chunk) {
                if (e.size() == 0) {
                    throw new IllegalArgumentException("Example has no features: " + e);
                }
            }
            float[] x = DenseData.features(chunk, featureConverter, featureIDMap);
            if (standardiser != null) {
                standardiser.apply(x);
            }
            float[] y = forward(x, chunk.size());
            if (targetStandardiser != null) {
                targetStandardiser.invert(y);
            }
            for (int i = 0; i < chunk.size(); i++) {
                out.add(outputConverter.prediction(y, i * numOutputs, outputIDInfo, chunk.get(i)));
            }
        }
        return out;
    }

    /**
     * The stored weights (every parameter, BatchNorm statistics included).
     * @return The weights.
     */
    public WeightsProto weights() {
        return weights;
    }

    /**
     * The feature converter.
     * @return The converter.
     */
    public FeatureConverter featureConverter() {
        return featureConverter;
    }

    /**
     * The output converter.
     * @return The converter.
     */
    public OutputConverter<T> outputConverter() {
        return outputConverter;
    }

    /**
     * The standardisation applied to inputs, if any.
     * @return The standardiser, or null.
     */
    public Standardiser standardiser() {
        return standardiser;
    }

    /**
     * The standardisation of the targets (regression with {@code standardiseTargets}): the
     * network's outputs are standardised values that predictions map back with it.
     * @return The standardiser, or null.
     */
    public Standardiser targetStandardiser() {
        return targetStandardiser;
    }

    /**
     * The network factory.
     * @return The factory.
     */
    public NetworkFactory network() {
        return network;
    }

    /**
     * The shape of one input example.
     * @return The shape.
     */
    public Shape inputShape() {
        return inputShape;
    }

    @Override
    public Map<String, List<Pair<String, Double>>> getTopFeatures(int n) {
        return Collections.emptyMap();
    }

    @Override
    public Optional<Excuse<T>> getExcuse(Example<T> example) {
        return Optional.empty();
    }

    /**
     * A model of the same network, converters, standardisation, domains and provenance with
     * other weights (a point of a loss landscape, an average formed outside a trainer).
     * @param newName The model name.
     * @param newWeights Every parameter, in the network's order (checked against the network
     *                   when the model first predicts).
     * @return The model.
     */
    public DJLModel<T> withWeights(String newName, WeightsProto newWeights) {
        return new DJLModel<>(newName, getProvenance(), featureIDMap, outputIDInfo, network, featureConverter, outputConverter,
                inputShape, newWeights, standardiser, targetStandardiser, device);
    }

    /**
     * A model of the same network, converters, standardisation and domains with other weights
     * and its own provenance (a model soup, whose provenance names its ingredients).
     * @param newName The model name.
     * @param newWeights Every parameter, in the network's order.
     * @param newProvenance The provenance.
     * @return The model.
     */
    public DJLModel<T> withWeights(String newName, WeightsProto newWeights, ModelProvenance newProvenance) {
        return new DJLModel<>(newName, newProvenance, featureIDMap, outputIDInfo, network, featureConverter, outputConverter,
                inputShape, newWeights, standardiser, targetStandardiser, device);
    }

    @Override
    protected DJLModel<T> copy(String newName, ModelProvenance newProvenance) {
        return new DJLModel<>(newName, newProvenance, featureIDMap, outputIDInfo, network, featureConverter, outputConverter,
                inputShape, weights, standardiser, targetStandardiser, device);
    }

    @Override
    public void close() {
        Loaded l;
        synchronized (this) {
            l = loaded;
            loaded = null;
        }
        if (l != null) {
            l.manager.close();
        }
    }

    @Override
    public ModelProto serialize() {
        ModelDataCarrier<T> carrier = createDataCarrier();
        DJLModelProto.Builder b = DJLModelProto.newBuilder()
                .setModelData(carrier.serialize().toByteString())
                .setNetwork(com.google.protobuf.ByteString.copyFrom(ComponentCodec.encode(network)))
                .setFeatureConverter(com.google.protobuf.ByteString.copyFrom(ComponentCodec.encode(featureConverter)))
                .setOutputConverter(com.google.protobuf.ByteString.copyFrom(ComponentCodec.encode(outputConverter)))
                .setNumOutputs(numOutputs)
                .setWeights(weights)
                .setDevice(device);
        for (long d : inputShape.getShape()) {
            b.addInputShape(d);
        }
        if (standardiser != null) {
            for (float v : standardiser.mean()) {
                b.addStandardiseMean(v);
            }
            for (float v : standardiser.std()) {
                b.addStandardiseStd(v);
            }
        }
        if (targetStandardiser != null) {
            for (float v : targetStandardiser.mean()) {
                b.addTargetMean(v);
            }
            for (float v : targetStandardiser.std()) {
                b.addTargetStd(v);
            }
        }
        return ModelProto.newBuilder().setVersion(CURRENT_VERSION).setClassName(DJLModel.class.getName())
                .setSerializedData(Any.pack(b.build())).build();
    }

    /**
     * Deserializes a model from its protobuf (called by Tribuo's {@code Model.deserialize}).
     * The weights are checked against the network before anything else happens.
     * @param version The serialized version.
     * @param className The class name.
     * @param message The serialized data.
     * @return The model.
     * @throws InvalidProtocolBufferException if the bytes are not a DJLModelProto.
     * @throws IllegalArgumentException if the contents are corrupt or inconsistent.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static DJLModel<?> deserializeFromProto(int version, String className, Any message) throws InvalidProtocolBufferException {
        if (version < 0 || version > CURRENT_VERSION) {
            throw new IllegalArgumentException("Unknown version " + version + ", this class supports at most version " + CURRENT_VERSION);
        }
        DJLModelProto proto = message.unpack(DJLModelProto.class);
        // every class the components name is checked before anything is built from the message
        ComponentCodec.check(proto.getNetwork().toByteArray(), NetworkFactory.class, "DJLModelProto.network");
        ComponentCodec.check(proto.getFeatureConverter().toByteArray(), FeatureConverter.class, "DJLModelProto.feature_converter");
        ComponentCodec.check(proto.getOutputConverter().toByteArray(), OutputConverter.class, "DJLModelProto.output_converter");
        ModelDataCarrier<?> carrier = ModelDataCarrier.deserialize(ModelDataProto.parseFrom(proto.getModelData()));
        NetworkFactory network = ComponentCodec.decode(proto.getNetwork().toByteArray(), NetworkFactory.class, "DJLModelProto.network");
        FeatureConverter fc = ComponentCodec.decode(proto.getFeatureConverter().toByteArray(), FeatureConverter.class,
                "DJLModelProto.feature_converter");
        OutputConverter oc = ComponentCodec.decode(proto.getOutputConverter().toByteArray(), OutputConverter.class,
                "DJLModelProto.output_converter");
        Object anOutput = carrier.outputDomain().getDomain().iterator().next();
        if (!oc.outputType().isInstance(anOutput)) {
            throw new IllegalArgumentException("Corrupt model: output converter for " + oc.outputType().getSimpleName()
                    + " but outputs of type " + anOutput.getClass().getSimpleName());
        }
        if (proto.getNumOutputs() != oc.numOutputs((ImmutableOutputInfo) carrier.outputDomain())) {
            throw new IllegalArgumentException("Corrupt model: " + proto.getNumOutputs() + " outputs stored, the output domain has "
                    + oc.numOutputs((ImmutableOutputInfo) carrier.outputDomain()));
        }
        Shape shape = new Shape(proto.getInputShapeList().stream().mapToLong(Long::longValue).toArray());
        Standardiser std = standardiser(proto.getStandardiseMeanList(), proto.getStandardiseStdList(), "standardise");
        Standardiser targets = standardiser(proto.getTargetMeanList(), proto.getTargetStdList(), "target");
        if (std != null && std.width() != shape.size()) {
            throw new IllegalArgumentException("Corrupt model: " + std.width() + " standardise statistics for inputs of " + shape.size() + " values");
        }
        if (targets != null && targets.width() != proto.getNumOutputs()) {
            throw new IllegalArgumentException("Corrupt model: " + targets.width() + " target statistics for " + proto.getNumOutputs() + " outputs");
        }
        DJLModel<?> model = new DJLModel(carrier.name(), carrier.provenance(), carrier.featureDomain(), carrier.outputDomain(),
                network, fc, oc, shape, proto.getWeights(), std, targets, proto.getDevice());
        model.load(); // validates the weights against the network now, not at the first prediction
        return model;
    }

    /** The standardisation stored as two lists (none if both are empty); unequal lengths are a corrupt model. */
    private static Standardiser standardiser(List<Float> mean, List<Float> std, String field) {
        if (mean.isEmpty() && std.isEmpty()) {
            return null;
        }
        if (mean.size() != std.size()) {
            throw new IllegalArgumentException("Corrupt model: " + mean.size() + " " + field + "_mean values but " + std.size() + " "
                    + field + "_std");
        }
        float[] m = new float[mean.size()];
        float[] s = new float[std.size()];
        for (int i = 0; i < m.length; i++) {
            m[i] = mean.get(i);
            s[i] = std.get(i);
        }
        return new Standardiser(m, s);
    }

    /**
     * Java serialization writes the protobuf form.
     * @return The serialized form.
     */
    @Serial
    private Object writeReplace() {
        return new SerializedForm(serialize().toByteArray());
    }

    /**
     * The Java-serialized form of a {@link DJLModel}: its protobuf bytes.
     */
    private static final class SerializedForm implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        private final byte[] proto;

        SerializedForm(byte[] proto) {
            this.proto = proto;
        }

        @Serial
        private Object readResolve() throws ObjectStreamException {
            try {
                return Model.deserialize(ModelProto.parseFrom(proto));
            } catch (InvalidProtocolBufferException | RuntimeException e) {
                java.io.InvalidObjectException ex = new java.io.InvalidObjectException("Corrupt serialized DJLModel: " + e.getMessage());
                ex.initCause(e);
                throw ex;
            }
        }
    }

    @Override
    public String toString() {
        return "DJLModel(name=" + name + ",network=" + network + ",inputShape=" + inputShape + ",outputs=" + numOutputs + ",device=" + device + ")";
    }
}
