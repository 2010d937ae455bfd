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

function render({ model, el }) {
  model.on("msg:custom", (msg) => { if (msg && msg.type === "save") save(msg); });
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
