import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser, openEventStream } from '../../main/resources/static/js/sse.js';

function parse(chunks) {
  const events = [];
  const p = new SseParser((e) => events.push(e));
  for (const c of chunks) p.push(c);
  p.end();
  return events;
}

test('parses events as the service sends them, ignoring comments', () => {
  const text = ':keep-alive\n\nid:1\nevent:job\ndata:{"id":"job_a","progress":0.5}\n\nid:2\nevent:job\ndata:{"id":"job_b"}\n\n';
  assert.deepEqual(parse([text]), [
    { type: 'job', data: '{"id":"job_a","progress":0.5}', id: '1' },
    { type: 'job', data: '{"id":"job_b"}', id: '2' },
  ]);
});

test('gives the same events however the stream is cut', () => {
  const text = 'event: job\r\ndata: one\r\ndata: two\r\n\r\nevent:job\rdata:three\r\rdata: four\n\n';
  const whole = parse([text]);
  assert.deepEqual(whole.map((e) => [e.type, e.data]), [['job', 'one\ntwo'], ['job', 'three'], ['message', 'four']]);
  for (let cut = 1; cut < text.length; cut++) {
    assert.deepEqual(parse([text.slice(0, cut), text.slice(cut)]), whole, `cut at ${cut}`);
  }
  assert.deepEqual(parse([...text]), whole, 'one character at a time');
});

test('field rules: one leading space removed, no colon means empty value, unknown fields ignored', () => {
  assert.deepEqual(parse(['data:  two spaces\nretry: 10\nfoo: bar\n\n']), [{ type: 'message', data: ' two spaces', id: '' }]);
  assert.deepEqual(parse(['data\ndata\n\n']), [{ type: 'message', data: '\n', id: '' }]);
  assert.deepEqual(parse(['event: job\n\n', 'data: x\n\n']), [{ type: 'message', data: 'x', id: '' }], 'an event without data resets the type');
  assert.deepEqual(parse(['data: unfinished']), [], 'an event cut off by the end of the stream is dropped');
});

/** A fetch Response streaming `chunks` as UTF-8 bytes. */
function streamed(chunks) {
  const enc = new TextEncoder();
  return new Response(new ReadableStream({
    start(c) {
      for (const x of chunks) c.enqueue(enc.encode(x));
      c.close();
    },
  }), { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
}

test('reads events over fetch with the key header, reconnects, and stops on close', async () => {
  const calls = [];
  const events = [];
  const statuses = [];
  const sleeps = [];
  let opened = 0;
  let stream;
  let finish;
  const finished = new Promise((r) => { finish = r; });
  const responses = [
    () => streamed(['event: job\ndata: {"id":', '"a"}\n\n']),
    () => new Response('{"status":401,"detail":"needs a key"}', { status: 401 }),
    () => streamed(['event: job\ndata: {"id":"b"}\n\n']),
  ];
  const fetchImpl = (url, init) => {
    calls.push({ url, key: init.headers['X-API-Key'], accept: init.headers.Accept });
    const next = responses.shift();
    if (next) return Promise.resolve(next());
    // Then hang until closed, as an open stream would.
    finish();
    return new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted'))));
  };
  let key = 'k1';
  stream = openEventStream('api/v1/jobs/events', {
    fetchImpl,
    headers: () => ({ 'X-API-Key': key }),
    onEvent: (e) => events.push(JSON.parse(e.data).id),
    onOpen: () => opened++,
    onStatus: (s) => statuses.push(s),
    onHttpError: async (res) => {
      assert.equal(res.status, 401);
      key = 'k2';
      return true; // retry at once with the new key
    },
    sleep: async (ms) => { sleeps.push(ms); },
  });
  await finished;
  stream.close();
  await stream.closed;
  assert.deepEqual(events, ['a', 'b']);
  assert.equal(opened, 2);
  assert.deepEqual(calls.map((c) => c.key), ['k1', 'k1', 'k2', 'k2']);
  assert.ok(calls.every((c) => c.url === 'api/v1/jobs/events' && c.accept === 'text/event-stream'));
  // After each stream that delivered events the delay starts again from 1 s; the 401 retried at once.
  assert.deepEqual(sleeps, [1000, 1000]);
  assert.ok(statuses.includes('live') && statuses.includes('retrying'));
});

test('backs off from 1 s to 15 s while the service is away', async () => {
  const sleeps = [];
  let stream;
  stream = openEventStream('x', {
    fetchImpl: () => Promise.reject(new TypeError('connection refused')),
    onEvent: () => {},
    sleep: async (ms) => {
      sleeps.push(ms);
      if (sleeps.length === 7) stream.close();
    },
  });
  await stream.closed;
  assert.deepEqual(sleeps, [1000, 2000, 4000, 8000, 15000, 15000, 15000]);
});
