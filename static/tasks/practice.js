// Practice pages: the running timer on the task page. The server owns the clock: it sends
// when the task was first shown and its own "now", so a wrong clock in the browser cannot skew
// the display (and the time taken is measured on the server anyway).
// Screen readers are told the time once a minute, through a polite live region, rather than
// every second (the visible value is a role="timer", which is not announced by itself).
"use strict";

(() => {
  const format = (total) => {
    const minutes = Math.floor(total / 60);
    const seconds = total % 60;
    return minutes ? `${minutes}:${String(seconds).padStart(2, "0")}` : `${seconds} s`;
  };
  const spoken = (minutes) => `${minutes} minute${minutes === 1 ? "" : "s"} on this task`;

  document.querySelectorAll("[data-timer]").forEach((timer) => {
    const shownAt = Date.parse(timer.dataset.shownAt);
    const serverNow = Date.parse(timer.dataset.serverNow);
    if (Number.isNaN(shownAt) || Number.isNaN(serverNow)) return;
    const offset = serverNow - Date.now(); // add to the browser's clock to get the server's
    const value = timer.querySelector("[data-timer-value]") || timer;
    const announce = timer.querySelector("[data-timer-announce]");
    let announcedMinutes = null;
    const tick = () => {
      const elapsed = Math.max(0, Math.floor((Date.now() + offset - shownAt) / 1000));
      value.textContent = format(elapsed);
      const minutes = Math.floor(elapsed / 60);
      if (announce && announcedMinutes !== null && minutes > announcedMinutes) {
        announce.textContent = spoken(minutes);
      }
      announcedMinutes = minutes;
    };
    tick();
    window.setInterval(tick, 1000);
  });
})();
