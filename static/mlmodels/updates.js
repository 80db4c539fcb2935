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

  // Model names, versions, AUC and the retraining counter are for staff (data-staff); a student
  // reads what their predictions are doing (the same wording as tasks/views.py).
  const staff = box.dataset.staff !== undefined;
  const STUDENT_LINE = "Your predictions update after every answer and learn from everyone's practice.";

  const describe = (s) => {
    if (!staff) {
      return s.state === "running" ? "Your predictions are being updated…" : STUDENT_LINE;
    }
    if (s.state === "running") return "Your predictions are being retrained…";
    if (s.state === "queued") return "Retraining queued…";
    const left = Math.max(0, s.threshold - s.completed_since_training);
    const counter = `${left} task${left === 1 ? "" : "s"} until the next retraining`;
    if (s.champion && s.champion.version) {
      const auc = typeof s.champion.auc === "number" ? `, AUC ${s.champion.auc.toFixed(2)}` : "";
      return `Model ${s.champion.version}${auc} · ${counter}`;
    }
    return `Predictions from practice averages · ${counter}`;
  };

  const show = (message, fresh) => {
    text.textContent = message;
    box.classList.toggle("fresh", Boolean(fresh));
  };

  const poll = async () => {
    try {
      const response = await fetch(statusUrl, { headers: { Accept: "application/json" } });
      if (response.ok) show(describe(await response.json()), false);
    } catch (_err) { /* offline for a moment: the next poll tries again */ }
  };

  const listen = () => {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${window.location.host}/ws/updates/`);
    let openedAt = null;
    socket.addEventListener("open", () => {
      openedAt = Date.now();
      // Announcements sent while the socket was down are gone: catch up once.
      if (reconnecting) poll();
    });
    socket.addEventListener("message", (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch (_err) { return; }
      if (frame.type !== "training") return;
      if (frame.state === "succeeded" && frame.champion && !staff) {
        show("Your predictions were just updated.", true);
      } else if (frame.state === "succeeded" && frame.champion) {
        const auc = typeof frame.auc === "number" ? ` — AUC ${frame.auc.toFixed(2)}` : "";
        show(`Model updated: ${frame.champion}${auc}`, true);
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
