// What ipywidgets does not say to a screen reader, said from the page: which toggle is
// pressed (aria-pressed), a name for each dropdown and slider handle (the visible heading
// of its group), the language of the widget (and of the page, in the Voila app), and a
// keyboard stop for the scrollable model page, and the model dialog as a modal (focus moves
// in on open, Tab cycles inside, Escape or a tap on the backdrop closes, focus returns to
// the opener, the page behind is inert), and any box with the class pico-dialog as a modal
// in the page's top layer while pico-dialog-open is on it (the sign-in); a new refusal, or
// on a phone the new answer, left off-screen is scrolled to. Only attributes are set, never
// content, so the kernel's widgets stay the source of truth. Runs again whenever the
// widgets' classes or children change (a toggle pressed, a row added, a language switched).

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

const FOCUSABLE = "button:not([disabled]), a[href], input, select, textarea, summary, "
  + "[tabindex]:not([tabindex='-1'])";
const trapped = new WeakSet();

// What Tab can reach inside `box`, in order (shown ones only).
function stops(box) {
  return [...box.querySelectorAll(FOCUSABLE)].filter((e) => e.getClientRects().length > 0);
}

// Once per dialog: Escape closes, Tab and Shift+Tab wrap around inside it, a tap on the
// backdrop (if any) closes. Closing goes through the kernel (the dialog's button matching
// `closer`) like a tap would.
function trap(dialog, backdrop, closer = ".pico-model-close") {
  if (trapped.has(dialog)) return;
  trapped.add(dialog);
  const close = () => { const b = dialog.querySelector(closer); if (b) b.click(); };
  dialog.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { event.preventDefault(); event.stopPropagation(); close(); return; }
    if (event.key !== "Tab") return;
    const inside = stops(dialog);
    if (!inside.length) return;
    const first = inside[0];
    const last = inside[inside.length - 1];
    if (event.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
      event.preventDefault(); last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault(); first.focus();
    }
  }, true);  // capturing: ipywidgets' text fields stop their keys from bubbling
  if (backdrop) backdrop.addEventListener("click", close);
}

// While the dialog is open, everything else in the app is inert (no focus, no taps, not
// read out), as aria-modal promises.
function holdBack(root, dialog, backdrop, open) {
  for (const child of root.children) {
    if (child === dialog || child === backdrop || child.contains(dialog)) continue;
    if (open) setAttr(child, "inert", ""); else child.removeAttribute("inert");
  }
}

// The page around `dialog`, up to the body, inert (or no longer), so the page behind a
// dialog shown in the top layer takes no focus, no taps and is not read out.
function holdPage(dialog, open) {
  if (!open) {
    for (const held of document.querySelectorAll("[data-pico-held]")) {
      held.removeAttribute("inert");
      delete held.dataset.picoHeld;
    }
    return;
  }
  for (let inner = dialog; inner.parentElement && inner !== document.body;
    inner = inner.parentElement) {
    for (const sibling of inner.parentElement.children) {
      if (sibling === inner || sibling.hasAttribute("inert")) continue;
      sibling.dataset.picoHeld = "1";
      sibling.setAttribute("inert", "");
    }
  }
}

// The button a dialog gives focus back to: the nearest pico-dialog-opener around it.
function openerOf(dialog, root) {
  for (let box = dialog.parentElement; box && root.contains(box); box = box.parentElement) {
    const opener = box.querySelector(".pico-dialog-opener");
    if (opener) return opener;
  }
  return null;
}

// A kernel-made dialog (ui/sign_in_dialog.py): the kernel opens and closes it by a class;
// here it becomes a modal. A manual popover so it shows in the top layer, over the page,
// even inside the widget's frame (a CSS container, which would hold a fixed box inside it).
function modal(root, dialog) {
  setAttr(dialog, "role", "dialog");
  setAttr(dialog, "aria-modal", "true");
  const heading = dialog.querySelector(".pico-dialog-heading");
  if (heading) setAttr(dialog, "aria-labelledby", idOf(heading));
  const popover = typeof dialog.showPopover === "function";
  if (popover) setAttr(dialog, "popover", "manual");
  trap(dialog, null, ".pico-dialog-cancel");
  const open = dialog.classList.contains("pico-dialog-open");
  const was = dialog.dataset.picoOpen === "1";
  if (open === was) return;
  dialog.dataset.picoOpen = open ? "1" : "0";
  if (popover && open && !dialog.matches(":popover-open")) dialog.showPopover();
  if (popover && !open && dialog.matches(":popover-open")) dialog.hidePopover();
  holdPage(dialog, open);
  if (open) {
    const first = dialog.querySelector("input");
    if (first) first.focus({ preventScroll: true });
  } else {
    const opener = openerOf(dialog, root);
    if (opener) opener.focus();
  }
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
    setAttr(dialog, "aria-modal", "true");
    if (names["pico-model"]) setAttr(dialog, "aria-label", names["pico-model"]);
    const backdrop = own(root, ".pico-model-backdrop")[0];
    if (backdrop) watchStyle(backdrop);
    trap(dialog, backdrop);
    // Keyboard and screen reader land in the dialog when it opens, and go back to the
    // button that opened it when it closes.
    const open = dialog.offsetParent !== null || getComputedStyle(dialog).position === "fixed"
      && getComputedStyle(dialog).display !== "none";
    const was = dialog.dataset.picoOpen === "1";
    if (open !== was) holdBack(root, dialog, backdrop, open);
    if (open && !was) {
      const panel = dialog.querySelector(".pico-model");
      if (panel) panel.focus({ preventScroll: true });
    } else if (!open && was) {
      const opener = own(root, ".pico-model-button")[0];
      if (opener) opener.focus({ preventScroll: true });
    }
    dialog.dataset.picoOpen = open ? "1" : "0";
  }
  for (const dialog of own(root, ".pico-dialog")) modal(root, dialog);
  // A refusal the doctor cannot see is no refusal: a new one off-screen is scrolled to
  // (the least distance), also when the rows settling around it push it out in its first
  // moments; after that the doctor's own scrolling is left alone.
  for (const alert of own(root, ".pico-error [role='alert']")) {
    const since = Number(alert.dataset.picoShown || Date.now());
    alert.dataset.picoShown = String(since);
    const box = alert.getBoundingClientRect();
    if (Date.now() - since < 1500 && box.height
        && (box.top < 0 || box.bottom > window.innerHeight)) {
      alert.scrollIntoView({ block: "nearest" });
    }
  }
  // On a phone the answer stands above the inputs: after a change below, the new answer
  // would be off-screen above, so the page goes back up to it.
  for (const answer of own(root, ".pico-answer")) {  // the widget, kept across redraws
    const text = answer.textContent;
    const before = answer.dataset.picoSaid;
    answer.dataset.picoSaid = text;
    if (before === undefined || before === text || window.innerWidth > 600) continue;
    if (answer.getBoundingClientRect().top < 0) {
      answer.scrollIntoView({ block: "start" });
    }
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
