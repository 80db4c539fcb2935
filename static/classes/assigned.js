// The dashboard's "from your teachers" panel: due dates in the student's own time zone, and a
// newly assigned set shown without a reload. static/mlmodels/updates.js holds the page's one
// /ws/updates/ socket and re-dispatches every frame as a "studysmart:update" event.
"use strict";

(() => {
  const panel = document.getElementById("assigned-sets");
  if (!panel) return;
  const body = document.getElementById("assigned-sets-body");
  const url = panel.dataset.assignedUrl;
  const format = new Intl.DateTimeFormat(undefined, {
    weekday: "short", day: "numeric", month: "short", year: "numeric",
    hour: "2-digit", minute: "2-digit", timeZoneName: "short",
  });

  const localTimes = (root) => {
    root.querySelectorAll("time[data-local-time]").forEach((el) => {
      const when = new Date(el.getAttribute("datetime"));
      if (!Number.isNaN(when.getTime())) el.textContent = format.format(when);
    });
  };

  const refresh = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "text/html" } });
      if (!response.ok) return;
      body.innerHTML = await response.text();
      localTimes(body);
      panel.classList.add("fresh");
    } catch (_err) { /* offline for a moment: the next announcement or load shows it */ }
  };

  document.addEventListener("studysmart:update", (event) => {
    const frame = event.detail || {};
    // A new set, or a socket back after a gap in which one may have been announced.
    if (frame.type === "task_set" || frame.type === "reconnected") refresh();
  });
  localTimes(panel);
})();
