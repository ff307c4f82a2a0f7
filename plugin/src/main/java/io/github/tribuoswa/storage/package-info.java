/**
 * Model files: {@link io.github.tribuoswa.storage.ModelFiles}, the one way to save a model
 * (atomically, with a checksum, in Tribuo's protobuf form or with Java serialization) and to load
 * one (checksum and every stored class checked before anything is built).
 */
package io.github.tribuoswa.storage;
