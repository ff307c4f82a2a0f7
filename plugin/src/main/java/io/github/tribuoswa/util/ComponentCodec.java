package io.github.tribuoswa.util;

import com.google.protobuf.InvalidProtocolBufferException;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.ConfigurationData;
import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.protobuf.ProtoProvenanceSerialization;
import com.oracle.labs.mlrg.olcut.config.protobuf.protos.RootProvenanceProto;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;

import java.util.List;

/**
 * Stores a configurable component (a network factory, a converter, a schedule, …) as its OLCUT
 * provenance in protobuf form, and rebuilds it from there with a {@link ConfigurationManager}.
 * Serialized models and checkpoints hold components this way: as configuration, never as code
 * or Java serialization.
 */
public final class ComponentCodec {

    private static final ProtoProvenanceSerialization SERIALIZER = new ProtoProvenanceSerialization(false);

    private ComponentCodec() {}

    /**
     * The component's provenance as protobuf bytes.
     * @param component The component.
     * @return The bytes.
     */
    public static byte[] encode(Provenancable<ConfiguredObjectProvenance> component) {
        return SERIALIZER.serializeToProto(ProvenanceUtil.marshalProvenance(component.getProvenance())).toByteArray();
    }

    /**
     * Rebuilds a component from {@link #encode} bytes.
     * @param bytes The bytes.
     * @param type The expected type.
     * @param <T> The type.
     * @return A new component with the same configuration.
     * @throws IllegalArgumentException if the bytes are not a valid component of that type.
     */
    public static <T extends Configurable> T decode(byte[] bytes, Class<T> type) {
        try {
            RootProvenanceProto proto = RootProvenanceProto.parseFrom(bytes);
            ObjectProvenance provenance = ProvenanceUtil.unmarshalProvenance(SERIALIZER.deserializeFromProto(proto));
            List<ConfigurationData> config = ProvenanceUtil.extractConfiguration(provenance);
            String className = provenance.getClassName();
            String name = config.stream().filter(c -> c.getClassName().equals(className)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no configuration for " + className)).getName();
            ConfigurationManager cm = new ConfigurationManager();
            cm.addConfiguration(config);
            Object component = cm.lookup(name);
            if (!type.isInstance(component)) {
                throw new IllegalArgumentException("Expected a " + type.getName() + ", found " + component.getClass().getName());
            }
            return type.cast(component);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("Corrupt component bytes: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw e;
            }
            throw new IllegalArgumentException("Corrupt component bytes: " + e, e);
        }
    }
}
