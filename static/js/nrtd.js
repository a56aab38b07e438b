/* NRTD's own script. Progressive enhancement only: every page works without it (forms post,
   filters apply, tables scroll, the navigation wraps); with it, the navigation folds into a menu
   on small screens, multiple choices become type-ahead lists, destructive actions ask first,
   the recommendation list selects and acts in bulk, and changes htmx makes are announced.
   Loaded with `defer` from static/ (the Content-Security-Policy allows no inline script).
   Interface texts come from data-t-* attributes of <body>, written in the page's language. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  var $ = function (selector, root) { return (root || document).querySelector(selector); };
  var $$ = function (selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); };
  var uid = 0;
  function uniqueId(prefix) { uid += 1; return prefix + "-" + uid; }

  function text(name, values) {
    var template = (document.body && document.body.getAttribute("data-t-" + name)) || "";
    return template.replace(/\{(\w+)\}/g, function (_m, key) { return values && key in values ? values[key] : ""; });
  }

  /* Announcements, through the two stable live regions of base.html. */
  var lastSaid = { polite: "", assertive: "" };
  function announce(message, assertive) {
    var kind = assertive ? "assertive" : "polite";
    var region = document.getElementById("live-" + kind);
    if (!region || !message) return;
    region.textContent = "";
    lastSaid[kind] = message;
    window.setTimeout(function () { if (lastSaid[kind] === message) region.textContent = message; }, 60);
  }

  function debounce(fn, wait) {
    var timer = null;
    return function () {
      var args = arguments, self = this;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { fn.apply(self, args); }, wait);
    };
  }

  /* The header's menu on small screens ---------------------------------------------------- */
  function setupMenu() {
    var header = $(".site-header");
    var toggle = header && $(".menu-toggle", header);
    var menu = document.getElementById("site-menu");
    if (!header || !toggle || !menu) return;
    var small = window.matchMedia("(max-width: 60rem)");
    toggle.hidden = false;
    header.classList.add("menu-ready");
    function sync() {
      var open = toggle.getAttribute("aria-expanded") === "true";
      header.classList.toggle("menu-closed", small.matches && !open);
    }
    function set(open) { toggle.setAttribute("aria-expanded", open ? "true" : "false"); sync(); }
    set(false);
    toggle.addEventListener("click", function () { set(toggle.getAttribute("aria-expanded") !== "true"); });
    if (small.addEventListener) small.addEventListener("change", sync);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && small.matches && toggle.getAttribute("aria-expanded") === "true" &&
          menu.contains(document.activeElement)) {
        set(false);
        toggle.focus();
      }
    });
  }

  /* Tables scroll in their own region when wider than the page --------------------------- */
  function wrapTables(root) {
    $$("table", root).forEach(function (table) {
      if (!table.closest("main") || table.closest(".table-scroll") || table.classList.contains("recommendations")) return;
      var wrapper = document.createElement("div");
      wrapper.className = "table-scroll";
      table.parentNode.insertBefore(wrapper, table);
      wrapper.appendChild(table);
    });
    fitTables();
  }

  // The name of a table's scroll region, "<its caption>, table": named as the section around it,
  // two landmarks could not be told apart.
  function tableName(table) {
    var name = "";
    var by = table.getAttribute("aria-labelledby") && document.getElementById(table.getAttribute("aria-labelledby"));
    if (table.caption && table.caption.textContent.trim()) name = table.caption.textContent;
    else if (by) name = by.textContent;
    else if (table.getAttribute("aria-label")) name = table.getAttribute("aria-label");
    else {
      var node = table.closest(".table-scroll");
      while (!name && node && node !== document.body) {
        var previous = node.previousElementSibling;
        while (previous && !/^H[1-6]$/.test(previous.tagName)) previous = previous.previousElementSibling;
        if (previous) name = previous.textContent;
        node = node.parentElement;
      }
    }
    name = name.trim().replace(/\s+/g, " ");
    return name ? text("table-named", { name: name }) : text("table");
  }

  // A region that scrolls is focusable (keyboard users scroll it with the arrow keys) and named;
  // two regions of the same name get a number, so that each landmark can be told apart.
  function fitTables() {
    var names = {};
    $$('.table-scroll[role="region"]').forEach(function (region) { names[region.getAttribute("aria-label")] = true; });
    $$(".table-scroll").forEach(function (wrapper) {
      var table = $("table", wrapper);
      var scrolls = wrapper.scrollWidth > wrapper.clientWidth + 1;
      if (scrolls && table && !wrapper.hasAttribute("tabindex")) {
        var name = tableName(table), unique = name, number = 1;
        while (names[unique]) { number += 1; unique = name + " (" + number + ")"; }
        names[unique] = true;
        wrapper.setAttribute("tabindex", "0");
        wrapper.setAttribute("role", "region");
        wrapper.setAttribute("aria-label", unique);
      } else if (!scrolls && wrapper.hasAttribute("tabindex")) {
        ["tabindex", "role", "aria-label"].forEach(function (name) { wrapper.removeAttribute(name); });
      }
    });
  }

  /* Destructive actions are confirmed: data-confirm on the form or its button ------------- */
  function confirmDialog(message, yes) {
    var template = document.getElementById("confirm-dialog-template");
    if (!template || typeof HTMLDialogElement === "undefined") return Promise.resolve(window.confirm(message));
    var dialog = template.content.firstElementChild.cloneNode(true);
    $(".confirm-dialog-text", dialog).textContent = message;
    if (yes) $(".confirm-dialog-yes", dialog).textContent = yes;
    document.body.appendChild(dialog);
    var opener = document.activeElement;
    return new Promise(function (resolve) {
      dialog.addEventListener("close", function () {
        var confirmed = dialog.returnValue === "confirm";
        dialog.remove();
        if (!confirmed && opener && opener.focus) opener.focus();
        resolve(confirmed);
      }, { once: true });
      dialog.showModal();
    });
  }

  function setupConfirm() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      var submitter = event.submitter;
      var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
      if (!message || form.getAttribute("data-confirmed") === "yes") return;
      event.preventDefault();
      event.stopImmediatePropagation();
      var yes = (submitter && submitter.getAttribute("data-confirm-yes")) || form.getAttribute("data-confirm-yes");
      confirmDialog(message, yes).then(function (confirmed) {
        if (!confirmed) return;
        form.setAttribute("data-confirmed", "yes");
        if (form.requestSubmit) form.requestSubmit(submitter || undefined); else form.submit();
        form.removeAttribute("data-confirmed");
      });
    }, true);
  }

  /* An error summary's link takes the focus to its field (a fragment link only scrolls). */
  function setupErrorSummary() {
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
      if (!link) return;
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      var label = field.labels && field.labels[0];
      var fieldset = field.closest("fieldset");
      (fieldset ? fieldset.querySelector("legend") || fieldset : label || field).scrollIntoView();
      field.focus({ preventScroll: true });
    });
  }

  /* <details data-url-param="more">: open or closed is kept in the address ----------------- */
  function setupDetails(root) {
    $$("details[data-url-param]", root).forEach(function (details) {
      var name = details.getAttribute("data-url-param");
      var input = $('input[type="hidden"][name="' + name + '"]', details.closest("form") || details);
      details.addEventListener("toggle", function () {
        var url = new URL(window.location.href);
        if (details.open) url.searchParams.set(name, "1"); else url.searchParams.delete(name);
        window.history.replaceState(window.history.state, "", url.toString());
        if (input) input.disabled = !details.open;
      });
    });
  }

  /* Type-ahead multiple choice: a <select multiple> becomes a combobox with a listbox ----------
     (WAI-ARIA Authoring Practices, "combobox" with a "listbox" popup, several choices). The
     <select> stays in the form, hidden, and holds the choices: the form posts as it did. */
  function fold(value) {
    return value.normalize ? value.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase() : value.toLowerCase();
  }

  function enhanceSelect(select) {
    if (select.getAttribute("data-enhanced") || select.hasAttribute("data-native")) return;
    select.setAttribute("data-enhanced", "yes");
    var id = select.id || uniqueId("choice");
    var labels = Array.prototype.slice.call(select.labels || []);
    var labelText = labels.length ? labels[0].textContent.trim().replace(/[:：]\s*$/, "") : (select.getAttribute("aria-label") || "");

    var wrapper = document.createElement("div");
    wrapper.className = "combobox";
    var control = document.createElement("div");
    control.className = "combobox-control";
    var chosenList = document.createElement("ul");
    chosenList.className = "combobox-chosen";
    chosenList.setAttribute("aria-label", text("chosen-in", { name: labelText }));
    var input = document.createElement("input");
    input.type = "text";
    input.id = id;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");
    input.setAttribute("spellcheck", "false");
    input.placeholder = text("type-to-filter");
    var listbox = document.createElement("ul");
    listbox.id = id + "-listbox";
    listbox.className = "combobox-listbox";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-multiselectable", "true");
    listbox.setAttribute("aria-label", labelText);
    listbox.hidden = true;
    input.setAttribute("aria-controls", listbox.id);
    ["aria-describedby", "aria-invalid", "aria-required"].forEach(function (name) {
      if (select.hasAttribute(name)) input.setAttribute(name, select.getAttribute(name));
    });

    // The <select> hands its id (error-summary links, labels) to the text box.
    select.id = id + "-select";
    labels.forEach(function (label) { label.htmlFor = id; });
    select.hidden = true;
    select.tabIndex = -1;
    select.setAttribute("aria-hidden", "true");
    select.parentNode.insertBefore(wrapper, select);
    control.appendChild(chosenList);
    control.appendChild(input);
    wrapper.appendChild(control);
    wrapper.appendChild(listbox);
    wrapper.appendChild(select);

    var options = [];
    Array.prototype.forEach.call(select.options, function (option, index) {
      if (option.value === "") return;
      var item = document.createElement("li");
      item.id = id + "-option-" + index;
      item.setAttribute("role", "option");
      item.textContent = option.textContent.trim();
      item.setAttribute("aria-selected", option.selected ? "true" : "false");
      listbox.appendChild(item);
      options.push({ option: option, item: item, key: fold(item.textContent) });
    });
    var empty = document.createElement("li");
    empty.className = "combobox-empty";
    empty.setAttribute("role", "presentation");
    empty.textContent = text("no-match");
    empty.hidden = true;
    listbox.appendChild(empty);

    var visible = options.slice();
    var active = -1;

    function drawChosen() {
      chosenList.textContent = "";
      options.forEach(function (entry) {
        if (!entry.option.selected) return;
        var li = document.createElement("li");
        var chip = document.createElement("button");
        chip.type = "button";
        chip.className = "combobox-chip";
        chip.setAttribute("aria-label", text("remove", { name: entry.item.textContent }));
        var name = document.createElement("span");
        name.textContent = entry.item.textContent;
        chip.appendChild(name);
        chip.appendChild(document.createTextNode(" ✕"));
        chip.addEventListener("click", function () {
          setChosen(entry, false);
          input.focus();
        });
        li.appendChild(chip);
        chosenList.appendChild(li);
      });
      chosenList.hidden = !chosenList.children.length;
    }

    function setChosen(entry, value) {
      entry.option.selected = value;
      entry.item.setAttribute("aria-selected", value ? "true" : "false");
      drawChosen();
      select.dispatchEvent(new Event("change", { bubbles: true }));
      announce(text(value ? "added" : "removed", { name: entry.item.textContent }));
    }

    function setActive(index) {
      visible.forEach(function (entry) { entry.item.classList.remove("active"); });
      active = index;
      if (index >= 0 && visible[index]) {
        var item = visible[index].item;
        item.classList.add("active");
        input.setAttribute("aria-activedescendant", item.id);
        var top = item.offsetTop, bottom = top + item.offsetHeight;
        if (top < listbox.scrollTop) listbox.scrollTop = top;
        else if (bottom > listbox.scrollTop + listbox.clientHeight) listbox.scrollTop = bottom - listbox.clientHeight;
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open() {
      if (!listbox.hidden) return;
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    var sayCount = debounce(function () {
      announce(visible.length ? text("results", { count: visible.length }) : text("no-match"));
    }, 500);

    function filter() {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      visible = [];
      options.forEach(function (entry) {
        var match = words.every(function (word) { return entry.key.indexOf(word) !== -1; });
        entry.item.hidden = !match;
        if (match) visible.push(entry);
      });
      empty.hidden = visible.length > 0;
      setActive(visible.length ? 0 : -1);
      sayCount();
    }

    input.addEventListener("keydown", function (event) {
      var isOpen = !listbox.hidden;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!isOpen) { open(); setActive(active >= 0 ? active : 0); }
          else setActive(Math.min(active + 1, visible.length - 1));
          break;
        case "ArrowUp":
          event.preventDefault();
          if (!isOpen) { open(); setActive(visible.length - 1); }
          else setActive(Math.max(active - 1, 0));
          break;
        case "Enter":
          if (isOpen && active >= 0 && visible[active]) {
            event.preventDefault();
            setChosen(visible[active], !visible[active].option.selected);
          }
          break;
        case " ":
          if (isOpen && active >= 0 && visible[active] && !input.value) {
            event.preventDefault();
            setChosen(visible[active], !visible[active].option.selected);
          }
          break;
        case "Escape":
          if (isOpen) { event.preventDefault(); close(); }
          else if (input.value) { event.preventDefault(); input.value = ""; filter(); }
          break;
        case "Backspace":
          if (!input.value) {
            var last = options.filter(function (entry) { return entry.option.selected; }).pop();
            if (last) setChosen(last, false);
          }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });
    input.addEventListener("input", function () { open(); filter(); });
    input.addEventListener("click", function () { if (listbox.hidden) { open(); filter(); } else close(); });
    input.addEventListener("blur", function () {
      window.setTimeout(function () { if (!wrapper.contains(document.activeElement)) close(); }, 150);
    });
    listbox.addEventListener("mousedown", function (event) { event.preventDefault(); });
    listbox.addEventListener("click", function (event) {
      var item = event.target.closest('[role="option"]');
      if (!item) return;
      var index = -1;
      visible.forEach(function (entry, position) { if (entry.item === item) index = position; });
      if (index < 0) return;
      setActive(index);
      setChosen(visible[index], !visible[index].option.selected);
      input.focus();
    });
    drawChosen();
  }

  function setupComboboxes(root) {
    $$("select[multiple]", root).forEach(enhanceSelect);
  }

  /* The recommendation list: select, select all, act on the selection ----------------------- */
  function setupBulk() {
    var form = document.getElementById("bulk-form");
    if (!form) return;
    var pageBox = document.getElementById("select-page");
    var boxes = $$('input[type="checkbox"][name="ids"]').filter(function (box) { return box.form === form; });
    var scopeAll = $('input[name="scope"][value="all"]', form);
    var scopeSelected = $('input[name="scope"][value="selected"]', form);
    var summary = $(".bulk-selection-text", form);
    var allMatching = $("[data-select-all-matching]", form);
    var clear = $("[data-clear-selection]", form);
    var total = parseInt(form.getAttribute("data-total") || "0", 10);
    var actionSelect = $('select[name="action"]', form);

    if (pageBox) {
      pageBox.closest("[hidden]") && (pageBox.closest("[hidden]").hidden = false);
      pageBox.hidden = false;
    }

    function selected() { return boxes.filter(function (box) { return box.checked; }).length; }

    function update(say) {
      var count = selected();
      var all = scopeAll && scopeAll.checked;
      form.hidden = !(count || all);
      if (pageBox) {
        pageBox.checked = boxes.length > 0 && count === boxes.length;
        pageBox.indeterminate = count > 0 && count < boxes.length;
      }
      var message = all ? text("all-matching-selected", { count: total.toLocaleString(document.documentElement.lang) }) : text("selected", { count: count });
      if (summary) summary.textContent = message;
      if (allMatching) allMatching.hidden = all || count !== boxes.length || total <= boxes.length;
      if (clear) clear.hidden = !(count || all);
      if (say) announce(message);
    }

    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        if (scopeAll && scopeAll.checked && !box.checked) scopeSelected.checked = true;
        update(true);
      });
    });
    if (pageBox) {
      pageBox.addEventListener("change", function () {
        boxes.forEach(function (box) { box.checked = pageBox.checked; });
        if (!pageBox.checked && scopeSelected) scopeSelected.checked = true;
        update(true);
      });
    }
    [scopeAll, scopeSelected].forEach(function (radio) {
      if (radio) radio.addEventListener("change", function () { update(true); });
    });
    if (allMatching) {
      allMatching.addEventListener("click", function () {
        scopeAll.checked = true;
        update(true);
        if (actionSelect) actionSelect.focus();
      });
    }
    if (clear) {
      clear.addEventListener("click", function () {
        boxes.forEach(function (box) { box.checked = false; });
        if (scopeSelected) scopeSelected.checked = true;
        update(true);
        var first = boxes[0] || pageBox;
        if (first) first.focus();
      });
    }

    // The fields an action needs, shown with it (data-for-actions on their .field).
    var dependent = $$("[data-for-actions]", form);
    function showFields() {
      var action = actionSelect ? actionSelect.value : "";
      dependent.forEach(function (field) {
        var wanted = field.getAttribute("data-for-actions").split(" ");
        field.hidden = wanted.indexOf(action) === -1;
      });
    }
    if (actionSelect) actionSelect.addEventListener("change", showFields);
    showFields();
    update(false);
  }

  /* htmx: announce what changed, enhance what came in -------------------------------------- */
  var announced = {};
  function announceSwapped(root) {
    $$("[data-announce]", root).forEach(function (element) {
      var key = element.getAttribute("data-announce");
      var message = element.textContent.trim().replace(/\s+/g, " ");
      if (announced[key] !== message) {
        announced[key] = message;
        announce(message, element.getAttribute("data-announce-assertive") !== null);
      }
    });
  }

  function enhance(root) {
    wrapTables(root);
    setupComboboxes(root);
    setupDetails(root);
  }

  function start() {
    setupMenu();
    setupConfirm();
    setupErrorSummary();
    enhance(document);
    setupBulk();
    // What the page said on load is not announced again after a swap that leaves it unchanged.
    $$("[data-announce]").forEach(function (element) {
      announced[element.getAttribute("data-announce")] = element.textContent.trim().replace(/\s+/g, " ");
    });
    window.addEventListener("resize", debounce(fitTables, 100));
    document.body.addEventListener("htmx:afterSettle", function (event) {
      var target = event.detail && event.detail.elt ? event.detail.elt : event.target;
      enhance(target.parentNode || document);
      announceSwapped(document);
    });
    // A refused form's error summary takes the focus (autofocus does it on load; this covers a
    // summary htmx brings in).
    document.body.addEventListener("htmx:afterSettle", function (event) {
      var target = event.detail && event.detail.elt ? event.detail.elt : event.target;
      var summary = target.matches && target.matches(".error-summary") ? target : $(".error-summary", target);
      if (summary) summary.focus();
    });
  }

  // For the browser sweep (tests/browser/test_sweep.py): refit the tables now rather than after
  // the resize's pause.
  window.NRTD = { fitTables: fitTables };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
