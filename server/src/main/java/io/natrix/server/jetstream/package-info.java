/**
 * JetStream's API as data: what clients send and receive, and the rules nats-server applies to it. Nothing here
 * holds state or does I/O; the stream manager and the API handlers build on it.
 *
 * <table>
 *   <caption>Concerns and their homes</caption>
 *   <tr><th>concern</th><th>types</th></tr>
 *   <tr><td>The error catalogue (every JetStream API error of nats-server, from {@code errors.json})</td>
 *       <td>{@link io.natrix.server.jetstream.JsErrors}, {@link io.natrix.server.jetstream.JsApiError},
 *       {@link io.natrix.server.jetstream.JsApiException}</td></tr>
 *   <tr><td>Stream configuration: the model, its JSON, its checks and defaults</td>
 *       <td>{@link io.natrix.server.jetstream.StreamConfig}, {@link io.natrix.server.jetstream.StreamSource},
 *       the policy enums, {@link io.natrix.server.jetstream.StreamConfigRequest},
 *       {@link io.natrix.server.jetstream.StreamConfigs}, {@link io.natrix.server.jetstream.JsVersioning}</td></tr>
 *   <tr><td>Limits that checks consult</td>
 *       <td>{@link io.natrix.server.jetstream.JsServerLimits}, {@link io.natrix.server.jetstream.JsAccountLimits}
 *       </td></tr>
 *   <tr><td>Request and response envelopes</td>
 *       <td>{@link io.natrix.server.jetstream.JsApi}, {@link io.natrix.server.jetstream.StreamInfo},
 *       {@link io.natrix.server.jetstream.AccountInfo}, {@link io.natrix.server.jetstream.PubAck}</td></tr>
 *   <tr><td>JSON as Go writes and reads it (writing: {@code JsJson}; reading requests strictly, with Go's error
 *       texts: {@code GoJson}, {@code GoBinder}; times and durations: {@code GoTime})</td>
 *       <td>{@link io.natrix.server.jetstream.JsJson}, {@link io.natrix.server.jetstream.GoTime}</td></tr>
 * </table>
 *
 * <p>Compatibility target: the stream API of nats-server 2.11 (API level 1), read as strictly as nats-server 2.12
 * reads it (unknown fields refused), with 2.12's configuration checks. Where Natrix differs on purpose (a single
 * server refuses more than one replica on update as well as on create), the type that decides says so.
 */
package io.natrix.server.jetstream;
