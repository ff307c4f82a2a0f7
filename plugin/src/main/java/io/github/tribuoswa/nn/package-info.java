/**
 * DJL (PyTorch) networks as Tribuo trainers and models: NetworkTrainer, the base that assembles a
 * run's listeners and calls the one training loop, DJLTrainer and DJLModel, their builders, and
 * what a finished run hands to a subclass.
 */
package io.github.tribuoswa.nn;
