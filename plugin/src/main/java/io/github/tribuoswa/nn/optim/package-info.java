/**
 * Optimisers for DJL networks as OLCUT factories: SGD with standard or Nesterov momentum and
 * weight decay as PyTorch defines it, and Adam; both save their state into checkpoints. The
 * learning rate follows a schedule per step.
 */
package io.github.tribuoswa.nn.optim;
