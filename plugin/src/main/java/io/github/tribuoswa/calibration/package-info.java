/**
 * Calibration of class probabilities for any Tribuo classifier: negative log-likelihood,
 * multi-class Brier score, expected and maximum calibration error over equal-width confidence
 * bins with the reliability diagram's data (Guo et al. 2017), a Tribuo-style evaluator, and
 * temperature scaling. Plain Tribuo, no DJL.
 */
package io.github.tribuoswa.calibration;
