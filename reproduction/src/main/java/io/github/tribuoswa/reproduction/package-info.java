/**
 * The papers' experiments at Fashion-MNIST scale: Table 1 (with its PyTorch peer in
 * reproduction/python), the schedules figure, the models of the landscape figures, the
 * comparisons of issues 16, 18 and 19, and the engine check ({@link
 * io.github.tribuoswa.reproduction.EngineAgreement}: both engines from the same weights and
 * batches). Every figure in docs/results.md comes from here.
 */
package io.github.tribuoswa.reproduction;
