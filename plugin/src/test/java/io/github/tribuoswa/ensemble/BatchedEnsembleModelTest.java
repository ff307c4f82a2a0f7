package io.github.tribuoswa.ensemble;

import com.oracle.labs.mlrg.olcut.provenance.ListProvenance;
import com.oracle.labs.mlrg.olcut.util.Pair;
import io.github.tribuoswa.SyntheticData;
import io.github.tribuoswa.nn.DJLTrainer;
import io.github.tribuoswa.nn.convert.DenseConverter;
import io.github.tribuoswa.nn.convert.ImageConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.CNNFactory;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.network.NetworkFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.schedule.ConstantSchedule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.impl.ArrayExample;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.ensemble.FullyWeightedVotingCombiner;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.ensemble.WeightedEnsembleModel;
import org.tribuo.math.optimisers.SGD;
import org.tribuo.provenance.EnsembleModelProvenance;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batched ensemble: one batched call per member however Tribuo asks, the same predictions
 * as Tribuo's {@code WeightedEnsembleModel}, weights, serialization and bad input.
 */
public class BatchedEnsembleModelTest {

    private static final MutableDataset<Label> DATA = SyntheticData.classification(2500, 5);
    private static List<Model<Label>> networks;

    @BeforeAll
    static void train() {
        networks = new ArrayList<>();
        for (long seed = 1; seed <= 3; seed++) {
            networks.add(DJLTrainer.builder(new MLPFactory(new int[]{8}, Activation.RELU, 0, true), new DenseConverter(), new LabelConverter())
                    .epochs(1).batchSize(64).optimiser(new SGDFactory(SGD.Momentum.STANDARD, 0.9, 0)).schedule(new ConstantSchedule(0.05))
                    .seed(seed).device("cpu").intraOpThreads(1).build().train(DATA));
        }
    }

    /** A member that counts how it is asked. */
    private static final class Counting extends Model<Label> {
        private static final long serialVersionUID = 1L;
        final transient Model<Label> inner;
        final transient AtomicInteger single = new AtomicInteger();
        final transient AtomicInteger batches = new AtomicInteger();

        Counting(Model<Label> inner) {
            super(inner.getName(), inner.getProvenance(), inner.getFeatureIDMap(), inner.getOutputIDInfo(), true);
            this.inner = inner;
        }

        @Override
        public Prediction<Label> predict(Example<Label> example) {
            single.incrementAndGet();
            return inner.predict(example);
        }

        @Override
        protected List<Prediction<Label>> innerPredict(Iterable<Example<Label>> examples) {
            batches.incrementAndGet();
            return inner.predict(examples);
        }

        @Override
        public Map<String, List<Pair<String, Double>>> getTopFeatures(int n) {
            return Collections.emptyMap();
        }

        @Override
        public Optional<Excuse<Label>> getExcuse(Example<Label> example) {
            return Optional.empty();
        }

        @Override
        protected Model<Label> copy(String newName, ModelProvenance newProvenance) {
            return new Counting(inner);
        }
    }

    private static BatchedEnsembleModel<Label> ensemble(List<Model<Label>> members, float[] weights) {
        List<ModelProvenance> provenances = new ArrayList<>();
        members.forEach(m -> provenances.add(m.getProvenance()));
        EnsembleModelProvenance provenance = new EnsembleModelProvenance(BatchedEnsembleModel.class.getName(), OffsetDateTime.now(),
                DATA.getProvenance(), members.get(0).getProvenance().getTrainerProvenance(), new ListProvenance<>(provenances));
        ImmutableFeatureMap features = members.get(0).getFeatureIDMap();
        ImmutableOutputInfo<Label> outputs = members.get(0).getOutputIDInfo();
        return new BatchedEnsembleModel<>("test", provenance, features, outputs, members, new FullyWeightedVotingCombiner(), weights);
    }

