import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApi, toApiError, problemCode, ApiError } from '../../main/resources/static/js/api.js';

const problem = (status, code, detail) => new Response(JSON.stringify({
  type: `urn:neghash:problem:${code}`, title: 'Bad Request', status, detail,
}), { status, headers: { 'Content-Type': 'application/problem+json' } });

test('problem details become errors carrying the service’s message', () => {
  const e = toApiError(400, 'Bad Request', { type: 'urn:neghash:problem:invalid-input', title: 'Bad Request', detail: 'k must be between 1 and 99 (N - 1), got 500' });
  assert.ok(e instanceof ApiError);
  assert.equal(e.message, 'k must be between 1 and 99 (N - 1), got 500');
  assert.equal(e.code, 'invalid-input');
  assert.equal(e.status, 400);
  assert.equal(toApiError(502, 'Bad Gateway', 'upstream down').message, '502 Bad Gateway: upstream down');
  assert.equal(toApiError(500, '', null).message, '500 error');
  assert.equal(toApiError(404, 'Not Found', { title: 'Not Found' }).message, 'Not Found');
  assert.equal(problemCode('urn:neghash:problem:queue-full'), 'queue-full');
  assert.equal(problemCode(undefined), null);
});

test('sends the stored key; on 401 asks once for a key and retries', async () => {
  let stored = null;
  const seen = [];
  const asked = [];
  const api = createApi({
    keyStore: { get: () => stored, set: (k) => { stored = k; } },
    askKey: async (message) => { asked.push(message); return 'secret'; },
    fetchImpl: async (path, init) => {
      seen.push([init.method, path, init.headers['X-API-Key'] ?? null]);
      if (init.headers['X-API-Key'] !== 'secret') return problem(401, 'unauthorized', 'this service needs an API key in the X-API-Key header');
      return new Response('[{"id":"ds_a"}]', { status: 200, headers: { 'Content-Type': 'application/json' } });
    },
  });
  // Two calls meet the 401 at the same time: one prompt, both retried.
  const [a, b] = await Promise.all([api.get('api/v1/datasets'), api.get('api/v1/jobs')]);
  assert.deepEqual(a, [{ id: 'ds_a' }]);
  assert.deepEqual(b, [{ id: 'ds_a' }]);
  assert.deepEqual(asked, ['this service needs an API key in the X-API-Key header']);
  assert.equal(stored, 'secret');
  assert.deepEqual(seen.filter((s) => s[2] === 'secret').map((s) => s[1]).sort(), ['api/v1/datasets', 'api/v1/jobs']);
  assert.equal(api.headers({})['X-API-Key'], 'secret');
});

test('a declined prompt and other errors reach the caller as ApiError', async () => {
  const api = createApi({
    keyStore: { get: () => null, set: () => { throw new Error('not called'); } },
    askKey: async () => null,
    fetchImpl: async (path, init) => (path.endsWith('jobs')
      ? problem(400, 'invalid-input', 'negatives (9) must not exceed k (4)')
      : problem(401, 'unauthorized', 'the API key in the X-API-Key header is not valid')),
  });
  await assert.rejects(api.get('api/v1/datasets'), (e) => e.status === 401 && /not valid/.test(e.message));
  await assert.rejects(api.post('api/v1/datasets/ds_a/jobs', { k: 4, negatives: 9 }),
    (e) => e.status === 400 && e.code === 'invalid-input' && e.message === 'negatives (9) must not exceed k (4)');
});

test('JSON bodies go out with their content type; 204 gives null', async () => {
  let sent;
  const api = createApi({
    keyStore: { get: () => null, set: () => {} },
    fetchImpl: async (path, init) => {
      sent = init;
      return init.method === 'DELETE' ? new Response(null, { status: 204 }) : new Response('{"id":"job_x"}', { status: 202 });
    },
  });
  assert.deepEqual(await api.post('p', { k: 3 }), { id: 'job_x' });
  assert.equal(sent.headers['Content-Type'], 'application/json');
  assert.equal(sent.body, '{"k":3}');
  assert.equal((await api.del('p')).status, 204);
});
