// Export for slides: the kernel sends a figure; plotly.js (already in the page for the
// charts) draws it off screen at projector size, and the browser saves it as a PNG, or as
// a one-page PDF holding that picture (a JPEG in a PDF written here: no library, no host).

async function plotly() {
  if (window.Plotly) return window.Plotly;
  if (window.__picoPlotly) return window.__picoPlotly;  // being loaded by a chart
  throw new Error("plotly.js is not in the page");
}

function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

function bytesOf(dataUrl) {
  const binary = atob(dataUrl.slice(dataUrl.indexOf(",") + 1));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

// A PDF of one page the size of the picture (at 96 px per inch: 1920x1080 px is
// 1440x810 pt), the JPEG drawn over the whole page.
function pdfOf(jpeg, width, height) {
  const encoder = new TextEncoder();
  const w = width * 0.75, h = height * 0.75;
  const draw = `q ${w} 0 0 ${h} 0 0 cm /Im0 Do Q`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w} ${h}] `
      + "/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>",
    [`<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace `
      + `/DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length ${jpeg.length} >>\nstream\n`,
     jpeg, "\nendstream"],
    `<< /Length ${draw.length} >>\nstream\n${draw}\nendstream`,
  ];
  const parts = [];
  let size = 0;
  const add = (part) => {
    const bytes = typeof part === "string" ? encoder.encode(part) : part;
    parts.push(bytes);
    size += bytes.length;
  };
  add("%PDF-1.4\n");
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(size);
    add(`${i + 1} 0 obj\n`);
    (Array.isArray(body) ? body : [body]).forEach(add);
    add("\nendobj\n");
  });
  const xref = size;
  add(`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`);
  offsets.forEach((at) => add(`${String(at).padStart(10, "0")} 00000 n \n`));
  add(`trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return new Blob(parts, { type: "application/pdf" });
}

async function exported(msg) {
  const Plotly = await plotly();
  const holder = document.createElement("div");
  holder.style.cssText = "position:fixed;left:-10000px;top:0;";
  holder.style.width = `${msg.width}px`;
  holder.style.height = `${msg.height}px`;
  document.body.appendChild(holder);
  try {
    await Plotly.newPlot(holder, msg.figure.data, msg.figure.layout, { staticPlot: true });
    const format = msg.kind === "pdf" ? "jpeg" : "png";
    const url = await Plotly.toImage(holder, { format, width: msg.width, height: msg.height });
    const bytes = bytesOf(url);
    download(msg.kind === "pdf" ? pdfOf(bytes, msg.width, msg.height)
      : new Blob([bytes], { type: "image/png" }), msg.filename);
  } finally {
    Plotly.purge(holder);
    holder.remove();
  }
}

function render({ model }) {
  model.on("msg:custom", (msg) => {
    if (msg && msg.type === "export") {
      exported(msg).catch((err) => console.error("pico-widget: not exported:", err));
    }
  });
}

export default { render };
