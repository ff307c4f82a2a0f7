/**
 * Apache Spark jobs for sweeps of one trainer configuration: each variation a task, the models
 * back on the driver (issue 17, in progress).
 */
package io.github.tribuoswa.spark;
