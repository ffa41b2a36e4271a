// Server-Sent Events over fetch(). The browser's EventSource cannot send headers, and the
// service wants its API key in the X-API-Key header (a key in the URL would end up in logs), so
// the stream is read with fetch and parsed here, following the WHATWG event-stream rules.

/**
 * Incremental parser of a text/event-stream. Feed it text as it arrives, in chunks cut anywhere;
 * it calls onEvent({type, data, id}) for every complete event.
 */
export class SseParser {
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.buffer = '';
    this.data = [];
    this.type = '';
    this.lastId = '';
  }

  /** Adds a chunk of decoded text. */
  push(text) {
    this.buffer += text;
    let start = 0;
    for (;;) {
      const cr = this.buffer.indexOf('\r', start);
      const lf = this.buffer.indexOf('\n', start);
      let end;
      let next;
      if (cr < 0 && lf < 0) break;
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        // A CR at the very end may be the first half of a CRLF cut by the chunking: wait.
        if (cr === this.buffer.length - 1) break;
        end = cr;
        next = this.buffer[cr + 1] === '\n' ? cr + 2 : cr + 1;
      } else {
        end = lf;
        next = lf + 1;
      }
      this.line(this.buffer.slice(start, end));
      start = next;
    }
    this.buffer = this.buffer.slice(start);
  }

  /** The stream ended: a trailing CR ends its line; an event without its blank line is dropped (as the spec says). */
  end() {
    if (this.buffer.endsWith('\r')) {
      this.line(this.buffer.slice(0, -1));
    }
    this.buffer = '';
    this.data = [];
    this.type = '';
  }

  line(l) {
    if (l === '') {
      if (this.data.length > 0) {
        this.onEvent({ type: this.type || 'message', data: this.data.join('\n'), id: this.lastId });
      }
      this.data = [];
      this.type = '';
      return;
    }
    if (l.startsWith(':')) return; // comment, e.g. the service's keep-alive
    const colon = l.indexOf(':');
    const field = colon < 0 ? l : l.slice(0, colon);
    let value = colon < 0 ? '' : l.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.type = value;
    else if (field === 'id' && !value.includes('\0')) this.lastId = value;
    // 'retry' and unknown fields: the reconnect delay is ours to choose.
  }
}

/**
 * Opens an event stream and keeps it open: on end or error it reconnects after a growing delay
 * (1 s doubling to 15 s; back to 1 s after a stream that delivered events).
 *
 * @param {string} url the stream
 * @param {object} o options: headers() returns the request headers (read at every connect);
 *   onEvent(event); onOpen() after each successful connect (refresh what may have been missed);
 *   onStatus(status, detail) with status 'connecting' | 'live' | 'retrying';
 *   onHttpError(response) may return a promise: resolved true to retry at once (e.g. after asking
 *   for the API key), false to wait as usual; fetchImpl and sleep for tests.
 * @returns {{close(): void}} stops the stream for good
 */
export function openEventStream(url, o) {
  const fetchImpl = (url, init) => (o.fetchImpl ? o.fetchImpl(url, init) : globalThis.fetch(url, init));
  const sleep = o.sleep || ((ms, signal) => new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  }));
  const controller = new AbortController();
  const status = o.onStatus || (() => {});
  let delay = 1000;

  const run = async () => {
    while (!controller.signal.aborted) {
      status('connecting');
      let retryNow = false;
      try {
        const res = await fetchImpl(url, {
          headers: { Accept: 'text/event-stream', ...(o.headers ? o.headers() : {}) },
          signal: controller.signal,
          cache: 'no-store',
        });
        if (!res.ok) {
          retryNow = o.onHttpError ? await o.onHttpError(res) : false;
          status('retrying', `HTTP ${res.status}`);
        } else {
          status('live');
          if (o.onOpen) o.onOpen();
          let delivered = false;
          const parser = new SseParser((e) => { delivered = true; o.onEvent(e); });
          const reader = res.body.getReader();
          const decoder = new TextDecoder();
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            parser.push(decoder.decode(value, { stream: true }));
          }
          parser.push(decoder.decode());
          parser.end();
          if (delivered) delay = 1000;
          status('retrying', 'stream ended');
        }
      } catch (e) {
        if (controller.signal.aborted) return;
        status('retrying', e && e.message ? e.message : String(e));
      }
      if (controller.signal.aborted) return;
      if (!retryNow) {
        await sleep(delay, controller.signal);
        delay = Math.min(15000, delay * 2);
      }
    }
  };
  const done = run();
  return {
    close() { controller.abort(); },
    closed: done,
  };
}
