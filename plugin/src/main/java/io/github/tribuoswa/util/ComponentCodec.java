package io.github.tribuoswa.util;

import com.google.protobuf.InvalidProtocolBufferException;
import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.ConfigurationData;
import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.protobuf.ProtoProvenanceSerialization;
import com.oracle.labs.mlrg.olcut.config.protobuf.protos.RootProvenanceProto;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.PrimitiveProvenance;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import com.oracle.labs.mlrg.olcut.provenance.io.FlatMarshalledProvenance;
import com.oracle.labs.mlrg.olcut.provenance.io.ListMarshalledProvenance;
import com.oracle.labs.mlrg.olcut.provenance.io.MapMarshalledProvenance;
import com.oracle.labs.mlrg.olcut.provenance.io.ObjectMarshalledProvenance;
import com.oracle.labs.mlrg.olcut.provenance.io.SimpleMarshalledProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.EnumProvenance;

import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stores a configurable component (a network factory, a converter, a schedule, …) as its OLCUT
 * provenance in protobuf form, and rebuilds it from there with a {@link ConfigurationManager}.
 * Serialized models and checkpoints hold components this way: as configuration, never as code
 * or Java serialization. Decoding {@link #check checks} every class the bytes name against the
 * type it must have before anything is built, so a file cannot make it build (and run the
 * {@code postConfig()} of) an arbitrary configurable class.
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
        return decode(bytes, type, "component");
    }

    /**
     * Rebuilds a component from {@link #encode} bytes, after {@link #check checking} every class
     * they name.
     * @param bytes The bytes.
     * @param type The expected type.
     * @param field Where the bytes were stored, for the error messages (e.g. {@code DJLModelProto.network}).
     * @param <T> The type.
     * @return A new component with the same configuration.
     * @throws IllegalArgumentException if the bytes are not a valid component of that type.
     */
    public static <T extends Configurable> T decode(byte[] bytes, Class<T> type, String field) {
        List<ObjectMarshalledProvenance> marshalled = check(bytes, type, field);
        try {
            ObjectProvenance provenance = ProvenanceUtil.unmarshalProvenance(marshalled);
            List<ConfigurationData> config = ProvenanceUtil.extractConfiguration(provenance);
            String className = provenance.getClassName();
            String name = config.stream().filter(c -> c.getClassName().equals(className)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(field + ": no configuration for " + className)).getName();
            ConfigurationManager cm = new ConfigurationManager();
            cm.addConfiguration(config);
            Object component = cm.lookup(name);
            if (!type.isInstance(component)) {
                throw new IllegalArgumentException(field + ": expected a " + type.getName() + ", found " + component.getClass().getName());
            }
            return type.cast(component);
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw e;
            }
            throw new IllegalArgumentException(field + ": corrupt component bytes: " + e, e);
        }
    }

    /**
     * Checks, before anything is built from them, that component bytes name only classes of the
     * types they must have: the component's class is a {@code type}; every component nested in
     * it is of its {@code @Config} field's type (the element type for lists, sets, arrays and
     * maps); every provenance class is a provenance, every enum an enum. Classes are looked up
     * without being initialised, so no code of a class the bytes name runs here.
     * @param bytes The bytes.
     * @param type The component's type.
     * @param field Where the bytes were stored, for the error messages.
     * @return The marshalled provenance (root first), checked.
     * @throws IllegalArgumentException naming the field and the class, if a class is missing or of
     *     the wrong type, or the bytes are not a component.
     */
    public static List<ObjectMarshalledProvenance> check(byte[] bytes, Class<?> type, String field) {
        List<ObjectMarshalledProvenance> objects;
        try {
            objects = SERIALIZER.deserializeFromProto(RootProvenanceProto.parseFrom(bytes));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(field + ": corrupt component bytes: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(field + ": corrupt component bytes: " + e, e);
        }
        if (objects.isEmpty()) {
            throw new IllegalArgumentException(field + ": corrupt component bytes: no object");
        }
        Map<String, ObjectMarshalledProvenance> byName = new HashMap<>();
        for (ObjectMarshalledProvenance o : objects) {
            byName.put(o.getName(), o);
            classOf(o.getProvenanceClassName(), ObjectProvenance.class, field, "the provenance of " + o.getName());
            o.getMap().values().forEach(v -> checkFlat(v, field, o.getName()));
        }
        ObjectMarshalledProvenance root = objects.get(0);
        checkNested(root, classOf(root.getObjectClassName(), type, field, "the component"), byName, field, new HashSet<>());
        return objects;
    }

    private static void checkNested(ObjectMarshalledProvenance o, Class<?> cls, Map<String, ObjectMarshalledProvenance> byName, String field,
                                    Set<String> visited) {
        if (!visited.add(o.getName())) {
            return;
        }
        for (Map.Entry<String, FlatMarshalledProvenance> e : o.getMap().entrySet()) {
            List<String> references = new ArrayList<>();
            references(e.getValue(), references);
            if (references.isEmpty()) {
                continue;
            }
            Class<?> required = configFieldType(cls, e.getKey());
            if (required == null) {
                throw new IllegalArgumentException(field + ": " + o.getName() + "." + e.getKey() + " holds a component, but " + cls.getName()
                        + " has no @Config field " + e.getKey() + " of a component type");
            }
            for (String r : references) {
                ObjectMarshalledProvenance target = byName.get(r);
                if (target == null) {
                    throw new IllegalArgumentException(field + ": corrupt component bytes: " + o.getName() + "." + e.getKey()
                            + " refers to a missing object " + r);
                }
                String where = o.getName() + "." + e.getKey();
                checkNested(target, classOf(target.getObjectClassName(), required, field, where), byName, field, visited);
            }
        }
    }

    private static void references(FlatMarshalledProvenance flat, List<String> out) {
        if (flat instanceof SimpleMarshalledProvenance s) {
            if (s.isReference()) {
                out.add(s.getValue());
            }
        } else if (flat instanceof ListMarshalledProvenance l) {
            l.getList().forEach(x -> references(x, out));
        } else if (flat instanceof MapMarshalledProvenance m) {
            m.forEach(p -> references(p.getB(), out));
        }
    }

    private static void checkFlat(FlatMarshalledProvenance flat, String field, String owner) {
        if (flat instanceof SimpleMarshalledProvenance s) {
            if (s.isReference()) {
                classOf(s.getProvenanceClassName(), ObjectProvenance.class, field, owner + "." + s.getKey());
            } else {
                Class<?> c = classOf(s.getProvenanceClassName(), PrimitiveProvenance.class, field, owner + "." + s.getKey());
                if (c.equals(EnumProvenance.class)) {
                    classOf(s.getAdditional(), Enum.class, field, owner + "." + s.getKey());
                }
            }
        } else if (flat instanceof ListMarshalledProvenance l) {
            l.getList().forEach(x -> checkFlat(x, field, owner));
        } else if (flat instanceof MapMarshalledProvenance m) {
            m.forEach(p -> checkFlat(p.getB(), field, owner));
        } else {
            throw new IllegalArgumentException(field + ": corrupt component bytes: unknown provenance " + flat);
        }
    }

    /** The type a component under this @Config field must have (element type for containers), or null if no such field. */
    private static Class<?> configFieldType(Class<?> cls, String name) {
        for (Class<?> c = cls; c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getName().equals(name) && f.isAnnotationPresent(Config.class)) {
                    Class<?> raw = f.getType();
                    if (raw.isArray()) {
                        return raw.getComponentType();
                    }
                    if (Collection.class.isAssignableFrom(raw) || Map.class.isAssignableFrom(raw)) {
                        Type[] args = f.getGenericType() instanceof ParameterizedType p ? p.getActualTypeArguments() : new Type[0];
                        Type element = args.length == 0 ? Object.class : args[args.length - 1];
                        if (element instanceof ParameterizedType p) {
                            element = p.getRawType();
                        }
                        return element instanceof Class<?> k ? k : Object.class;
                    }
                    return raw;
                }
            }
        }
        return null;
    }

    /**
     * The class of a name, looked up without initialising it, if it is a {@code required}.
     * @throws IllegalArgumentException naming the field, the place and the class otherwise.
     */
    private static Class<?> classOf(String name, Class<?> required, String field, String where) {
        Class<?> c;
        try {
            c = Class.forName(name, false, ComponentCodec.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException(field + ": " + where + " names class " + name + ", which is not on the class path; refused");
        }
        if (!required.isAssignableFrom(c)) {
            throw new IllegalArgumentException(field + ": " + where + " names class " + name + ", which is not a " + required.getName()
                    + "; refused before anything was built");
        }
        return c;
    }
}
