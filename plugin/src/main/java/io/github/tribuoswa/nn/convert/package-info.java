/**
 * Conversions between Tribuo examples and engine arrays: dense and image features, class labels
 * and regression targets, the loss each output type trains with, and the ensemble combiner for
 * its predictions.
 */
package io.github.tribuoswa.nn.convert;
