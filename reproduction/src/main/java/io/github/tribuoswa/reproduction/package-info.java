/**
 * The papers' experiments at Fashion-MNIST scale: Table 1 (with its PyTorch peer in
 * reproduction/python), the schedules figure and the models of the landscape figures. Every
 * figure in docs/results.md comes from here.
 */
package io.github.tribuoswa.reproduction;
