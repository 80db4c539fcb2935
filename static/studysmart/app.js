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
