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

// The class view's columns (teaching mode, a projector): every plot as high as the others,
// so that the shared axes read as shared. The columns have no legends (the view's key names
// their lines, render/chart_key.py), but their axes' words differ and plotly takes their
// room from the plot: the plots ran from 175 px down to 75 px, and a short plot cut its
// y-axis title. Once a column is drawn (plotly_view.js marks it with data-revision), the
// y-axis titles get the column's size of text and every chart the deepest margins among
// them.
const COLUMN_CHARTS = ".pico-teaching .pico-class-case .pico-chart[data-revision]";
// px: the y-axis title's size in a quarter of a projector (the projector's 21 px ran a
// short plot's title past its top)
const TITLE_SIZE = 18;

// px: the least plot a levelled chart keeps. Margins past its height leave a plot of
// negative height: plotly.js then stops ("Something went wrong with axis scaling") and
// shows empty axes until the next figure (a fourth column revealed under a tall headline).
const LEAST_PLOT = 60;

// A column's own margins and y-axis title, as plotly drew it from the kernel's figure (with
// the column's title size): levelling starts from these, never from its own last result.
// Its height is read live: the columns' row shrinks as a revealed headline grows.
function own(chart) {
  if (!chart.__picoOwn || chart.__picoOwn.revision !== chart.dataset.revision) {
    const size = chart._fullLayout._size;
    const title = chart.querySelector(".ytitle");
    const margin = (chart.layout && chart.layout.margin) || {};
    chart.__picoOwn = { revision: chart.dataset.revision, t: size.t, b: size.b,
                        figure: { t: margin.t, b: margin.b },
                        title: title ? title.getBoundingClientRect().height : 0 };
  }
  return { ...chart.__picoOwn, height: chart.clientHeight };
}

// One chart's failure leaves the others levelled.
async function guarded(change) {
  try {
    await change();
  } catch (err) {
    console.error("pico-widget: column not levelled:", err);
  }
}

async function levelled() {
  const Plotly = await plotly();
  // The columns on show: a covered column's chart keeps the size it was last drawn at.
  const charts = [...document.querySelectorAll(COLUMN_CHARTS)]
    .filter((c) => c._fullLayout && c.offsetParent !== null);
  for (const chart of charts) {
    if (chart._fullLayout.yaxis.title.font.size !== TITLE_SIZE) {
      delete chart.__picoOwn;
      await guarded(() => Plotly.relayout(chart, { "yaxis.title.font.size": TITLE_SIZE }));
    }
  }
  for (const chart of charts) {  // drawn at the height its row had before a headline grew
    if (Math.abs(chart._fullLayout.height - chart.clientHeight) > 1) {
      await guarded(() => Plotly.Plots.resize(chart));
    }
  }
  const mine = charts.map(own);
  const bottom = Math.ceil(Math.max(0, ...mine.map((m) => m.b)));
  // The y-axis title is centred on the plot: longer than the plot is high it runs into the
  // top margin, and past it was cut. With the plot (height - top - bottom) high, it fits
  // once top >= title - height + bottom + 8.
  const top = Math.ceil(Math.max(...mine.map((m) => m.t),
                                 ...mine.map((m) => m.title - m.height + bottom + 8)));
  for (const [index, chart] of charts.entries()) {
    // Too short for the shared margins, a chart goes back to its figure's: it keeps a
    // plot, if not a level one.
    const { figure, height } = mine[index];
    const fits = height - top - bottom >= LEAST_PLOT;
    const want = fits ? { "margin.b": bottom, "margin.t": top }
      : { "margin.b": figure.b, "margin.t": figure.t };
    const size = chart._fullLayout._size;
    const margins = fits ? { b: size.b, t: size.t } : chart.layout.margin;
    if (Math.abs(margins.b - want["margin.b"]) > 0.5
        || Math.abs(margins.t - want["margin.t"]) > 0.5) {
      await guarded(() => Plotly.relayout(chart, want));
    }
  }
}

let levelling = null;
function levelColumns() {
  if (levelling) return;
  let queue = Promise.resolve();
  const level = () => {
    queue = queue.then(levelled).catch((err) => console.error(
      "pico-widget: columns not levelled:", err));
  };
  // Again when a column is drawn, and when a column's chart changes height (a revealed
  // headline grows its row, the window), which no figure marks.
  const resized = new ResizeObserver(level);
  levelling = new MutationObserver(() => {
    document.querySelectorAll(COLUMN_CHARTS).forEach((chart) => resized.observe(chart));
    level();
  });
  levelling.observe(document.body, { subtree: true, attributes: true,
                                     attributeFilter: ["data-revision"] });
}

function render({ model }) {
  levelColumns();
  model.on("msg:custom", (msg) => {
    if (msg && msg.type === "export") {
      exported(msg).catch((err) => console.error("pico-widget: not exported:", err));
    }
  });
}

export default { render };
