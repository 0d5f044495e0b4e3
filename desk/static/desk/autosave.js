/* Autosave of the article form (desk/views.py `autosave`).
 *
 * Every N seconds, and when the page is hidden or left, the text fields a
 * journalist types are posted to a staff-only endpoint with the form's CSRF
 * token. Nothing is sent while the form equals what was loaded, and nothing
 * when the form is being submitted (the save itself supersedes the copy).
 * The server keeps one private copy per person and article; it is not a
 * revision and does not touch the article's version.
 */
(function () {
  "use strict";

  const script = document.getElementById("desk-autosave-script");
  const form = document.getElementById("article_form");
  if (!script || !form) {
    return;
  }
  const FIELDS = [
    "title",
    "standfirst",
    "body",
    "highlighted_quote",
    "lead_image_alt",
    "lead_image_caption",
    "lead_image_credit",
    "seo_title",
    "seo_description",
  ];
  const url = script.dataset.url;
  const discardUrl = script.dataset.discardUrl;
  const article = script.dataset.article || "";
  const interval = Math.max(1, parseInt(script.dataset.interval, 10) || 30) * 1000;
  const status = document.getElementById("desk-autosave-status");
  let submitting = false;
  let lastSent = null;
  let initial = null;

  function editor(name) {
    const editors = window.CKEDITOR && window.CKEDITOR.instances;
    return editors ? editors["id_" + name] : undefined;
  }

  function fieldValue(name) {
    const instance = editor(name);
    if (instance && instance.status === "ready") {
      return instance.getData();
    }
    const input = form.elements.namedItem(name);
    return input && "value" in input ? input.value : null;
  }

  function snapshot() {
    const values = {};
    for (const name of FIELDS) {
      const value = fieldValue(name);
      if (value !== null) {
        values[name] = value;
      }
    }
    return JSON.stringify(values);
  }

  function payload(values) {
    const data = new FormData();
    data.append("csrfmiddlewaretoken", form.elements.namedItem("csrfmiddlewaretoken").value);
    data.append("article", article);
    const version = form.elements.namedItem("loaded_version");
    if (version) {
      data.append("loaded_version", version.value);
    }
    const parsed = JSON.parse(values);
    for (const name of Object.keys(parsed)) {
      data.append(name, parsed[name]);
    }
    return data;
  }

  function show(message) {
    if (status) {
      status.textContent = message;
    }
  }

  function changed() {
    if (initial === null) {
      return null;
    }
    const values = snapshot();
    return values !== initial && values !== lastSent ? values : null;
  }

  function save() {
    const values = changed();
    if (submitting || values === null) {
      return;
    }
    lastSent = values;
    fetch(url, {
      method: "POST",
      body: payload(values),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) {
            throw new Error(body.error || response.statusText);
          }
          show(body.message);
        });
      })
      .catch(function (error) {
        lastSent = null;
        show("Salvataggio automatico non riuscito: " + error.message);
      });
  }

  function saveOnLeave() {
    const values = changed();
    if (submitting || values === null) {
      return;
    }
    lastSent = values;
    navigator.sendBeacon(url, payload(values));
  }

  function restore(values) {
    for (const name of Object.keys(values)) {
      const instance = editor(name);
      if (instance) {
        instance.setData(values[name]);
      } else {
        const input = form.elements.namedItem(name);
        if (input) {
          input.value = values[name];
          input.dispatchEvent(new Event("input", { bubbles: true }));
        }
      }
    }
  }

  function removeOffer() {
    const offer = document.getElementById("desk-autosave-offer");
    if (offer) {
      offer.remove();
    }
  }

  function wireOffer() {
    const data = document.getElementById("desk-autosave-data");
    const restoreButton = document.getElementById("desk-autosave-restore");
    const discardButton = document.getElementById("desk-autosave-discard");
    if (!data || !restoreButton || !discardButton) {
      return;
    }
    const values = JSON.parse(data.textContent);
    restoreButton.addEventListener("click", function () {
      restore(values);
      removeOffer();
      show("Testo non salvato ripristinato: ricordati di salvare.");
    });
    discardButton.addEventListener("click", function () {
      const body = new FormData();
      body.append("csrfmiddlewaretoken", form.elements.namedItem("csrfmiddlewaretoken").value);
      body.append("article", article);
      fetch(discardUrl, { method: "POST", body: body, credentials: "same-origin" }).then(
        function () {
          removeOffer();
          show("Modifiche non salvate scartate.");
        }
      );
    });
  }

  function start() {
    // The editor rewrites the body it is given: the baseline is taken once it is ready.
    initial = snapshot();
    wireOffer();
    window.setInterval(save, interval);
  }

  form.addEventListener("submit", function () {
    submitting = true;
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      saveOnLeave();
    }
  });
  window.addEventListener("pagehide", saveOnLeave);

  function whenEditorReady() {
    const instance = editor("body");
    if (!window.CKEDITOR || !document.getElementById("id_body")) {
      start();
    } else if (instance && instance.status === "ready") {
      start();
    } else if (instance) {
      instance.on("instanceReady", start);
    } else {
      window.setTimeout(whenEditorReady, 100);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", whenEditorReady);
  } else {
    whenEditorReady();
  }
})();
