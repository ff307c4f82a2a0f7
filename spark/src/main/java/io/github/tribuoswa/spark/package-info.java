/**
 * Apache Spark jobs for sweeps of one trainer configuration: each variation a task (in the
 * executor's JVM, or in child JVMs kept per task slot), with per-task checkpoints, one trace per
 * job, the models back on the driver as the best, an ensemble or a soup.
 */
package io.github.tribuoswa.spark;
