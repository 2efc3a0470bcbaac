// Calls to the appliance's HTTP API. The token travels in the HttpOnly cookie the server set at login,
// so nothing here ever sees or stores it.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// FastAPI answers {"detail": "text"}, or for a malformed request {"detail": [{loc, msg}, ...]}.
function detailText(detail, fallback) {
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail.map((d) => `${(d.loc || []).filter((p) => p !== "body").join(".")}: ${d.msg}`).join("; ");
  }
  return fallback;
}

async function errorOf(response) {
  const fallback = `${response.status} ${response.statusText}`;
  try {
    return new ApiError(response.status, detailText((await response.json()).detail, fallback));
  } catch {
    return new ApiError(response.status, fallback);
  }
}

// The JSON answer, the text answer (text/plain) or null (204).
export async function api(method, path, body) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 401) {
    // The cookie is gone or the token changed: the server's login page takes over.
    window.location.assign("/");
    throw new ApiError(401, "not logged in");
  }
  if (!response.ok) throw await errorOf(response);
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  return type.includes("json") ? response.json() : response.text();
}

export const get = (path) => api("GET", path);
export const post = (path, body = {}) => api("POST", path, body);
export const del = (path) => api("DELETE", path);

// One path segment (names are [A-Za-z0-9._-], but a user may type anything in a form).
export const seg = (name) => encodeURIComponent(name);
