// select2 (the admin's autocomplete) shows the chosen value in a span with role="textbox"
// that has no accessible name until something is chosen: give it the field's label.
// Queued on Django's jQuery after autocomplete.js has built the boxes.
document.addEventListener("DOMContentLoaded", () => {
  window.django.jQuery(() => {
    for (const select of document.querySelectorAll("select.admin-autocomplete")) {
      const label = select.id && document.querySelector(`label[for="${select.id}"]`);
      const shown = document.getElementById(`select2-${select.id}-container`);
      if (label && shown) {
        shown.setAttribute("aria-label", label.textContent.replace(/:\s*$/, "").trim());
      }
    }
  });
});
