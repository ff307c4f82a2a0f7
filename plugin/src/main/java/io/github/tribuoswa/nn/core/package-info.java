/**
 * The core of training networks: dense data (rows in chunks, beyond one Java array) and its
 * batches, the one training loop, network weights and their encoding, checkpoint files,
 * BatchNorm refresh, devices and threads, initial weights, and the two protocols every method
 * plugs into: WeightCollector (a listener acting on the weights at chosen steps) and Stateful
 * (state saved and restored by its owner).
 */
package io.github.tribuoswa.nn.core;
