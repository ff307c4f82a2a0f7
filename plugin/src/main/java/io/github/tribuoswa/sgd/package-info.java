/**
 * SWA for Tribuo's own SGD models: SWAOptimiser, a decorator of any StochasticGradientOptimiser
 * in the manner of Tribuo's ParameterAveraging, and ScheduledSGD for a schedule alone. No DJL on
 * this path.
 */
package io.github.tribuoswa.sgd;
