// Live model and training status on a student's page.
// Pushed over /ws/updates/ when the channel layer crosses processes (Redis); also polled,
// because with the in-memory layer the worker cannot reach this page's socket.
"use strict";

(() => {
  const box = document.querySelector("[data-model-status]");
  if (!box) return;
  const statusUrl = box.dataset.statusUrl;
  const text = box.querySelector("[data-model-status-text]") || box;
  const POLL_MS = 20000;
  // After the server drops the socket (a deploy, Redis restarting), reconnect soon, then back
  // off: about 1 s, 2 s, 4 s … up to 30 s, jittered so that every open page does not come
  // back in the same instant. A socket that stayed up STABLE_MS starts again from the first.
  const RETRY_FIRST_MS = 1000;
  const RETRY_MAX_MS = 30000;
  const STABLE_MS = 10000;
  const CLOSE_UNAUTHENTICATED = 4401;
  let retryMs = RETRY_FIRST_MS;
  let reconnecting = false;

  const show = (message, fresh) => {
    text.textContent = message;
    box.classList.toggle("fresh", Boolean(fresh));
  };

  const poll = async () => {
    try {
      const response = await fetch(statusUrl, { headers: { Accept: "application/json" } });
      if (response.ok) show((await response.json()).summary, false);
    } catch (_err) { /* offline for a moment: the next poll tries again */ }
  };

  const listen = () => {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${window.location.host}/ws/updates/`);
    let openedAt = null;
    socket.addEventListener("open", () => {
      openedAt = Date.now();
      // Announcements sent while the socket was down are gone: catch up once (other panels
      // of the page too, through a "reconnected" frame of their own).
      if (reconnecting) {
        poll();
        document.dispatchEvent(new CustomEvent("studysmart:update", { detail: { type: "reconnected" } }));
      }
    });
    socket.addEventListener("message", (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch (_err) { return; }
      // Other panels of the page (assigned task sets) listen for their own frame types.
      document.dispatchEvent(new CustomEvent("studysmart:update", { detail: frame }));
      if (frame.type !== "training") return;
      // The wording comes from the server (mlmodels/services.py), never from here. The pushed
      // line names the model: staff only (data-staff); a student's page polls its own summary.
      if (frame.message && box.dataset.staff !== undefined) {
        show(frame.message, true);
      } else {
        poll();
      }
    });
    socket.addEventListener("close", (event) => {
      // Logged out: a new socket would be refused the same way; polling carries on.
      if (event.code === CLOSE_UNAUTHENTICATED) return;
      if (openedAt !== null && Date.now() - openedAt >= STABLE_MS) retryMs = RETRY_FIRST_MS;
      const delay = retryMs / 2 + (Math.random() * retryMs) / 2;
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
      reconnecting = true;
      setTimeout(listen, delay);
    });
  };

  poll();
  setInterval(poll, POLL_MS);
  listen();
})();
