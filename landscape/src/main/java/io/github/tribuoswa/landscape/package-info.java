/**
 * Loss geometry of trained networks (Izmailov et al. 2018, section 3): the plane through three
 * weight vectors, random rays and the segment between two solutions, each point evaluated with
 * BatchNorm statistics recomputed, a trajectory recorder, and the plots.
 */
package io.github.tribuoswa.landscape;
