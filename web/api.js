// The JSON API client: adds the session token and the user's language to every call and turns
// error responses ({"error":{"code","message","field"}}) into ApiError.

import { locale, t } from './i18n.js';

const TOKEN_KEY = 'lifeline.token';
const BASE = '/api/v1';

export class ApiError extends Error {
  constructor(status, error = {}, requestId = null) {
    super(error.message || t('web.error.http', { status }));
    this.name = 'ApiError';
    this.status = status;
    this.code = error.code || 'unknown';
    this.field = error.field || null;
    this.requestId = requestId;
  }
}

let unauthorizedHandler = () => {};

// Called with the ApiError when an authenticated call answers 401 (expired or revoked session).
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

export function token() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(value) {
  try {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage disabled: the session lasts only as long as this page.
  }
}

// request('GET', '/hospitals', {query: {district: '420106'}})
// request('POST', '/users', {body: {...}})
// `auth: false` for calls made without a session (login), whose 401 is an answer, not an expiry.
// `upload`: a Blob or File sent as the body as it is (its own type); `download: true` answers
// the response's Blob (an export) instead of JSON. Errors are ApiErrors either way.
export async function request(method, path, { body, query, auth = true, upload, download = false } = {}) {
  const url = new URL(BASE + path, window.location.origin);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, value);
  }
  const headers = { Accept: 'application/json', 'Accept-Language': locale() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (upload) headers['Content-Type'] = upload.type || 'application/octet-stream';
  const bearer = auth ? token() : null;
  if (bearer) headers.Authorization = `Bearer ${bearer}`;

  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: upload ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    if (download && response.ok) return await response.blob();
  } catch {
    throw new ApiError(0, { code: 'network', message: t('web.error.network') });
  }

  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data?.error, response.headers.get('X-Request-Id'));
    if (response.status === 401 && auth) {
      setToken(null);
      unauthorizedHandler(error);
    }
    throw error;
  }
  return data;
}

export const api = {
  get: (path, query) => request('GET', path, { query }),
  post: (path, body) => request('POST', path, { body }),
  patch: (path, body) => request('PATCH', path, { body }),
};
