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

  const describe = (s) => {
    if (s.state === "running") return "Your predictions are being retrained…";
    if (s.state === "queued") return "Retraining queued…";
    const counter = `${s.completed_since_training}/${s.threshold} tasks until the next update`;
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
    socket.addEventListener("message", (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch (_err) { return; }
      if (frame.type !== "training") return;
      if (frame.state === "succeeded" && frame.champion) {
        const auc = typeof frame.auc === "number" ? ` — AUC ${frame.auc.toFixed(2)}` : "";
        show(`Model updated: ${frame.champion}${auc}`, true);
      } else {
        poll();
      }
    });
    socket.addEventListener("close", () => setTimeout(listen, POLL_MS));
  };

  poll();
  setInterval(poll, POLL_MS);
  listen();
})();
