/**
 * JMH microbenchmarks of the averaging kernels and the BatchNorm refresh.
 */
package io.github.tribuoswa.reproduction.bench.jmh;