    private static void assertSamePredictions(List<Prediction<Label>> expected, List<Prediction<Label>> actual, double tol) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            for (Map.Entry<String, Label> e : expected.get(i).getOutputScores().entrySet()) {
                assertEquals(e.getValue().getScore(), actual.get(i).getOutputScores().get(e.getKey()).getScore(), tol, "example " + i);
            }
        }
    }

    @Test
    public void everyEntryPointAsksEachMemberInBatchesNeverOneByOne() {
        List<Counting> counting = new ArrayList<>();
        networks.forEach(m -> counting.add(new Counting(m)));
        BatchedEnsembleModel<Label> ensemble = ensemble(new ArrayList<>(counting), new float[]{1, 1, 1});
        ensemble.predict(DATA);                                  // predict(Dataset): 2,500 examples in chunks of 1,024
        counting.forEach(c -> assertEquals(3, c.batches.get()));
        List<Example<Label>> list = new ArrayList<>();
        DATA.forEach(list::add);
        ensemble.predict(list.subList(0, 10));                  // predict(Iterable)
        LabelEvaluation evaluation = new LabelEvaluator().evaluate(ensemble, DATA);   // an evaluator
        ensemble.predict(list.get(0));                          // a batch of one
        for (Counting c : counting) {
            assertEquals(0, c.single.get(), "never asked one example at a time");
            assertEquals(3 + 1 + 3 + 1, c.batches.get());
        }
        assertTrue(evaluation.accuracy() > 0.6, "accuracy " + evaluation.accuracy());
    }

    @Test
    public void predictsWhatTribuosWeightedEnsemblePredicts() {
        float[] weights = {0.5f, 0.2f, 0.3f};
        BatchedEnsembleModel<Label> ensemble = ensemble(networks, weights);
        WeightedEnsembleModel<Label> tribuo = ensemble.toWeightedEnsemble();
        List<Example<Label>> some = new ArrayList<>();
        DATA.forEach(e -> {
            if (some.size() < 200) {
                some.add(e);
            }
        });
        // Tribuo's ensemble asks each member one example at a time (a batch of one runs as two copies)
        assertSamePredictions(tribuo.predict(some), ensemble.predict(some), 1e-6);
        // the weights matter: uniform weights give other scores
        List<Prediction<Label>> uniform = ensemble(networks, new float[]{1, 1, 1}).predict(some);
        double diff = 0;
        List<Prediction<Label>> weighted = ensemble.predict(some);
        for (int i = 0; i < some.size(); i++) {
            for (Map.Entry<String, Label> e : weighted.get(i).getOutputScores().entrySet()) {
                diff = Math.max(diff, Math.abs(e.getValue().getScore() - uniform.get(i).getOutputScores().get(e.getKey()).getScore()));
            }
        }
        assertTrue(diff > 1e-4, "weights change the combination: " + diff);
    }

    @Test
    public void aBatchOfOnePredictsAsInsideABatchForConvolutions() {
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> images = new MutableDataset<>(new SimpleDataSourceProvenance("6x6 images", factory), factory);
        Random rng = new Random(3);
        for (int i = 0; i < 64; i++) {
            ArrayExample<Label> e = new ArrayExample<>(new Label(i % 2 == 0 ? "even" : "odd"));
            for (int p = 0; p < 36; p++) {
                e.add(Integer.toString(p), rng.nextDouble() + (i % 2) * (p % 6 < 3 ? 1 : 0));
            }
            images.add(e);
        }
        NetworkFactory cnn = new CNNFactory(new int[]{4}, 3, true, 8, 0);
        Model<Label> model = DJLTrainer.builder(cnn, new ImageConverter(1, 6, 6), new LabelConverter()).epochs(1).batchSize(16)
                .optimiser(new SGDFactory(SGD.Momentum.NONE, 0, 0)).schedule(new ConstantSchedule(0.05)).seed(1).device("cpu")
                .intraOpThreads(1).build().train(images);
        List<Example<Label>> list = new ArrayList<>();
        images.forEach(list::add);
        List<Prediction<Label>> batched = model.predict(list);
        List<Prediction<Label>> oneByOne = new ArrayList<>();
        list.forEach(e -> oneByOne.add(model.predict(e)));
        assertSamePredictions(batched, oneByOne, 1e-6);
    }

    @Test
    public void protobufAndJavaSerializationKeepPredictionsAndProvenance() throws Exception {
        BatchedEnsembleModel<Label> ensemble = ensemble(networks, new float[]{0.5f, 0.2f, 0.3f});
        List<Prediction<Label>> before = ensemble.predict(DATA);
        Model<?> proto = Model.deserialize(ensemble.serialize());
        assertTrue(proto instanceof BatchedEnsembleModel);
        assertEquals(ensemble.getProvenance(), proto.getProvenance());
        assertEquals(3, ((BatchedEnsembleModel<?>) proto).getNumModels());
        @SuppressWarnings("unchecked")
        BatchedEnsembleModel<Label> back = (BatchedEnsembleModel<Label>) proto;
        assertSamePredictions(before, back.predict(DATA), 0.0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(ensemble);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            @SuppressWarnings("unchecked")
            BatchedEnsembleModel<Label> java = (BatchedEnsembleModel<Label>) in.readObject();
            assertSamePredictions(before, java.predict(DATA), 0.0);
            assertEquals(ensemble.getProvenance(), java.getProvenance());
        }
    }

    @Test
    public void badMembersOrWeightsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ensemble(networks, new float[]{1, 1}));
        assertTrue(e.getMessage().contains("weights") && e.getMessage().contains("one weight per member"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ensemble(networks, new float[]{1, -1, 1}));
        assertTrue(e.getMessage().contains("weights[1]") && e.getMessage().contains(">= 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ensemble(networks, new float[]{1, Float.NaN, 1}));
        assertTrue(e.getMessage().contains("weights[1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ensemble(networks, new float[]{0, 0, 0}));
        assertTrue(e.getMessage().contains("all 0"), e.getMessage());
    }
}
