// The admin's autocomplete fields (select2) leave their combobox without an accessible name:
// name each after its field's label. Loaded by templates/admin/base_site.html.
"use strict";

(() => {
  const name = () => {
    document.querySelectorAll("select.admin-autocomplete").forEach((select) => {
      const label = document.querySelector(`label[for="${select.id}"]`);
      const box = select.parentElement && select.parentElement.querySelector(".select2-selection");
      if (!label || !box) return;
      if (!label.id) label.id = `${select.id}-label`;
      const shown = box.querySelector(".select2-selection__rendered");
      box.setAttribute("aria-labelledby", [label.id, shown && shown.id].filter(Boolean).join(" "));
      if (shown) shown.setAttribute("aria-label", label.textContent.replace(/:\s*$/, "").trim());
    });
  };
  window.addEventListener("load", () => window.setTimeout(name, 0));
  document.addEventListener("DOMContentLoaded", () => window.setTimeout(name, 0));
})();
