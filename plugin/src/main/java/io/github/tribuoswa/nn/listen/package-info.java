/**
 * DJL training listeners of a run, one concern each and unaware of each other: epoch statistics,
 * progress, the divergence check, checkpointing, and the telemetry listener.
 */
package io.github.tribuoswa.nn.listen;
