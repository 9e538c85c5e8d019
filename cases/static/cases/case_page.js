// The case page, made quicker with JavaScript; every part works without it (the server
// renders the same page for ?action=, the kind's fields, the preview and the typical
// answers):
// - the action bar opens one action's panel without reloading the page;
// - the answer's kind shows only its own fields;
// - the answer's text is written in an editor (paragraphs, lists, bold, italic, links)
//   instead of the plain textarea, which gets the editor's cleaned HTML on submit;
// - a typical answer is put in at the cursor, its unfilled fields highlighted;
// - the knowledge base is searched without leaving the page (nothing typed is lost).
(function () {
  "use strict";

  // --- the action bar --------------------------------------------------------------
  var bar = document.querySelector(".case-actions");
  if (bar) {
    bar.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-action]");
      if (!link) { return; }
      var panel = document.querySelector('.action-panel[data-panel="' + link.dataset.action + '"]');
      if (!panel) { return; }
      event.preventDefault();
      document.querySelectorAll(".action-panel").forEach(function (other) {
        other.hidden = other !== panel;
      });
      bar.querySelectorAll("a[data-action]").forEach(function (other) {
        if (other === link) { other.setAttribute("aria-current", "true"); }
        else { other.removeAttribute("aria-current"); }
      });
      if (window.history && history.replaceState) {
        var url = new URL(link.href, window.location.href);
        url.hash = "";
        history.replaceState(null, "", url.toString());
      }
      var heading = panel.querySelector("h2[tabindex]");
      if (heading) { heading.focus(); }
    });
  }

  var form = document.getElementById("answer-form");
  if (!form) { return; }

  // --- the kind of answer: only its own fields ----------------------------------------
  var kind = form.querySelector("select[name=kind]");
  var submitButton = form.querySelector(".submit-answer");
  var approvalKinds = (form.dataset.approvalKinds || "").split(" ");
  function showKind() {
    form.querySelectorAll(".kind-fields").forEach(function (box) {
      box.hidden = box.dataset.kind !== kind.value;
    });
    if (submitButton) {
      submitButton.textContent = approvalKinds.indexOf(kind.value) >= 0
        ? submitButton.dataset.labelApproval : submitButton.dataset.labelReady;
    }
  }
  if (kind) {
    var showKindButton = form.querySelector(".show-kind");
    if (showKindButton) { showKindButton.hidden = true; }
    kind.addEventListener("change", showKind);
  }

  // --- the editor --------------------------------------------------------------------
  var box = form.querySelector(".rich-editor");
  var surface = document.getElementById("answer-editor");
  var textarea = form.querySelector("textarea[name=body]");
  var format = form.querySelector("input[name=body_format]");
  if (!box || !surface || !textarea || !format || !document.execCommand) { return; }

  // A placeholder of a typical answer (kb/typical_answers.py): a name in braces.
  var PLACEHOLDER = /\{[A-Za-zА-Яа-яЁё_][\wА-Яа-яЁё]*\}/;
  var PLACEHOLDER_ALL = /\{[A-Za-zА-Яа-яЁё_][\wА-Яа-яЁё]*\}/g;
  var KEEP = { P: "p", BR: "br", STRONG: "strong", B: "strong", EM: "em", I: "em", U: "u",
    UL: "ul", OL: "ol", LI: "li", A: "a", H2: "h2", H3: "h3", H4: "h4", BLOCKQUOTE: "blockquote",
    TABLE: "table", THEAD: "thead", TBODY: "tbody", TR: "tr", TH: "th", TD: "td" };
  var BLOCK = { p: 1, ul: 1, ol: 1, h2: 1, h3: 1, h4: 1, blockquote: 1, table: 1 };
  var DROP = { SCRIPT: 1, STYLE: 1, TEMPLATE: 1, IFRAME: 1, OBJECT: 1, EMBED: 1, NOSCRIPT: 1, HEAD: 1, TITLE: 1, META: 1 };
  var SAFE_URL = /^(https?:\/\/|mailto:|tel:)/i;

  // The editor's content reduced to what an answer may hold (the server sanitises it
  // again): <b>/<i> become <strong>/<em>, a <div> a paragraph, anything else gives way
  // to its text; no attributes but a link's address.
  function cleanChildren(source, target, doc) {
    Array.prototype.forEach.call(source.childNodes, function (node) {
      if (node.nodeType === 3) {
        // The browser types a no-break space where a plain one would collapse.
        target.appendChild(doc.createTextNode(node.nodeValue.replace(/\u00a0/g, " ")));
        return;
      }
      if (node.nodeType !== 1 || DROP[node.nodeName]) { return; }
      var name = KEEP[node.nodeName] || (node.nodeName === "DIV" ? "p" : null);
      if (!name) {
        cleanChildren(node, target, doc);
        return;
      }
      var copy = doc.createElement(name);
      if (name === "a") {
        var href = (node.getAttribute("href") || "").trim();
        if (!SAFE_URL.test(href)) {
          cleanChildren(node, target, doc);
          return;
        }
        copy.setAttribute("href", href);
      }
      cleanChildren(node, copy, doc);
      if (name === "p" && target.nodeName === "P") {
        // A block inside a paragraph (a pasted <div> in a <p>): a line break instead.
        if (target.childNodes.length) { target.appendChild(doc.createElement("br")); }
        while (copy.firstChild) { target.appendChild(copy.firstChild); }
        return;
      }
      target.appendChild(copy);
    });
  }

  // Inline content at the top level goes into paragraphs; empty paragraphs go.
  function blocks(container, doc) {
    var result = doc.createElement("div");
    var paragraph = null;
    Array.prototype.slice.call(container.childNodes).forEach(function (node) {
      var name = node.nodeType === 1 ? node.nodeName.toLowerCase() : "";
      if (BLOCK[name]) {
        paragraph = null;
        result.appendChild(node);
        return;
      }
      if (name === "br" && paragraph && !paragraph.lastChild) { return; }
      if (!paragraph) {
        paragraph = doc.createElement("p");
        result.appendChild(paragraph);
      }
      paragraph.appendChild(node);
    });
    Array.prototype.slice.call(result.querySelectorAll("p, li")).forEach(function (el) {
      while (el.lastChild && el.lastChild.nodeName === "BR") { el.removeChild(el.lastChild); }
      if (el.nodeName === "P" && !el.textContent.trim() && !el.querySelector("br")) {
        el.parentNode.removeChild(el);
      }
    });
    return result.innerHTML;
  }

  function cleanHTML(root) {
    var doc = document.implementation.createHTMLDocument("");
    var container = doc.createElement("div");
    cleanChildren(root, container, doc);
    return blocks(container, doc);
  }

  function parse(html) {
    return new DOMParser().parseFromString("<body>" + (html || "") + "</body>", "text/html").body;
  }

  // Unfilled placeholders in a <mark class="placeholder">, until they are filled.
  function markPlaceholders(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, null);
    var texts = [];
    while (walker.nextNode()) {
      var node = walker.currentNode;
      if (node.parentNode.closest && node.parentNode.closest("mark.placeholder")) { continue; }
      if (PLACEHOLDER.test(node.nodeValue)) { texts.push(node); }
    }
    texts.forEach(function (node) {
      var text = node.nodeValue;
      var fragment = document.createDocumentFragment();
      var last = 0;
      text.replace(PLACEHOLDER_ALL, function (match, offset) {
        if (offset > last) { fragment.appendChild(document.createTextNode(text.slice(last, offset))); }
        var mark = document.createElement("mark");
        mark.className = "placeholder";
        mark.textContent = match;
        fragment.appendChild(mark);
        last = offset + match.length;
        return match;
      });
      if (last < text.length) { fragment.appendChild(document.createTextNode(text.slice(last))); }
      node.parentNode.replaceChild(fragment, node);
    });
  }

  var status = box.querySelector(".placeholder-status");
  var lastCount = -1;
  var prefix = "";  // what was just done, said before the count (a typical answer inserted)
  // The caret as character offsets in the editor's text, so that it stays where it
  // was when marks are put in or taken out around the text being typed.
  function caretOffsets() {
    var selection = window.getSelection();
    if (!selection.rangeCount || !inSurface(selection.anchorNode)) { return null; }
    var range = selection.getRangeAt(0);
    function offset(container, at) {
      var before = document.createRange();
      before.selectNodeContents(surface);
      before.setEnd(container, at);
      return before.toString().length;
    }
    return [offset(range.startContainer, range.startOffset), offset(range.endContainer, range.endOffset)];
  }
  function restoreCaret(offsets) {
    if (!offsets) { return; }
    var walker = document.createTreeWalker(surface, NodeFilter.SHOW_TEXT, null);
    var seen = 0;
    var start = null;
    var end = null;
    while (walker.nextNode() && !end) {
      var node = walker.currentNode;
      var length = node.nodeValue.length;
      if (!start && offsets[0] <= seen + length) { start = [node, offsets[0] - seen]; }
      if (start && offsets[1] <= seen + length) { end = [node, offsets[1] - seen]; }
      seen += length;
    }
    if (start && end) {
      window.getSelection().setBaseAndExtent(start[0], start[1], end[0], end[1]);
    }
  }

  function refreshPlaceholders() {
    var stale = Array.prototype.filter.call(surface.querySelectorAll("mark.placeholder"), function (mark) {
      return !/^\{[^{}\s]+\}$/.test(mark.textContent);
    });
    var walker = document.createTreeWalker(surface, NodeFilter.SHOW_TEXT, null);
    var fresh = false;
    while (!fresh && walker.nextNode()) {
      var node = walker.currentNode;
      fresh = PLACEHOLDER.test(node.nodeValue) && !node.parentNode.closest("mark.placeholder");
    }
    if (stale.length || fresh) {
      var caret = caretOffsets();
      stale.forEach(function (mark) {
        // Filled (or partly rewritten): no longer a field to fill.
        var parent = mark.parentNode;
        while (mark.firstChild) { parent.insertBefore(mark.firstChild, mark); }
        parent.removeChild(mark);
        parent.normalize();
      });
      markPlaceholders(surface);
      restoreCaret(caret);
    }
    var count = surface.querySelectorAll("mark.placeholder").length;
    if (status && (count !== lastCount || prefix)) {
      var says = count ? status.dataset.left + " " + count : (lastCount > 0 ? status.dataset.done : "");
      status.textContent = prefix ? prefix + " " + says : says;
      prefix = "";
      lastCount = count;
    }
  }

  function selectNode(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function nextPlaceholder() {
    var marks = surface.querySelectorAll("mark.placeholder");
    if (!marks.length) { return; }
    var selection = window.getSelection();
    var target = marks[0];
    if (selection.rangeCount) {
      var here = selection.getRangeAt(0);
      for (var i = 0; i < marks.length; i++) {
        var range = document.createRange();
        range.selectNodeContents(marks[i]);
        if (here.compareBoundaryPoints(Range.START_TO_START, range) < 0) { target = marks[i]; break; }
      }
    }
    surface.focus();
    selectNode(target);
    target.scrollIntoView({ block: "nearest" });
  }

  // The selection inside the editor, kept while the focus is on the toolbar, the link
  // box or a typical answer's button.
  var saved = null;
  function inSurface(node) { return node && (node === surface || surface.contains(node)); }
  function keepSelection() {
    var selection = window.getSelection();
    if (selection.rangeCount && inSurface(selection.anchorNode)) {
      saved = selection.getRangeAt(0).cloneRange();
      updateToolbar();
    }
  }
  document.addEventListener("selectionchange", keepSelection);
  // selectionchange arrives later than the key or click that moved the caret: a user who
  // presses Ctrl+Home and goes straight to the search box would otherwise insert at the
  // old place. Keys, clicks and leaving the editor keep the caret at once.
  surface.addEventListener("keyup", keepSelection);
  surface.addEventListener("mouseup", keepSelection);
  surface.addEventListener("focusout", keepSelection);
  function restore() {
    var selection = window.getSelection();
    if (document.activeElement === surface && selection.rangeCount && inSurface(selection.anchorNode)) {
      return;  // already there (a shortcut typed in the editor): keep the browser's typing style
    }
    surface.focus();
    if (saved) {
      selection.removeAllRanges();
      selection.addRange(saved);
    }
  }

  // The toolbar: one tab stop, arrows move between its buttons (ARIA toolbar pattern).
  var toolbar = box.querySelector(".rich-toolbar");
  var tools = Array.prototype.slice.call(toolbar.querySelectorAll("button"));
  tools.forEach(function (tool, index) { tool.tabIndex = index === 0 ? 0 : -1; });
  toolbar.addEventListener("keydown", function (event) {
    var index = tools.indexOf(document.activeElement);
    if (index < 0) { return; }
    var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tools.length - 1 }[event.key];
    if (next === undefined) { return; }
    event.preventDefault();
    next = (next + tools.length) % tools.length;
    tools[index].tabIndex = -1;
    tools[next].tabIndex = 0;
    tools[next].focus();
  });
  function updateToolbar() {
    tools.forEach(function (tool) {
      var command = tool.dataset.command;
      if (tool.hasAttribute("aria-pressed")) {
        var on = false;
        try { on = document.queryCommandState(command); } catch (e) { on = false; }
        tool.setAttribute("aria-pressed", on ? "true" : "false");
      }
    });
  }

  // Links: a small box under the toolbar asks for the address.
  var linkBox = box.querySelector(".rich-link");
  var linkInput = linkBox.querySelector("input");
  var linkError = linkBox.querySelector(".error");
  function openLink() {
    linkBox.hidden = false;
    linkError.textContent = "";
    var node = saved && saved.startContainer;
    var anchor = node && (node.nodeType === 1 ? node : node.parentNode).closest("a");
    linkInput.value = anchor && inSurface(anchor) ? anchor.getAttribute("href") : "";
    linkInput.focus();
  }
  function closeLink() {
    linkBox.hidden = true;
    restore();
  }
  function applyLink() {
    var href = linkInput.value.trim();
    if (/^www\./i.test(href)) { href = "https://" + href; }
    if (!SAFE_URL.test(href)) {
      linkError.textContent = linkError.dataset.message;
      linkInput.setAttribute("aria-invalid", "true");
      linkInput.focus();
      return;
    }
    linkInput.removeAttribute("aria-invalid");
    linkBox.hidden = true;
    restore();
    if (saved && !saved.collapsed) {
      document.execCommand("createLink", false, href);
    } else {
      var link = document.createElement("a");
      link.href = href;
      link.textContent = href.replace(/^mailto:|^tel:/i, "");
      insertNodes([link]);
    }
    changed();
  }
  linkBox.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-link]");
    if (!button) { return; }
    if (button.dataset.link === "apply") { applyLink(); } else { closeLink(); }
  });
  linkInput.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); applyLink(); }
    if (event.key === "Escape") { event.preventDefault(); closeLink(); }
  });

  function command(name) {
    if (name === "link") { openLink(); return; }
    if (name === "next-placeholder") { nextPlaceholder(); return; }
    restore();
    document.execCommand(name, false, null);
    changed();
    updateToolbar();
  }
  toolbar.addEventListener("mousedown", function (event) {
    // Keep the selection in the editor when a button is pressed with the mouse.
    if (event.target.closest("button")) { event.preventDefault(); }
  });
  toolbar.addEventListener("click", function (event) {
    var tool = event.target.closest("button[data-command]");
    if (tool) { command(tool.dataset.command); }
  });

  surface.addEventListener("keydown", function (event) {
    var mod = event.ctrlKey || event.metaKey;
    if (!mod) { return; }
    var key = event.key.toLowerCase();
    var code = event.code;
    var name = null;
    if (!event.shiftKey && (code === "KeyB")) { name = "bold"; }
    else if (!event.shiftKey && (code === "KeyI")) { name = "italic"; }
    else if (!event.shiftKey && (code === "KeyK")) { name = "link"; }
    else if (event.shiftKey && (code === "Digit8" || key === "*")) { name = "insertUnorderedList"; }
    else if (event.shiftKey && (code === "Digit7" || key === "&")) { name = "insertOrderedList"; }
    else if (event.shiftKey && code === "Space") { name = "next-placeholder"; }
    if (!name) { return; }
    event.preventDefault();
    command(name);
  });

  // Put nodes at the cursor (or at the end when the cursor was never in the editor).
  function insertNodes(nodes) {
    surface.focus();
    var selection = window.getSelection();
    var range = saved;
    if (!range || !inSurface(range.startContainer)) {
      range = document.createRange();
      range.selectNodeContents(surface);
      range.collapse(false);
    }
    range.deleteContents();
    var last = null;
    nodes.forEach(function (node) {
      var fragmentLast = node.nodeType === 11 ? node.lastChild : node;
      range.insertNode(node);
      last = fragmentLast || last;
      range.setStartAfter(last);
      range.collapse(true);
    });
    selection.removeAllRanges();
    selection.addRange(range);
    saved = range.cloneRange();
  }

  // A block of HTML (a typical answer) at the cursor: after the paragraph the cursor is
  // in, split where the cursor is, so the answer's paragraphs stay paragraphs.
  function insertBlocks(html) {
    var holder = document.createElement("div");
    holder.innerHTML = cleanHTML(parse(html));
    var range = saved && inSurface(saved.startContainer) ? saved : null;
    var block = null;
    if (range) {
      var node = range.startContainer;
      block = (node.nodeType === 1 ? node : node.parentNode).closest("p, li, h2, h3, h4, blockquote");
      while (block && block.parentNode !== surface) { block = block.parentNode.closest("p, li, ul, ol, h2, h3, h4, blockquote, table"); }
    }
    var first = holder.firstChild;
    if (block) {
      var after = document.createRange();
      after.setStart(range.startContainer, range.startOffset);
      after.setEndAfter(block.lastChild || block);
      var tail = after.extractContents();
      var rest = document.createElement(block.nodeName);
      rest.appendChild(tail);
      var anchor = block.nextSibling;
      while (holder.firstChild) { surface.insertBefore(holder.firstChild, anchor); }
      if (rest.textContent.trim()) { surface.insertBefore(rest, anchor); }
      if (!block.textContent.trim() && !block.querySelector("br")) { surface.removeChild(block); }
    } else {
      if (surface.textContent.trim() === "") { surface.innerHTML = ""; }
      while (holder.firstChild) { surface.appendChild(holder.firstChild); }
    }
    markPlaceholders(surface);
    changed();
    var mark = first && first.parentNode ? first.querySelector && (first.querySelector("mark.placeholder") || null) : null;
    var marks = surface.querySelectorAll("mark.placeholder");
    if (!mark && marks.length) {
      for (var i = 0; i < marks.length; i++) {
        if (first && first.compareDocumentPosition(marks[i]) & (Node.DOCUMENT_POSITION_FOLLOWING | Node.DOCUMENT_POSITION_CONTAINED_BY)) { mark = marks[i]; break; }
      }
    }
    surface.focus();
    if (mark) { selectNode(mark); } else if (first && first.parentNode) {
      var end = document.createRange();
      end.selectNodeContents(first);
      end.collapse(false);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(end);
    }
  }

  surface.addEventListener("paste", function (event) {
    var data = event.clipboardData;
    if (!data) { return; }
    event.preventDefault();
    var html = data.getData("text/html");
    var cleaned;
    if (html) {
      cleaned = cleanHTML(parse(html));
    } else {
      var text = data.getData("text/plain") || "";
      cleaned = text.split(/\r?\n\s*\r?\n/).map(function (para) {
        var div = document.createElement("div");
        div.textContent = para;
        return "<p>" + div.innerHTML.replace(/\r?\n/g, "<br>") + "</p>";
      }).join("");
    }
    document.execCommand("insertHTML", false, cleaned);
    changed();
  });

  function changed() {
    if (surface.textContent.trim() === "" && !surface.querySelector("p, li")) {
      surface.innerHTML = "<p><br></p>";
    }
    refreshPlaceholders();
  }
  surface.addEventListener("input", changed);

  // Start: the stored (or posted) HTML in the editor, the textarea out of sight.
  document.execCommand("defaultParagraphSeparator", false, "p");
  surface.innerHTML = cleanHTML(parse(surface.dataset.html)) || "<p><br></p>";
  markPlaceholders(surface);
  refreshPlaceholders();
  box.hidden = false;
  form.querySelector(".plain-body").hidden = true;
  var label = form.querySelector('label[for="' + textarea.id + '"]');
  if (label) {
    label.addEventListener("click", function (event) {
      event.preventDefault();
      surface.focus();
    });
  }

  form.addEventListener("submit", function () {
    textarea.value = cleanHTML(surface);
    format.value = "html";
  });

  // --- typical answers: at the cursor, found without leaving the page --------------------
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.insert-typical");
    if (!button || !window.fetch) { return; }
    event.preventDefault();
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector("input[name=csrfmiddlewaretoken]").value);
    body.append("code", button.value);
    button.disabled = true;
    fetch(button.getAttribute("formaction"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      prefix = data.message;
      insertBlocks(data.html);
    }).catch(function () {
      // The page's own way: the form goes to the server, which adds the answer.
      button.disabled = false;
      textarea.value = cleanHTML(surface);
      format.value = "html";
      form.action = button.getAttribute("formaction");
      var code = document.createElement("input");
      code.type = "hidden";
      code.name = "code";
      code.value = button.value;
      form.appendChild(code);
      form.submit();
    }).then(function () { button.disabled = false; });
  });

  var search = document.querySelector("#kb form.kb-search");
  var results = document.getElementById("kb-results");
  if (search && results && window.fetch) {
    search.addEventListener("submit", function (event) {
      event.preventDefault();
      var url = new URL(window.location.href);
      url.hash = "";
      url.searchParams.set("action", "answer");
      url.searchParams.set("kb", search.querySelector("input[name=kb]").value);
      results.setAttribute("aria-busy", "true");
      fetch(url.toString(), { credentials: "same-origin" })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var found = new DOMParser().parseFromString(html, "text/html").getElementById("kb-results");
          if (found) { results.innerHTML = found.innerHTML; }
          results.removeAttribute("aria-busy");
          var first = results.querySelector("a, button");
          if (first) { first.focus(); }
        })
        .catch(function () { search.submit(); });
    });
  }
})();
