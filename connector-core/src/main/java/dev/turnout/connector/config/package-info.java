/**
 * The connector's configuration: one {@code tungsten.ini}-style file with a {@code [defaults]}
 * section and one section per dataservice or composite dataservice, parsed and validated into an
 * immutable {@link dev.turnout.connector.config.ConnectorConfig}.
 *
 * <p>Every problem (unknown key, bad value, duplicate, missing required key, bad reference) is a
 * {@link dev.turnout.connector.config.ConfigException} whose message names the file, the line and
 * the key; all problems of a file are reported at once. The keys are documented in
 * {@code docs/configuration.md}.
 *
 * <p>Threading: parsing runs on whichever thread calls it (once, at start); the resulting
 * objects are immutable and safe to share between event loops. Everything is non-null unless
 * documented as nullable.
 */
package dev.turnout.connector.config;
