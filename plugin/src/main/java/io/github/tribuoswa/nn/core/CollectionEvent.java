package io.github.tribuoswa.nn.core;

import java.util.Map;

/**
 * One collection of the weights by a {@link WeightCollector}: an SWA average update, an FGE
 * snapshot, or any other method's. It carries what telemetry records of it, so that listeners
 * need not know the method.
 * @param name The event's span name (e.g. {@code tribuoswa.average_update}).
 * @param counter The name of the counter it increments (e.g. {@code tribuoswa.averages}).
 * @param step The step after which the weights were collected.
 * @param count Collections so far, this one included.
 * @param attributes Further attributes of its span (values Long, Double or String).
 */
public record CollectionEvent(String name, String counter, long step, long count, Map<String, Object> attributes) {
}
