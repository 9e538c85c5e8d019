// Knowledge-base articles suggested while a question is typed (cases.suggestions): the
// subject and text go to the form's suggestions address, debounced; the articles are
// listed under the text, each opening in a new tab through the counting link. Without
// JavaScript the form works as it is.
(function () {
  var box = document.getElementById("kb-suggestions");
  var form = box && box.closest("form");
  if (!box || !form || !window.fetch) { return; }
  var subject = form.querySelector("[name=subject]");
  var text = form.querySelector("[name=text]");
  var token = form.querySelector("[name=submission_token]");
  var list = box.querySelector("ul");
  var newTab = box.dataset.newTab || "";
  var timer = null;
  var last = "";
  function show(results) {
    list.textContent = "";
    results.forEach(function (item) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = item.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = item.title;
      var note = document.createElement("span");
      note.className = "visually-hidden";
      note.textContent = " " + newTab;
      link.appendChild(note);
      li.appendChild(link);
      list.appendChild(li);
    });
    box.hidden = results.length === 0;
  }
  function ask() {
    var query = (subject ? subject.value : "") + "\n" + (text ? text.value : "");
    if (query.trim().length < 3 || query === last) { return; }
    last = query;
    var params = new URLSearchParams({
      subject: subject ? subject.value : "",
      text: text ? text.value.slice(0, 500) : "",
      token: token ? token.value : ""
    });
    fetch(box.dataset.url + "?" + params.toString(), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {results: []}; })
      .then(function (data) { show(data.results || []); })
      .catch(function () {});
  }
  [subject, text].forEach(function (input) {
    if (!input) { return; }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 500);
    });
  });
  ask();
})();
