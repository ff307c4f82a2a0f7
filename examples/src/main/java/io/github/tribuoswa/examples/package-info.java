/**
 * Examples to copy: the main job (SGD, SWA and FGE on Fashion-MNIST), SWA for Tribuo's linear
 * models, training a network, and a traced run with OpenTelemetry.
 */
package io.github.tribuoswa.examples;
