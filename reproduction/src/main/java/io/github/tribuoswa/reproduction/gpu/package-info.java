/**
 * The GPU check a user runs on a machine with a CUDA GPU ({@link io.github.tribuoswa.reproduction.gpu.GpuCheck}),
 * shipped as a self-contained distribution (reproduction/target/tribuo-swa-gpu-check-*.zip).
 */
package io.github.tribuoswa.reproduction.gpu;
