// Calls to the service's API: adds the API key when one is set, turns error responses (RFC 9457
// problem details) into ApiError with the service's own message, and on 401 asks for the key
// and tries again. The pure parts are tested with node --test (api/src/test/js/api.test.js).

/** An API call that failed; `message` is the problem's detail, written by the service for users. */
export class ApiError extends Error {
  constructor(status, code, title, detail) {
    super(detail || title || `HTTP ${status}`);
    this.status = status;
    this.code = code;
    this.title = title;
  }
}

/** The stable code of a problem type: "urn:neghash:problem:not-found" -> "not-found". */
export function problemCode(type) {
  if (typeof type !== 'string') return null;
  const i = type.lastIndexOf(':');
  return i >= 0 ? type.slice(i + 1) : type;
}

/** An ApiError from a status and a response body (a problem detail object, other JSON, or text). */
export function toApiError(status, statusText, body) {
  if (body && typeof body === 'object') {
    return new ApiError(status, problemCode(body.type), body.title || statusText, body.detail || body.title || null);
  }
  const text = typeof body === 'string' ? body.trim() : '';
  return new ApiError(status, null, statusText, text && text.length < 300 ? `${status} ${statusText}: ${text}` : `${status} ${statusText || 'error'}`);
}

async function readError(res) {
  let body = null;
  try {
    const text = await res.text();
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  } catch {
    body = null;
  }
  return toApiError(res.status, res.statusText, body);
}

/** The request header that carries the API key. */
export const KEY_HEADER = 'X-API-Key';

/**
 * An API client.
 *
 * @param {object} o fetchImpl; keyStore with get() and set(key); askKey(message) returns a
 *   promise of a new key, or of null when the user gives up
 */
export function createApi(o) {
  // Looked up at each call, not once, so a wrapped window.fetch (tests, extensions) is honoured.
  const fetchImpl = (url, init) => (o.fetchImpl ? o.fetchImpl(url, init) : globalThis.fetch(url, init));
  let asking = null;

  /** Asks once for a key even when several calls meet a 401 at the same time. */
  function askOnce(message) {
    if (!asking) {
      asking = Promise.resolve(o.askKey(message)).then((k) => {
        asking = null;
        if (k) o.keyStore.set(k);
        return k;
      });
    }
    return asking;
  }

  function headers(extra) {
    const h = { ...extra };
    const k = o.keyStore.get();
    if (k) h[KEY_HEADER] = k;
    return h;
  }

  /** Sends a request; returns the Response when 2xx, throws ApiError otherwise. */
  async function send(method, path, { body, type, accept } = {}) {
    for (;;) {
      const h = headers({});
      if (type) h['Content-Type'] = type;
      if (accept) h.Accept = accept;
      const res = await fetchImpl(path, { method, headers: h, body });
      if (res.ok) return res;
      const err = await readError(res);
      // A body that is a stream (a File) can be sent again; only 401 is worth a retry.
      if (res.status === 401 && o.askKey) {
        const key = await askOnce(err.message);
        if (key) continue;
      }
      throw err;
    }
  }

  async function json(method, path, value) {
    const res = await send(method, path, value === undefined ? {} : { body: JSON.stringify(value), type: 'application/json' });
    return res.status === 204 ? null : res.json();
  }

  return {
    send,
    headers,
    askOnce,
    get: (path) => json('GET', path),
    post: (path, value) => json('POST', path, value),
    del: (path) => send('DELETE', path),
  };
}
