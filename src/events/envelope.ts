// The one shape every event has on the wire (docs/events.md): what happened, when, and the
// facts of it. Webhook bodies are this object as JSON; chat messages are rendered from it.

export interface EventEnvelope {
  /** Dotted name from the catalogue, e.g. `occurrence.held`. */
  type: string;
  /** When it happened, RFC 3339 in UTC. */
  timestamp: string;
  data: Record<string, unknown>;
}
