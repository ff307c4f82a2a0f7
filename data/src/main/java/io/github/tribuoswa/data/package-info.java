/**
 * Fashion-MNIST as Tribuo datasets, with features named by pixel: a 6,000/1,000-image subset
 * embedded in this jar (MIT, Zalando SE) and the full set from Debian's dataset-fashion-mnist or
 * any directory of IDX files.
 */
package io.github.tribuoswa.data;
