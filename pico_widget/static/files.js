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

// A button that opens a file the visitor picks and hands its text to the kernel (a file
// larger than the kernel takes is not sent: only its size). Unlike ipywidgets' upload
// button it shows no "(0)" count of files beside its words.
function opener(model, el) {
  const input = document.createElement("input");
  input.type = "file";
  input.accept = model.get("accept");
  input.hidden = true;
  const button = document.createElement("button");
  button.className = "jupyter-button widget-button widget-upload pico-open";
  const label = () => { button.textContent = model.get("label"); };
  label();
  model.on("change:label", label);
  button.addEventListener("click", () => input.click());
  input.addEventListener("change", async () => {
    const file = input.files[0];
    input.value = "";
    if (!file) return;
    const text = file.size > model.get("max_bytes") ? "" : await file.text();
    model.send({ type: "open", size: file.size, text });
  });
  el.append(button, input);
}

function render({ model, el }) {
  model.on("msg:custom", (msg) => {
    if (msg && msg.type === "save") save(msg);
    if (msg && msg.type === "print") print(msg);
  });
  if (model.get("kind") === "open") { opener(model, el); return; }
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
