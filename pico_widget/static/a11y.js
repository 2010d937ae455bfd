// What ipywidgets does not say to a screen reader, said from the page: which toggle is
// pressed (aria-pressed), a name for each dropdown and slider handle (the visible heading
// of its group), the language of the widget (and of the page, in the Voila app), and a
// keyboard stop for the scrollable model page. Only attributes are set, never content, so
// the kernel's widgets stay the source of truth. Runs again whenever the widgets' classes
// or children change (a toggle pressed, a row added, a language switched).

let counter = 0;

function idOf(element) {
  if (!element.id) element.id = `pico-a11y-${++counter}`;
  return element.id;
}

function setAttr(element, name, value) {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

// The visible heading of the group a control sits in, or its own description label.
function nameSource(control) {
  const widget = control.closest(".widget-dropdown, .widget-hslider, .widget-inline-hbox, .widget-text");
  const own = widget && widget.querySelector(":scope > .widget-label");
  if (own && own.textContent.trim() && getComputedStyle(own).display !== "none") return own;
  const field = control.closest(".pico-field");
  return field ? field.querySelector(".pico-label") : null;
}

// Each app (the dashboard, the widget inside it) names its own controls.
function own(root, selector) {
  return [...root.querySelectorAll(selector)].filter((e) => e.closest(".pico-app") === root);
}

function fix(root, names, watchStyle) {
  for (const button of own(root, ".widget-toggle-buttons button, button.widget-toggle-button")) {
    setAttr(button, "aria-pressed", String(button.classList.contains("mod-active")));
  }
  for (const button of own(root, ".pico-presets button")) {
    setAttr(button, "aria-pressed", String(button.classList.contains("mod-info")));
  }
  for (const group of own(root, ".widget-toggle-buttons .btn-group")) {
    const heading = nameSource(group);
    setAttr(group, "role", "group");
    if (heading) setAttr(group, "aria-labelledby", idOf(heading));
  }
  for (const control of own(root, "select, .noUi-handle, input")) {
    if (control.type === "checkbox" || control.type === "file") continue;
    // A control's class (set in Python) may name it outright: the teaching cases, say.
    const named = Object.keys(names).find((cls) => control.closest(`.${cls}`));
    if (named) { setAttr(control, "aria-label", names[named]); continue; }
    const source = nameSource(control);
    if (!source) continue;
    const labelledBy = [idOf(source)];
    const row = control.closest(".pico-row");
    const title = row && row.querySelector(".pico-row-title");
    if (title && control.classList.contains("noUi-handle")) labelledBy.unshift(idOf(title));
    setAttr(control, "aria-labelledby", labelledBy.join(" "));
  }
  for (const dialog of own(root, ".pico-model-dialog")) {
    watchStyle(dialog);  // it opens by a style change, which the page-wide watch skips
    setAttr(dialog, "role", "dialog");
    if (names["pico-model"]) setAttr(dialog, "aria-label", names["pico-model"]);
    // Keyboard and screen reader land in the dialog when it opens.
    const open = dialog.offsetParent !== null || getComputedStyle(dialog).position === "fixed"
      && getComputedStyle(dialog).display !== "none";
    if (open && dialog.dataset.picoOpen !== "1") {
      const panel = dialog.querySelector(".pico-model");
      if (panel) panel.focus({ preventScroll: true });
    }
    dialog.dataset.picoOpen = open ? "1" : "0";
  }
  for (const panel of own(root, ".pico-model")) {
    setAttr(panel, "tabindex", "0");
    setAttr(panel, "role", "region");
    if (names["pico-model"]) setAttr(panel, "aria-label", names["pico-model"]);
  }
}

function render({ model, el }) {
  el.hidden = true;
  let scheduled = false;
  let root = null;
  const run = () => {
    scheduled = false;
    root = root && root.isConnected ? root : el.closest(".pico-app");
    if (!root) return;
    const language = model.get("language");
    setAttr(root, "lang", language);
    if (model.get("page")) setAttr(document.documentElement, "lang", language);
    fix(root, model.get("names"), watchStyle);
  };
  const styled = new WeakSet();
  const styleWatch = new MutationObserver(() => soon());
  const watchStyle = (element) => {
    if (styled.has(element)) return;
    styled.add(element);
    styleWatch.observe(element, { attributes: true, attributeFilter: ["style"] });
  };
  const soon = () => {
    if (!scheduled) { scheduled = true; requestAnimationFrame(run); }
  };
  const watch = new MutationObserver(soon);
  watch.observe(document.body, { subtree: true, childList: true, attributes: true,
                                 attributeFilter: ["class"] });
  model.on("change", soon);
  soon();
  return () => { watch.disconnect(); styleWatch.disconnect(); model.off("change", soon); };
}

export default { render };
