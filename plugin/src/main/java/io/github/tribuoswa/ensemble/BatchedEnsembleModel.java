package io.github.tribuoswa.ensemble;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.oracle.labs.mlrg.olcut.provenance.ListProvenance;
import io.github.tribuoswa.util.Batches;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.ensemble.EnsembleCombiner;
import org.tribuo.ensemble.EnsembleModel;
import org.tribuo.ensemble.WeightedEnsembleModel;
import org.tribuo.impl.ModelDataCarrier;
import org.tribuo.protos.core.ModelProto;
import org.tribuo.protos.core.WeightedEnsembleModelProto;
import org.tribuo.provenance.EnsembleModelProvenance;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.TrainerProvenance;

import java.io.Serial;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A Tribuo ensemble that predicts a batch of examples with one batched call per member, where
 * Tribuo's {@link WeightedEnsembleModel} asks every member about one example at a time (for
 * networks, one forward pass per example and member). The members' predictions for each
 * example are combined as there: with an {@link EnsembleCombiner} and one weight per member
 * ({@code FullyWeightedVotingCombiner}: the weighted mean of the class probabilities;
 * {@code AveragingCombiner}: of the values). Every entry point batches: {@code predict(Iterable)},
 * {@code predict(Dataset)} and so Tribuo's evaluators; {@code predict(Example)} is a batch of one.
 * <p>
 * It is an {@link EnsembleModel} with an {@link EnsembleModelProvenance} holding every member's
 * provenance; it serializes with Tribuo's own {@code WeightedEnsembleModelProto} (and Java
 * serialization), and {@link #toWeightedEnsemble()} gives the equivalent Tribuo
 * {@code WeightedEnsembleModel} (e.g. for ONNX export). Immutable.
 * @param <T> The output type.
 */
public final class BatchedEnsembleModel<T extends Output<T>> extends EnsembleModel<T> {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Protobuf version of this class.
     */
    public static final int CURRENT_VERSION = 0;

    /**
     * Examples handed to the members at once; each member batches further inside.
     */
    private static final int CHUNK = 1024;

    private final float[] weights;
    private final EnsembleCombiner<T> combiner;

    /**
     * An ensemble.
     * @param name The model name.
     * @param provenance The provenance (with the members').
     * @param featureIDMap The feature domain.
     * @param outputIDInfo The output domain.
     * @param members The members (at least one).
     * @param combiner How the members' predictions are combined.
     * @param weights One weight per member, finite and &ge; 0, not all 0.
     * @throws IllegalArgumentException if the members or weights are not as required.
     */
    public BatchedEnsembleModel(String name, EnsembleModelProvenance provenance, ImmutableFeatureMap featureIDMap,
                                ImmutableOutputInfo<T> outputIDInfo, List<Model<T>> members, EnsembleCombiner<T> combiner, float[] weights) {
        super(name, provenance, featureIDMap, outputIDInfo, List.copyOf(members));
        if (members.isEmpty()) {
            throw new IllegalArgumentException("members is empty; allowed: at least one model");
        }
        if (weights.length != members.size()) {
            throw new IllegalArgumentException("weights has length " + weights.length + "; allowed: one weight per member (" + members.size() + ")");
        }
        double total = 0;
        for (int i = 0; i < weights.length; i++) {
            if (!(weights[i] >= 0) || !Float.isFinite(weights[i])) {
                throw new IllegalArgumentException("weights[" + i + "] = " + weights[i] + " is out of range; allowed: finite real >= 0");
            }
            total += weights[i];
        }
        if (total == 0) {
            throw new IllegalArgumentException("weights are all 0; allowed: at least one weight > 0");
        }
        this.weights = weights.clone();
        this.combiner = combiner;
    }

    /**
     * An ensemble with equal weights 1/K.
     * @param name The model name.
     * @param provenance The provenance (with the members').
     * @param featureIDMap The feature domain.
     * @param outputIDInfo The output domain.
     * @param members The members.
     * @param combiner How the members' predictions are combined.
     */
    public BatchedEnsembleModel(String name, EnsembleModelProvenance provenance, ImmutableFeatureMap featureIDMap,
                                ImmutableOutputInfo<T> outputIDInfo, List<Model<T>> members, EnsembleCombiner<T> combiner) {
        this(name, provenance, featureIDMap, outputIDInfo, members, combiner, uniform(members.size()));
    }

    /**
     * An equal-weight ensemble of a trainer's members, its provenance made from theirs (how FGE
     * and SWAG return their snapshots or samples).
     * @param name The model name.
     * @param dataset The training data.
     * @param trainer The provenance of the trainer that made the members.
     * @param members The members.
     * @param combiner How their predictions are combined.
     * @param <T> The output type.
     * @return The ensemble.
     */
    public static <T extends Output<T>> BatchedEnsembleModel<T> of(String name, Dataset<T> dataset, TrainerProvenance trainer,
                                                                  List<? extends Model<T>> members, EnsembleCombiner<T> combiner) {
        List<ModelProvenance> provenances = new ArrayList<>();
        members.forEach(m -> provenances.add(m.getProvenance()));
        EnsembleModelProvenance provenance = new EnsembleModelProvenance(BatchedEnsembleModel.class.getName(), OffsetDateTime.now(),
                dataset.getProvenance(), trainer, new ListProvenance<>(provenances));
        return new BatchedEnsembleModel<>(name, provenance, dataset.getFeatureIDMap(), dataset.getOutputIDInfo(), new ArrayList<>(members),
                combiner);
    }

    private static float[] uniform(int k) {
        float[] w = new float[k];
        Arrays.fill(w, 1.0f / Math.max(k, 1));
        return w;
    }

    @Override
    public Prediction<T> predict(Example<T> example) {
        return innerPredict(Collections.singletonList(example)).get(0);
    }

    @Override
    protected List<Prediction<T>> innerPredict(Iterable<Example<T>> examples) {
        List<Prediction<T>> out = new ArrayList<>();
        for (List<Example<T>> chunk : Batches.of(examples, CHUNK)) {
            List<List<Prediction<T>>> byMember = new ArrayList<>(models.size());
            for (Model<T> m : models) {
                byMember.add(m.predict(chunk));
            }
            for (int i = 0; i < chunk.size(); i++) {
                List<Prediction<T>> forExample = new ArrayList<>(models.size());
                for (List<Prediction<T>> p : byMember) {
                    forExample.add(p.get(i));
                }
                out.add(combiner.combine(outputIDInfo, forExample, weights));
            }
        }
        return out;
    }

    /**
     * The members' excuses, if any member gives one (network members do not).
     * @param example The example.
     * @return The first member's excuse, or empty.
     */
    @Override
    public Optional<Excuse<T>> getExcuse(Example<T> example) {
        for (Model<T> m : models) {
            Optional<Excuse<T>> e = m.getExcuse(example);
            if (e.isPresent()) {
                return e;
            }
        }
        return Optional.empty();
    }

    @Override
    protected EnsembleModel<T> copy(String newName, EnsembleModelProvenance newProvenance, List<Model<T>> newModels) {
        return new BatchedEnsembleModel<>(newName, newProvenance, featureIDMap, outputIDInfo, newModels, combiner, weights);
    }

    /**
     * The members' weights.
     * @return A copy.
     */
    public float[] weights() {
        return weights.clone();
    }

    /**
     * The combiner.
     * @return How predictions are combined.
     */
    public EnsembleCombiner<T> combiner() {
        return combiner;
    }

    /**
     * The same ensemble as Tribuo's {@link WeightedEnsembleModel} (same members, weights,
     * combiner and provenance), which predicts example by example.
     * @return The Tribuo ensemble.
     */
    public WeightedEnsembleModel<T> toWeightedEnsemble() {
        return new WeightedEnsembleModel<>(name, getProvenance(), featureIDMap, outputIDInfo, models, combiner, weights);
    }

    @Override
    public ModelProto serialize() {
        ModelDataCarrier<T> carrier = createDataCarrier();
        WeightedEnsembleModelProto.Builder b = WeightedEnsembleModelProto.newBuilder().setMetadata(carrier.serialize());
        for (Model<T> m : models) {
            b.addModels(m.serialize());
        }
        for (float w : weights) {
            b.addWeights(w);
        }
        b.setCombiner(combiner.serialize());
        return ModelProto.newBuilder().setVersion(CURRENT_VERSION).setClassName(BatchedEnsembleModel.class.getName())
                .setSerializedData(Any.pack(b.build())).build();
    }

    /**
     * Deserializes an ensemble from its protobuf (called by Tribuo's {@code Model.deserialize}).
     * @param version The serialized version.
     * @param className The class name.
     * @param message The serialized data.
     * @return The ensemble.
     * @throws InvalidProtocolBufferException if the bytes are not a {@code WeightedEnsembleModelProto}.
     * @throws IllegalArgumentException if the contents are inconsistent.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static BatchedEnsembleModel<?> deserializeFromProto(int version, String className, Any message) throws InvalidProtocolBufferException {
        if (version < 0 || version > CURRENT_VERSION) {
            throw new IllegalArgumentException("Unknown version " + version + ", this class supports at most version " + CURRENT_VERSION);
        }
        WeightedEnsembleModelProto proto = message.unpack(WeightedEnsembleModelProto.class);
        ModelDataCarrier<?> carrier = ModelDataCarrier.deserialize(proto.getMetadata());
        ModelProvenance provenance = carrier.provenance();
        if (!(provenance instanceof EnsembleModelProvenance)) {
            throw new IllegalArgumentException("Corrupt ensemble: its provenance is a " + provenance.getClass().getSimpleName()
                    + ", not an EnsembleModelProvenance");
        }
        Class<?> outputClass = carrier.outputDomain().getDomain().iterator().next().getClass();
        EnsembleCombiner<?> combiner = EnsembleCombiner.deserialize(proto.getCombiner());
        if (!outputClass.equals(combiner.getTypeWitness())) {
            throw new IllegalArgumentException("Corrupt ensemble: a combiner of " + combiner.getTypeWitness().getSimpleName()
                    + " for outputs of type " + outputClass.getSimpleName());
        }
        if (proto.getModelsCount() == 0 || proto.getModelsCount() != proto.getWeightsCount()) {
            throw new IllegalArgumentException("Corrupt ensemble: " + proto.getModelsCount() + " members and " + proto.getWeightsCount()
                    + " weights");
        }
        List<Model> members = new ArrayList<>();
        for (ModelProto p : proto.getModelsList()) {
            Model m = Model.deserialize(p);
            if (!m.validate(outputClass)) {
                throw new IllegalArgumentException("Corrupt ensemble: member " + m + " does not predict " + outputClass.getSimpleName());
            }
            members.add(m);
        }
        float[] weights = new float[proto.getWeightsCount()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = proto.getWeights(i);
        }
        return new BatchedEnsembleModel(carrier.name(), (EnsembleModelProvenance) provenance, carrier.featureDomain(),
                carrier.outputDomain(), members, combiner, weights);
    }

    @Override
    public String toString() {
        return "BatchedEnsembleModel(name=" + name + ",members=" + models.size() + ",combiner=" + combiner + ")";
    }
}
