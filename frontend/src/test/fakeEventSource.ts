/** A stand-in for the browser's EventSource: tests open, feed and fail streams by hand. */
export class FakeEventSource {
  static instances: FakeEventSource[] = [];

  static reset() {
    FakeEventSource.instances = [];
  }

  static latest(): FakeEventSource {
    const last = FakeEventSource.instances.at(-1);
    if (!last) throw new Error('no EventSource was opened');
    return last;
  }

  readonly url: string;
  closed = false;
  onerror: ((event: Event) => void) | null = null;
  private listeners = new Map<string, ((event: MessageEvent) => void)[]>();

  constructor(url: string | URL) {
    this.url = String(url);
    FakeEventSource.instances.push(this);
  }

  addEventListener(type: string, listener: (event: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  removeEventListener(type: string, listener: (event: MessageEvent) => void) {
    this.listeners.set(type, (this.listeners.get(type) ?? []).filter((l) => l !== listener));
  }

  close() {
    this.closed = true;
  }

  /** The token the stream was opened with. */
  get token(): string | null {
    return new URL(this.url).searchParams.get('access_token');
  }

  emit(type: string, data: unknown) {
    if (this.closed) return;
    const event = new MessageEvent(type, { data: typeof data === 'string' ? data : JSON.stringify(data) });
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }

  /** What the browser does when the stream ends, is refused (401, 503) or the network drops. */
  fail() {
    this.onerror?.(new Event('error'));
  }
}

export function asEventSource(): typeof EventSource {
  return FakeEventSource as unknown as typeof EventSource;
}
