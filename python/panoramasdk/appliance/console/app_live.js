// An application's live output (MJPEG in an <img>) and its log, followed with EventSource.
// Both hold a connection open, so both are closed when the page is left.

import { seg } from "./api.js";
import { fill, h } from "./dom.js";

const MAX_LOG_LINES = 2000;
const LIVE_RETRY_MS = 2000;

export function liveOutput(page, app) {
  const img = h("img", { id: "live-output", "data-testid": "live-output", alt: `Live output of ${app}`,
    hidden: true });
  const note = h("p", { class: "empty", "data-testid": "live-note" }, "Shown while the application runs.");
  const snapshot = h("a", { href: `/api/apps/${seg(app)}/snapshot/0.jpg`, target: "_blank",
    rel: "noopener", "data-testid": "snapshot-link", hidden: true }, "Open a snapshot");
  let shown = null; // what the stream shows: "version/pid/port", or null
  let retry = null;

  const stop = () => {
    clearTimeout(retry);
    img.removeAttribute("src"); // ends the MJPEG connection
    img.hidden = true;
    snapshot.hidden = true;
    note.hidden = false;
  };
  img.addEventListener("error", () => {
    if (!img.getAttribute("src")) return;
    // The stream is not up yet (or the process restarted): ask again after the next status.
    stop();
    fill(note, "The live output is not available yet; retrying…");
    retry = setTimeout(() => { shown = null; }, LIVE_RETRY_MS);
  });
  page.onLeave(stop);

  const element = h("section", { "aria-labelledby": "live-heading" },
    h("h3", { id: "live-heading" }, "Live output"), img, note, snapshot);

  // Called with each status: (re)opens the stream when the process runs and changes.
  const update = (status) => {
    const running = status?.state === "RUNNING" && status.view_port !== null && status.view_port !== 0;
    const key = running ? `${status.version}/${status.pid}/${status.view_port}` : null;
    if (key === shown) return;
    shown = key;
    if (!running) {
      stop();
      fill(note, "Shown while the application runs.");
      return;
    }
    img.src = `/api/apps/${seg(app)}/live/0.mjpg?process=${encodeURIComponent(key)}`;
    img.hidden = false;
    snapshot.hidden = false;
    note.hidden = true;
  };
  return { element, update };
}

export function logFollower(page, app) {
  const log = h("pre", { id: "app-log", "data-testid": "app-log", tabindex: "0", "aria-label": `Log of ${app}` });
  const state = h("span", { class: "empty", "data-testid": "app-log-state", "aria-live": "polite" });
  const follow = h("input", { type: "checkbox", id: "log-follow", checked: true });
  let source = null;

  const addLine = (text) => {
    const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
    log.append(document.createTextNode(`${text}\n`));
    while (log.childNodes.length > MAX_LOG_LINES) log.firstChild.remove();
    if (atBottom) log.scrollTop = log.scrollHeight;
  };
  const stop = () => {
    if (source) source.close();
    source = null;
  };
  const start = () => {
    stop();
    source = new EventSource(`/api/apps/${seg(app)}/logs/follow`);
    source.addEventListener("open", () => {
      fill(log); // the stream starts with the newest lines, again after a reconnect
      fill(state, "(live)");
    });
    source.addEventListener("message", (event) => addLine(event.data));
    source.addEventListener("error", () => {
      fill(state, source && source.readyState === EventSource.CLOSED ? "(stopped)" : "(reconnecting…)");
    });
  };
  follow.addEventListener("change", () => {
    if (follow.checked) start();
    else {
      stop();
      fill(state, "(paused)");
    }
  });
  page.onLeave(stop);

  const element = h("section", { "aria-labelledby": "log-heading" },
    h("h3", { id: "log-heading" }, "Log"),
    h("div", { class: "field inline" }, follow, h("label", { for: "log-follow" }, "Follow"), " ", state),
    log);
  start();
  return element;
}
