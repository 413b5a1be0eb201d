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
 * <p>Beyond its core settings, a {@code ConnectorConfig} hands out its settings in one record per
 * concern: {@link dev.turnout.connector.config.SplittingSettings},
 * {@link dev.turnout.connector.config.ProbeSettings},
 * {@link dev.turnout.connector.config.FailoverSettings},
 * {@link dev.turnout.connector.config.BackendSettings} and
 * {@link dev.turnout.connector.config.RestApiSettings}.
 *
 * <p>The file may name a Tungsten {@code user.map} ({@code connector-user-map}), parsed into a
 * {@link dev.turnout.connector.config.UserMap} and validated with the configuration. The values
 * of the read/write splitting keys are this package's own types
 * ({@link dev.turnout.connector.config.QosSetting},
 * {@link dev.turnout.connector.config.LoadBalancerSetting},
 * {@link dev.turnout.connector.config.AffinitySetting}); the connector maps them to the routing module's.
 *
 * <p>Threading: parsing runs on whichever thread calls it (once, at start); the resulting
 * objects are immutable and safe to share between event loops. The one exception is the user map
 * a {@code ConnectorConfig} holds, which {@code reloadUserMap()} may replace from any thread: it is
 * swapped whole behind an atomic reference, and each {@code UserMap} is itself immutable.
 * Everything is non-null unless documented as nullable.
 */
@NullMarked
package dev.turnout.connector.config;

import org.jspecify.annotations.NullMarked;
