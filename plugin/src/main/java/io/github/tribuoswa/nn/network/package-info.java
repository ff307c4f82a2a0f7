/**
 * Network factories (OLCUT components that build DJL blocks): MLP, CNN, VGG-16, pre-activation
 * ResNet and Wide ResNet.
 */
package io.github.tribuoswa.nn.network;
