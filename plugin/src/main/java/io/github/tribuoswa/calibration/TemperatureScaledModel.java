package io.github.tribuoswa.calibration;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.DoubleProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import com.oracle.labs.mlrg.olcut.util.Pair;
import io.github.tribuoswa.protos.TemperatureScaledModelProto;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.impl.ModelDataCarrier;
import org.tribuo.protos.core.ModelDataProto;
import org.tribuo.protos.core.ModelProto;
import org.tribuo.provenance.ModelProvenance;

import java.io.Serial;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Any Tribuo classifier that generates probabilities, with its probabilities rescaled by a
 * temperature ({@link TemperatureScaling}): the same predicted classes, better calibrated
 * probabilities when T was fitted on held-out data. It predicts through the wrapped model (in
 * its batches) and rescales each prediction. Its provenance is the wrapped model's, with the
 * temperature and the wrapped model's class added as instance provenance. Immutable;
 * serializes with Tribuo's protobuf ({@link #serialize()}, {@link #deserializeFromProto}, its own
 * {@code TemperatureScaledModelProto} holding the wrapped model's {@code ModelProto}) and with Java
 * serialization.
 */
public final class TemperatureScaledModel extends Model<Label> {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * The protobuf format this class writes.
     */
    public static final int CURRENT_VERSION = 0;

    private final Model<Label> inner;
    private final double temperature;

    /**
     * Wraps a model.
     * @param name The model name.
     * @param inner The classifier (it must generate probabilities).
     * @param temperature T &gt; 0 (1 changes nothing).
     */
    public TemperatureScaledModel(String name, Model<Label> inner, double temperature) {
        this(name, provenance(inner, temperature), inner, temperature);
    }

    private TemperatureScaledModel(String name, ModelProvenance provenance, Model<Label> inner, double temperature) {
        super(name, provenance, inner.getFeatureIDMap(), inner.getOutputIDInfo(), true);
        if (!inner.generatesProbabilities()) {
            throw new IllegalArgumentException("model " + inner.getName() + " does not generate probabilities; temperature scaling needs them");
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature = " + temperature + " is out of range; allowed: finite real > 0");
        }
        this.inner = inner;
        this.temperature = temperature;
    }

    /**
     * Fits T on validation data and wraps the model.
     * @param inner The classifier.
     * @param validation Held-out predictions of it, with true labels.
     * @return The wrapped model.
     */
    public static TemperatureScaledModel fit(Model<Label> inner, List<Prediction<Label>> validation) {
        return new TemperatureScaledModel(inner.getName() + "-temperature-scaled", inner,
                TemperatureScaling.fit(validation, inner.getOutputIDInfo()));
    }

    private static ModelProvenance provenance(Model<Label> inner, double temperature) {
        ModelProvenance p = inner.getProvenance();
        Map<String, Provenance> instance = new HashMap<>(p.getInstanceProvenance().getMap());
        instance.put("temperature", new DoubleProvenance("temperature", temperature));
        instance.put("wrapped-model-class", new StringProvenance("wrapped-model-class", inner.getClass().getName()));
        return new ModelProvenance(TemperatureScaledModel.class.getName(), OffsetDateTime.now(), p.getDatasetProvenance(),
                p.getTrainerProvenance(), instance);
    }

    /**
     * The temperature.
     * @return T.
     */
    public double temperature() {
        return temperature;
    }

    /**
     * The wrapped classifier.
     * @return The model.
     */
    public Model<Label> inner() {
        return inner;
    }

    private Prediction<Label> rescale(Prediction<Label> p) {
        ImmutableOutputInfo<Label> domain = outputIDInfo;
        double[] q = TemperatureScaling.scale(Calibration.probabilities(p, domain), temperature);
        Map<String, Label> out = new LinkedHashMap<>();
        Label best = null;
        for (Pair<Integer, Label> e : domain) {
            Label l = new Label(e.getB().getLabel(), q[e.getA()]);
            out.put(l.getLabel(), l);
            if (best == null || l.getScore() > best.getScore()) {
                best = l;
            }
        }
        return new Prediction<>(best, out, p.getNumActiveFeatures(), p.getExample(), true);
    }

    @Override
    public Prediction<Label> predict(Example<Label> example) {
        return rescale(inner.predict(example));
    }

    @Override
    protected List<Prediction<Label>> innerPredict(Iterable<Example<Label>> examples) {
        List<Prediction<Label>> out = new ArrayList<>();
        for (Prediction<Label> p : inner.predict(examples)) {
            out.add(rescale(p));
        }
        return out;
    }

    @Override
    public Map<String, List<Pair<String, Double>>> getTopFeatures(int n) {
        return inner.getTopFeatures(n);
    }

    @Override
    public Optional<Excuse<Label>> getExcuse(Example<Label> example) {
        return inner.getExcuse(example);
    }

    @Override
    protected Model<Label> copy(String newName, ModelProvenance newProvenance) {
        return new TemperatureScaledModel(newName, newProvenance, inner, temperature);
    }

    @Override
    public ModelProto serialize() {
        TemperatureScaledModelProto proto = TemperatureScaledModelProto.newBuilder()
                .setModelData(createDataCarrier().serialize().toByteString())
                .setInner(inner.serialize().toByteString())
                .setTemperature(temperature).build();
        return ModelProto.newBuilder().setVersion(CURRENT_VERSION).setClassName(TemperatureScaledModel.class.getName())
                .setSerializedData(Any.pack(proto)).build();
    }

    /**
     * Deserializes a model from its protobuf (called by Tribuo's {@code Model.deserialize}).
     * @param version The serialized version.
     * @param className The class name.
     * @param message The serialized data.
     * @return The model.
     * @throws InvalidProtocolBufferException if the bytes are not a {@code TemperatureScaledModelProto}.
     * @throws IllegalArgumentException if the contents are inconsistent (the wrapped model not a
     *     probabilistic classifier, a temperature out of range, domains that differ).
     */
    @SuppressWarnings("unchecked")
    public static TemperatureScaledModel deserializeFromProto(int version, String className, Any message) throws InvalidProtocolBufferException {
        if (version < 0 || version > CURRENT_VERSION) {
            throw new IllegalArgumentException("Unknown version " + version + ", this class supports at most version " + CURRENT_VERSION);
        }
        TemperatureScaledModelProto proto = message.unpack(TemperatureScaledModelProto.class);
        ModelDataCarrier<?> carrier = ModelDataCarrier.deserialize(ModelDataProto.parseFrom(proto.getModelData()));
        Model<?> inner = Model.deserialize(ModelProto.parseFrom(proto.getInner()));
        if (!inner.validate(Label.class)) {
            throw new IllegalArgumentException("Corrupt temperature-scaled model: the wrapped model " + inner.getName() + " is not a classifier");
        }
        if (!carrier.outputDomain().getDomain().equals(inner.getOutputIDInfo().getDomain())) {
            throw new IllegalArgumentException("Corrupt temperature-scaled model: its classes " + carrier.outputDomain().getDomain()
                    + " are not the wrapped model's " + inner.getOutputIDInfo().getDomain());
        }
        return new TemperatureScaledModel(carrier.name(), carrier.provenance(), (Model<Label>) inner, proto.getTemperature());
    }

    @Override
    public String toString() {
        return "TemperatureScaledModel(name=" + name + ",temperature=" + temperature + ",inner=" + inner + ")";
    }
}
