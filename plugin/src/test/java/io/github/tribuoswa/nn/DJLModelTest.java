package io.github.tribuoswa.nn;

import com.google.protobuf.ByteString;
import io.github.tribuoswa.SyntheticData;
import io.github.tribuoswa.protos.DJLModelProto;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.protos.core.ModelProto;
import org.tribuo.test.Helpers;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DJLModel: serialization round trips, corrupt bytes, concurrent prediction, close.
 */
public class DJLModelTest {

    private static final MutableDataset<Label> DATA = SyntheticData.classification(120, 9);

    private static DJLModel<Label> model() {
        return DJLTrainerTest.classifier(2, 3L).train(DATA);
    }

    private static void assertSame(List<Prediction<Label>> a, List<Prediction<Label>> b) {
        assertTrue(Helpers.predictionListDistributionEquals(a, b, 0.0), "predictions differ");
    }

    @Test
    public void protobufAndJavaSerializationPredictTheSame() throws Exception {
        DJLModel<Label> model = model();
        List<Prediction<Label>> expected = model.predict(DATA);
        Model<Label> proto = Helpers.testModelProtoSerialization(model, Label.class, DATA);
        assertSame(expected, proto.predict(DATA));
        assertEquals(model.getProvenance(), proto.getProvenance());

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(model);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            @SuppressWarnings("unchecked")
            Model<Label> java = (Model<Label>) in.readObject();
            assertSame(expected, java.predict(DATA));
            assertEquals(model.getProvenance(), java.getProvenance());
        }
    }

    @Test
    public void corruptBytesFailWithAClearException() throws Exception {
        ModelProto good = model().serialize();
        byte[] bytes = good.toByteArray();
        // truncated at many places: never a crash, always an exception
        for (int cut : new int[]{1, 10, bytes.length / 3, bytes.length / 2, bytes.length - 5}) {
            byte[] truncated = Arrays.copyOf(bytes, cut);
            assertThrows(Exception.class, () -> Model.deserialize(ModelProto.parseFrom(truncated)), "cut at " + cut);
        }
        // one flipped bit in the weights: the checksum catches it
        DJLModelProto inner = good.getSerializedData().unpack(DJLModelProto.class);
        byte[] values = inner.getWeights().getValues().toByteArray();
        values[values.length / 2] ^= 0x10;
        DJLModelProto flipped = inner.toBuilder().setWeights(inner.getWeights().toBuilder().setValues(ByteString.copyFrom(values))).build();
        ModelProto bad = good.toBuilder().setSerializedData(com.google.protobuf.Any.pack(flipped)).build();
        Exception e = assertThrows(Exception.class, () -> Model.deserialize(bad));
        assertTrue(rootMessage(e).contains("SHA-256"), rootMessage(e));
        // a shape that does not fit the network
        DJLModelProto reshaped = inner.toBuilder().setWeights(inner.getWeights().toBuilder()
                .setSpecs(0, inner.getWeights().getSpecs(0).toBuilder().setShape(0, 99999))).build();
        e = assertThrows(Exception.class, () -> Model.deserialize(good.toBuilder().setSerializedData(com.google.protobuf.Any.pack(reshaped)).build()));
        assertTrue(rootMessage(e).contains("Corrupt weights"), rootMessage(e));
        // corrupt Java serialization
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream oos = new ObjectOutputStream(out)) {
            oos.writeObject(model());
        }
        byte[] java = out.toByteArray();
        byte[] javaTruncated = Arrays.copyOf(java, java.length / 2);
        assertThrows(IOException.class, () -> {
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(javaTruncated))) {
                in.readObject();
            }
        });
    }

    private static String rootMessage(Throwable t) {
        StringBuilder sb = new StringBuilder();
        while (t != null) {
            sb.append(t.getMessage()).append(" | ");
            t = t.getCause();
        }
        return sb.toString();
    }

    @Test
    public void eightThreadsPredictLikeOne() throws Exception {
        DJLModel<Label> model = model();
        List<Prediction<Label>> sequential = model.predict(DATA);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<Prediction<Label>>>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    List<Prediction<Label>> all = new ArrayList<>();
                    for (int r = 0; r < 5; r++) {
                        all = model.predict(DATA);
                    }
                    return all;
                }));
            }
            for (Future<List<Prediction<Label>>> f : futures) {
                assertSame(sequential, f.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    public void closeFreesAndPredictionStillWorks() {
        DJLModel<Label> model = model();
        List<Prediction<Label>> before = model.predict(DATA);
        model.close();
        model.close();
        assertSame(before, model.predict(DATA));
        model.close();
    }
}
