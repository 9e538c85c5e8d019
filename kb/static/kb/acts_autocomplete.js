/* The legal acts picker of the article editor (kb.widgets.LegalActsAutocomplete). */
(function () {
  "use strict";

  function init(root) {
    if (root.dataset.kbActsReady) return;
    root.dataset.kbActsReady = "1";
    var input = root.querySelector("input[type=search]");
    var chosen = root.querySelector("[data-kb-acts-selected]");
    var results = root.querySelector("[data-kb-acts-results]");
    var status = root.querySelector("[data-kb-acts-status]");
    var timer = null;
    var sequence = 0;

    function chosenBox(id) {
      return chosen.querySelector('input[type=checkbox][value="' + id + '"]');
    }

    function add(item) {
      var box = chosenBox(item.id);
      if (!box) {
        var li = document.createElement("li");
        var label = document.createElement("label");
        box = document.createElement("input");
        box.type = "checkbox";
        box.name = root.dataset.kbActsName;
        box.value = String(item.id);
        label.append(box, " ", item.label);
        li.append(label);
        chosen.append(li);
      }
      box.checked = true;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function search() {
      var query = input.value.trim();
      var mine = ++sequence;
      if (query.length < 2) {
        results.replaceChildren();
        status.textContent = "";
        return;
      }
      fetch(root.dataset.kbActsUrl + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (mine !== sequence) return;
          results.replaceChildren();
          data.results.forEach(function (item) {
            var li = document.createElement("li");
            var button = document.createElement("button");
            button.type = "button";
            button.className = "button button-small button-secondary";
            button.textContent = item.label;
            var box = chosenBox(item.id);
            button.disabled = Boolean(box && box.checked);
            button.addEventListener("click", function () {
              add(item);
              button.disabled = true;
            });
            li.append(button);
            results.append(li);
          });
          status.textContent = data.results.length
            ? root.dataset.kbActsFound + " " + data.results.length
            : root.dataset.kbActsNone;
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // not the page form's submit
        clearTimeout(timer);
        search();
      }
    });
  }

  function scan() {
    document.querySelectorAll("[data-kb-acts]").forEach(init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", scan);
  } else {
    scan();
  }
})();
