/**
 * Weight averages on flat arrays: the equal running average of SWA's Algorithm 1 and an
 * exponential moving average, and the steps at which a schedule says to average. Pure Java,
 * exact, and shared by the Tribuo-SGD and network paths.
 */
package io.github.tribuoswa.averaging;
