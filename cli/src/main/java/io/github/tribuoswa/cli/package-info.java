/**
 * The {@code tribuo-swa} command line ({@link io.github.tribuoswa.cli.TribuoSwaCli}): training from
 * OLCUT XML on IDX, LibSVM or CSV data, evaluation of saved models, the main job and the loss
 * geometry commands, with one-line errors and exit code 2 for usage errors.
 */
package io.github.tribuoswa.cli;
