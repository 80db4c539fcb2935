// Site-wide behaviour. No inline scripts anywhere: the Content Security Policy forbids them.
"use strict";

// A form marked data-once submits once: a double-click must not send the answer twice.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches("[data-once]")) return;
  if (form.dataset.submitted === "1") {
    event.preventDefault();
    return;
  }
  form.dataset.submitted = "1";
  form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; });
});

// A <details data-open-from="860"> is open on screens at least that wide (the tutor's chat
// list): CSS shows its content there too, where the browser supports ::details-content.
document.querySelectorAll("details[data-open-from]").forEach((details) => {
  const wide = window.matchMedia(`(min-width: ${Number(details.dataset.openFrom)}px)`);
  const sync = () => { details.open = wide.matches; };
  sync();
  wide.addEventListener("change", sync);
});

// The menu is a <details>: it works without JavaScript. On wide screens its links sit in the
// top bar (CSS shows them; browsers without ::details-content need it open); Escape closes it
// on narrow ones and gives the focus back to its button.
(() => {
  const menu = document.querySelector("[data-menu]");
  if (!menu) return;
  const wide = window.matchMedia("(min-width: 800px)");
  const sync = () => { menu.open = wide.matches; };
  sync();
  wide.addEventListener("change", sync);
  menu.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.open && !wide.matches) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
})();

// Theme buttons: saved for the user and applied at once, without reloading the page.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches("[data-theme-form]")) return;
  const button = event.submitter;
  if (!button || !button.value) return;
  event.preventDefault();
  const body = new FormData(form);
  body.set("theme", button.value);
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(String(response.status));
  } catch (_err) {
    // The plain form post still works (submit() sends no submitter: carry its value).
    const chosen = document.createElement("input");
    chosen.type = "hidden";
    chosen.name = "theme";
    chosen.value = button.value;
    form.append(chosen);
    form.submit();
    return;
  }
  const root = document.documentElement;
  if (button.value === "system") delete root.dataset.theme;
  else root.dataset.theme = button.value;
  const scheme = document.querySelector('meta[name="color-scheme"]');
  if (scheme) scheme.content = button.value === "system" ? "light dark" : button.value;
  form.querySelectorAll("button[name=theme]").forEach((b) => {
    b.setAttribute("aria-pressed", String(b === button));
  });
});
