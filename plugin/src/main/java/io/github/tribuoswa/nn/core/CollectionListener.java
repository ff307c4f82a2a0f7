package io.github.tribuoswa.nn.core;

/**
 * Told after every {@link CollectionEvent} of a {@link WeightCollector} (checkpointing and
 * telemetry use it).
 */
@FunctionalInterface
public interface CollectionListener {
    /**
     * Called after the weights were collected, while the network still holds them.
     * @param collection What was collected.
     */
    void collected(CollectionEvent collection);
}
