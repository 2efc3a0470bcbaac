// One shown page: its timers, streams and messages end when the user goes elsewhere.

import { fill } from "./dom.js";

let carried = null; // a message for the page shown next (after an action that navigates)

// Goes to another page and shows `message` there.
export function navigate(hash, message) {
  carried = message;
  window.location.hash = hash;
}

export class Page {
  constructor(main, notice) {
    this.main = main;
    this.notice = notice;
    this.active = true;
    this.cleanups = [];
  }

  // Runs fn now and then `ms` after each run ends (never two at once); stops when the page is left.
  // A failed refresh shows its message until one succeeds.
  every(ms, fn) {
    let timer = null;
    let failed = false;
    const run = async () => {
      if (!this.active) return;
      if (!document.hidden) {
        try {
          await fn();
          if (failed) this.clearNotice();
          failed = false;
        } catch (err) {
          failed = true;
          if (this.active) this.show(`Could not refresh: ${err.message}`, "error");
        }
      }
      if (this.active) timer = setTimeout(run, ms);
    };
    this.onLeave(() => clearTimeout(timer));
    return run();
  }

  // Shows the message left by navigate(), else clears the previous page's.
  showCarried() {
    if (carried) this.show(carried, "ok");
    else this.clearNotice();
    carried = null;
  }

  onLeave(fn) {
    this.cleanups.push(fn);
  }

  leave() {
    this.active = false;
    for (const fn of this.cleanups.splice(0)) fn();
  }

  show(message, kind = "ok") {
    if (!this.active) return;
    this.notice.className = `notice ${kind}`;
    this.notice.setAttribute("data-kind", kind);
    fill(this.notice, message);
    this.notice.hidden = false;
  }

  clearNotice() {
    this.notice.hidden = true;
    fill(this.notice);
  }

  // A user's action: the button is disabled while it runs; the API's message is shown if it fails.
  // `done` is the message on success (or a function of fn's result). Returns whether it succeeded.
  async act(button, fn, done) {
    if (button) button.disabled = true;
    try {
      const result = await fn();
      if (done) this.show(typeof done === "function" ? done(result) : done, "ok");
      return true;
    } catch (err) {
      this.show(err.message, "error");
      return false;
    } finally {
      if (button) button.disabled = false;
    }
  }
}
