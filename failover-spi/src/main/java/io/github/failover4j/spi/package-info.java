/**
 * The transport SPI of failover4j: what an HTTP library or gateway runtime implements so the
 * rules engine can judge its responses, probe tokens and keep time. See the module
 * documentation for an overview.
 */
package io.github.failover4j.spi;
