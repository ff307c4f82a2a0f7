/**
 * Benchmarks whose figures docs/benchmarks.md holds: training throughput against PyTorch, SWA's
 * overhead over SGD, and the telemetry listener's cost.
 */
package io.github.tribuoswa.reproduction.bench;
