// The task change form's live preview: the texts being edited, rendered by the server exactly
// as students see them (Markdown, LaTeX as MathML, sanitised), shortly after each keystroke.
"use strict";

(() => {
  const preview = document.querySelector("[data-task-preview]");
  const form = preview && preview.closest("form");
  if (!form) return;
  const url = preview.dataset.previewUrl;
  const WAIT_MS = 400;
  const watched = /^(title|statement|solution|answer_kind|numeric_answer|unit|tolerance|correct_option|options_\d+_(id|text))$/;
  let timer = null;
  let latest = 0;

  const refresh = async () => {
    const sent = ++latest;
    const body = new FormData();
    for (const [name, value] of new FormData(form)) {
      if (watched.test(name) || name === "csrfmiddlewaretoken") body.append(name, value);
    }
    preview.classList.add("stale");
    try {
      const response = await fetch(url, { method: "POST", body, credentials: "same-origin" });
      if (sent !== latest) return; // a newer edit is on its way
      if (response.ok) {
        // Server-rendered and sanitised (nh3) HTML of the task's own texts.
        preview.innerHTML = await response.text();
      }
    } catch (_err) {
      /* offline for a moment: the next edit tries again */
    } finally {
      if (sent === latest) preview.classList.remove("stale");
    }
  };

  form.addEventListener("input", (event) => {
    if (!event.target.name || !watched.test(event.target.name)) return;
    clearTimeout(timer);
    timer = setTimeout(refresh, WAIT_MS);
  });
  form.addEventListener("change", (event) => {
    if (event.target.name === "answer_kind") refresh();
  });
})();
