// Keeps the case on screen in this browser tab (sessionStorage), so that a reload, or a page
// whose kernel was culled or crashed, shows the same case again on a fresh kernel with no
// typing. Only the saved-case JSON of the PatientProfile is kept (never a name), in this tab
// only, and it is gone when the tab closes. The kernel validates what comes back.
const KEY = "pico-widget-case";

function stored() {
  try { return sessionStorage.getItem(KEY); } catch { return null; }
}

function store(text) {
  try { if (text) sessionStorage.setItem(KEY, text); } catch { /* private mode: no memory */ }
}

function render({ model, el }) {
  el.hidden = true;
  const keep = () => store(model.get("case"));
  const answer = (msg) => { if (msg && msg.type === "refused") keep(); };
  model.on("change:case", keep);
  model.on("msg:custom", answer);
  const text = stored();
  if (text && text !== model.get("case")) model.send({ type: "restore", case: text });
  else keep();
  return () => {
    model.off("change:case", keep);
    model.off("msg:custom", answer);
  };
}

export default { render };
