// Browser-side file actions the kernel cannot do itself: save a file the kernel sends
// (a download of a Blob, no server URL involved) and copy text to the clipboard.

function save(msg) {
  const url = URL.createObjectURL(new Blob([msg.text], { type: msg.mime }));
  const link = document.createElement("a");
  link.href = url;
  link.download = msg.filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Plain-http clinic networks have no clipboard API: copy through a selected textarea.
    const area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
}

// Print a whole page (the handout) from a hidden frame: the browser's print dialog opens
// on it once its charts are drawn, and the page on screen stays as it is.
function print(msg) {
  const frame = document.createElement("iframe");
  frame.className = "pico-print-frame";
  frame.setAttribute("aria-hidden", "true");
  frame.style.cssText = "position:fixed;right:0;bottom:0;width:0;height:0;border:0;";
  frame.addEventListener("load", () => {
    frame.contentWindow.focus();
    frame.contentWindow.print();
    setTimeout(() => frame.remove(), 60000);
  }, { once: true });
  frame.srcdoc = msg.text;
  document.body.appendChild(frame);
}

function render({ model, el }) {
  model.on("msg:custom", (msg) => {
    if (msg && msg.type === "save") save(msg);
    if (msg && msg.type === "print") print(msg);
  });
  if (model.get("kind") !== "copy") return;
  const button = document.createElement("button");
  button.className = "jupyter-button widget-button pico-copy";
  const label = () => { button.textContent = model.get("label"); };
  label();
  model.on("change:label", label);  // a language switch renames it
  button.addEventListener("click", async () => {
    await copy(model.get("text"));
    button.textContent = model.get("done_label");
    setTimeout(label, 2000);
  });
  el.appendChild(button);
}

export default { render };
