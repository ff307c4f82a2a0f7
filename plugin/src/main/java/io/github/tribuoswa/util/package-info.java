/**
 * Small helpers shared by every layer: parameter checks that name the parameter and its allowed
 * range, atomic file replacement, length-prefixed arrays on streams, OLCUT component encoding,
 * batches of an iterable read as they are needed.
 * Depends on nothing else of the project.
 */
package io.github.tribuoswa.util;
