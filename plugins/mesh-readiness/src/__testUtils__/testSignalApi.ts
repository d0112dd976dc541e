import type { SignalApi } from '@backstage/plugin-signals-react';

/** A signal's message (JSON), as the signal API types it. */
type JsonObject = Parameters<Parameters<SignalApi['subscribe']>[1]>[0];

/**
 * A signal API whose signals the test sends, as the signals plugin's client
 * delivers them from its WebSocket: to every subscriber of the channel.
 */
export class TestSignalApi implements SignalApi {
  private readonly subscribers = new Map<
    string,
    Set<(message: JsonObject) => void>
  >();

  subscribe<TMessage extends JsonObject = JsonObject>(
    channel: string,
    onMessage: (message: TMessage) => void,
  ) {
    const listeners = this.subscribers.get(channel) ?? new Set();
    this.subscribers.set(channel, listeners);
    const listener = onMessage as (message: JsonObject) => void;
    listeners.add(listener);
    return { unsubscribe: () => listeners.delete(listener) };
  }

  /** The channels with at least one subscriber. */
  subscribedChannels(): string[] {
    return [...this.subscribers]
      .filter(([, listeners]) => listeners.size > 0)
      .map(([channel]) => channel);
  }

  emit(channel: string, message: JsonObject): void {
    for (const listener of this.subscribers.get(channel) ?? []) {
      listener(message);
    }
  }
}
