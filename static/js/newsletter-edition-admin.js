/* The edition page in the admin: order articles with arrows or by dragging, warn
   before sending unsaved changes, confirm "send now". A static file, so it runs
   under a Content-Security-Policy without 'unsafe-inline'. */
"use strict";
(function () {
  function articleRows(body) {
    return Array.from(body.querySelectorAll("tr.form-row:not(.empty-form)")).filter(function (row) {
      var remove = row.querySelector("input[name$='-DELETE']");
      return !(remove && remove.checked);
    });
  }

  function chosen(row) {
    var select = row.querySelector("select[name$='-article']");
    return select && select.value;
  }

  function title(row) {
    var select = row.querySelector("select[name$='-article']");
    var option = select && select.selectedOptions[0];
    return option ? option.textContent : "";
  }

  /* Positions follow the rows on screen; empty extra rows keep theirs, so the
     formset does not take them for changed forms. */
  function renumber(body) {
    var rows = articleRows(body);
    var filled = rows.filter(chosen);
    filled.forEach(function (row, index) {
      var position = row.querySelector("input[name$='-position']");
      if (position) { position.value = String(index); }
    });
    rows.forEach(function (row) {
      var up = row.querySelector(".edition-order__up");
      var down = row.querySelector(".edition-order__down");
      var index = filled.indexOf(row);
      if (!up) { return; }
      up.disabled = index <= 0;
      down.disabled = index < 0 || index === filled.length - 1;
      up.setAttribute("aria-label", "Sposta su: " + title(row));
      down.setAttribute("aria-label", "Sposta giù: " + title(row));
    });
  }

  /* A new order is an unsaved change, like typing: tell the form. */
  function changed(body) {
    renumber(body);
    body.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function move(body, row, step) {
    var filled = articleRows(body).filter(chosen);
    var index = filled.indexOf(row);
    var other = filled[index + step];
    if (!other) { return; }
    if (step < 0) { other.before(row); } else { other.after(row); }
    changed(body);
    (step < 0 ? row.querySelector(".edition-order__up") : row.querySelector(".edition-order__down")).focus();
  }

  function button(label, className, text) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.textContent = text;
    b.title = label;
    return b;
  }

  function enhance(body, row) {
    var cell = row.querySelector("td.field-position");
    if (!cell || cell.querySelector(".edition-order")) { return; }
    var position = cell.querySelector("input");
    var box = document.createElement("span");
    box.className = "edition-order";
    var handle = document.createElement("span");
    handle.className = "edition-order__handle";
    handle.textContent = "⠿";
    handle.title = "Trascina per riordinare";
    handle.setAttribute("aria-hidden", "true");
    var up = button("Sposta su", "edition-order__up", "↑");
    var down = button("Sposta giù", "edition-order__down", "↓");
    up.addEventListener("click", function () { move(body, row, -1); });
    down.addEventListener("click", function () { move(body, row, 1); });
    if (position) {
      position.readOnly = true;
      position.tabIndex = -1;
      cell.insertBefore(box, position);
      box.append(handle, position, up, down);
    }
    handle.addEventListener("mousedown", function () { row.draggable = true; });
    row.addEventListener("dragstart", function (event) {
      body.dataset.dragging = row.id;
      row.classList.add("edition-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", row.id);
    });
    row.addEventListener("dragend", function () {
      row.draggable = false;
      row.classList.remove("edition-dragging");
      body.querySelectorAll(".edition-drop-target").forEach(function (r) { r.classList.remove("edition-drop-target"); });
      renumber(body);
    });
    row.addEventListener("dragover", function (event) {
      if (body.dataset.dragging && body.dataset.dragging !== row.id) {
        event.preventDefault();
        row.classList.add("edition-drop-target");
      }
    });
    row.addEventListener("dragleave", function () { row.classList.remove("edition-drop-target"); });
    row.addEventListener("drop", function (event) {
      event.preventDefault();
      row.classList.remove("edition-drop-target");
      var dragged = document.getElementById(body.dataset.dragging);
      delete body.dataset.dragging;
      if (!dragged || dragged === row) { return; }
      var rows = articleRows(body);
      if (rows.indexOf(dragged) < rows.indexOf(row)) { row.after(dragged); } else { row.before(dragged); }
      changed(body);
    });
  }

  function setUpOrdering() {
    var group = document.getElementById("items-group");
    var body = group && group.querySelector("tbody");
    if (!body) { return; }
    articleRows(body).forEach(function (row) { enhance(body, row); });
    body.addEventListener("change", function () { renumber(body); });
    if (window.django && window.django.jQuery) {
      // The title search (select2) announces a choice with a jQuery event only.
      window.django.jQuery(body).on("change", function () { renumber(body); });
    }
    document.addEventListener("formset:added", function (event) {
      if (event.detail && event.detail.formsetName === "items") { enhance(body, event.target); renumber(body); }
    });
    document.addEventListener("formset:removed", function () { renumber(body); });
    var form = group.closest("form");
    if (form) { form.addEventListener("submit", function () { renumber(body); }); }
    renumber(body);
  }

  function setUpSendPanel() {
    var panel = document.querySelector(".edition-send");
    if (!panel) { return; }
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
      });
    });
    var editForm = document.getElementById("edition_form");
    if (!editForm) { return; }
    var warning = panel.querySelector(".edition-send__unsaved");
    var markDirty = function () { if (warning) { warning.hidden = false; } };
    editForm.addEventListener("input", markDirty);
    editForm.addEventListener("change", markDirty);
    if (window.django && window.django.jQuery) { window.django.jQuery(editForm).on("change", markDirty); }
  }

  function start() { setUpOrdering(); setUpSendPanel(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
