// The registration form's client: a combobox with a list of people (ARIA 1.2 combobox
// pattern). Typing asks cases:client_lookup for at most 20 people; arrows move in the
// list, Enter or a click puts the person's login into the box, Escape closes the list.
// Without this script the box takes a login or an e-mail typed in full.
(function () {
  "use strict";
  document.querySelectorAll("input[data-client-lookup]").forEach(function (input) {
    var url = input.getAttribute("data-lookup-url");
    if (!url) return;
    var listId = input.id + "_listbox";
    var wrapper = document.createElement("div");
    wrapper.className = "lookup";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
    var list = document.createElement("ul");
    list.id = listId;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.getAttribute("data-list-label") || "");
    list.hidden = true;
    wrapper.appendChild(list);
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    wrapper.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var results = [], active = -1, timer = null, asked = "";

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function mark(index) {
      var items = list.querySelectorAll("[role=option]");
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function choose(index) {
      var person = results[index];
      if (!person) return;
      input.value = person.value;
      status.textContent = person.label;
      close();
    }
    function show(data) {
      results = data.results || [];
      list.textContent = "";
      results.forEach(function (person, i) {
        var item = document.createElement("li");
        item.id = listId + "_" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = person.label;
        if (person.detail) {
          var detail = document.createElement("span");
          detail.className = "muted";
          detail.textContent = person.detail;
          item.appendChild(detail);
        }
        item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        list.appendChild(item);
      });
      var count = results.length;
      status.textContent = (input.getAttribute("data-found-label") || "%s").replace("%s", count);
      if (count) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        mark(-1);
      } else {
        close();
      }
    }
    function ask() {
      var query = input.value.trim();
      if (query.length < 2) { close(); return; }
      if (query === asked) return;
      asked = query;
      fetch(url + "?q=" + encodeURIComponent(query), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (asked === query) show(data); })
        .catch(close);
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        if (list.hidden) { asked = ""; ask(); return; }
        event.preventDefault();
        mark(Math.min(active + 1, results.length - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        mark(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", close);
  });
})();
