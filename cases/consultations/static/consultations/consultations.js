// The consultation form: knowledge base suggestions as the question is typed, and
// Ctrl+Enter to save during a call.
(function () {
  var form = document.getElementById("consultation-form");
  var box = document.getElementById("kb-suggestions");
  var question = document.getElementById("id_question");
  if (!form || !box || !question) { return; }
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.submit();
    }
  });
  if (!window.fetch) { return; }
  var timer = null;
  var last = "";
  question.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = question.value.trim();
      if (q.length < 3 || q === last) { return; }
      last = q;
      fetch(box.dataset.url + "?q=" + encodeURIComponent(q), {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : {results: []}; })
        .then(function (data) {
          box.textContent = "";
          if (!data.results.length) { return; }
          var list = document.createElement("ul");
          data.results.forEach(function (item) {
            var li = document.createElement("li");
            var a = document.createElement("a");
            a.href = item.url;
            a.target = "_blank";
            a.rel = "noopener";
            a.textContent = item.title;
            li.appendChild(a);
            li.appendChild(document.createTextNode(" · " + item.kind));
            list.appendChild(li);
          });
          box.appendChild(list);
        })
        .catch(function () {});
    }, 300);
  });
})();
