/**
 * The landscape command line (picocli): scans planes, rays and segments of saved models into CSV
 * files and PNG/SVG plots.
 */
package io.github.tribuoswa.landscape.cli;
