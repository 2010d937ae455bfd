// One plotly chart, redrawn in place whenever the kernel sends new data: a moved level (the
// goal) by updating its own trace, a layout change by relayout, anything else by Plotly.react.
// plotly.js is loaded once per page: from the server's static URL when one is given (cached
// by the browser across visits), otherwise from the kernel over the widget's own channel.

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.appendChild(script);
  });
}

async function withoutAmd(load) {
  // plotly.js is UMD: hide an AMD loader so that it sets window.Plotly.
  const define = window.define;
  window.define = undefined;
  try { await load(); } finally { window.define = define; }
}

function fromKernel(model) {
  return new Promise((resolve) => {
    const onMessage = (msg) => {
      if (msg && msg.type === "plotly-js") {
        model.off("msg:custom", onMessage);
        resolve(msg.source);
      }
    };
    model.on("msg:custom", onMessage);
    model.send({ type: "plotly-js-request" });
  });
}

function serverBase() {
  // Voila pages carry the server's base URL (which may be a prefix like /pico/) here.
  try {
    const config = JSON.parse(document.getElementById("jupyter-config-data").textContent);
    if (config.baseUrl) return new URL(config.baseUrl, document.baseURI).href;
  } catch {}
  return document.baseURI;
}

function pageScript() {
  // The pico Voila template starts loading plotly.js with the page; wait for it if so.
  const tag = document.querySelector("script[data-pico-plotly]");
  if (!tag || tag.dataset.done) return Promise.resolve();
  return new Promise((resolve) => {
    tag.addEventListener("load", resolve, { once: true });
    tag.addEventListener("error", resolve, { once: true });
  });
}

function plotly(model) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__picoPlotly) {
    window.__picoPlotly = (async () => {
      await pageScript();
      if (window.Plotly) return window.Plotly;
      const url = model.get("plotly_url");
      if (url) {
        try {
          await withoutAmd(() => loadScript(new URL(url, serverBase()).href));
        } catch (err) {
          console.warn("pico-widget:", err.message, "- asking the kernel instead");
        }
      }
      if (!window.Plotly) {
        const source = await fromKernel(model);
        const blob = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
        await withoutAmd(() => loadScript(blob));
      }
      return window.Plotly;
    })();
  }
  return window.__picoPlotly;
}

const CONFIG = { displayModeBar: false, responsive: true, scrollZoom: false };

// A figure as JSON text per trace and per layout key, taken before plotly.js adopts (and
// adds to) the objects it is given.
function snapshot(figure) {
  return {
    data: figure.data.map((trace) => JSON.stringify(trace)),
    layout: Object.fromEntries(Object.entries(figure.layout).map(([k, v]) => [k, JSON.stringify(v)])),
  };
}

// A level across the chart (the goal, the ceiling) comes from the kernel as a layout line
// named in the legend. In plotly.js 4.1 any relayout of a chart holding such a line
// recalculates and redraws all of it (a line named in the legend forces that), 50-80 ms
// for the improvement chart on a tablet-sized page. Drawn instead as a two-point trace
// across the x axis' range it looks the same, pixel for pixel, and moving it touches that
// trace alone (moveLevels). Lines behind the data (layer "below") stay shapes.
const LEVEL = "pico-level";

function levelled(figure) {
  const layout = figure.layout || {};
  const range = layout.xaxis && layout.xaxis.range;
  const isLevel = (s) => Array.isArray(range) && s.type === "line" && s.showlegend
    && s.xref === "paper" && s.x0 === 0 && s.x1 === 1 && s.y0 === s.y1
    && (s.yref ?? "y") === "y" && (s.layer ?? "above") === "above";
  const shapes = layout.shapes || [];
  if (!shapes.some(isLevel)) return figure;
  const levels = shapes.filter(isLevel).map((s) => ({
    type: "scatter", mode: "lines", name: s.name, legendgroup: s.legendgroup,
    showlegend: true, x: [...range], y: [s.y0, s.y1], line: { ...s.line }, hoverinfo: "skip",
    meta: LEVEL }));
  return { data: [...figure.data, ...levels],
           layout: { ...layout, shapes: shapes.filter((s) => !isLevel(s)) } };
}

// Only a level's place and legend words changed: its name restyled (plotly.js redraws the
// legend) and its line moved by a transition of no duration, which redraws that trace
// alone; a relayout or react would redraw every trace, axis and legend entry.
function levelMoves(before, figure, after) {
  const changed = after.data.flatMap((trace, i) => (trace === before.data[i] ? [] : [i]));
  const rest = (trace) => JSON.stringify({ ...trace, y: null, name: null });
  const moves = changed.length > 0 && changed.every((i) => figure.data[i].meta === LEVEL
    && rest(JSON.parse(before.data[i])) === rest(figure.data[i]));
  return moves ? changed : null;
}

async function moveLevels(Plotly, chart, figure, before, indices) {
  const renamed = indices.filter((i) => JSON.parse(before.data[i]).name !== figure.data[i].name);
  if (renamed.length) {
    await Plotly.restyle(chart, { name: renamed.map((i) => figure.data[i].name) }, renamed);
  }
  return Plotly.animate(chart, { data: indices.map((i) => ({ y: figure.data[i].y })),
                                 traces: indices },
                        { transition: { duration: 0 }, frame: { duration: 0, redraw: false },
                          mode: "immediate" });
}

// Redraw only what changed. The same layout with only levels moved (the goal) is
// moveLevels; the same traces with some layout keys changed is a relayout of those keys;
// anything else is a full Plotly.react.
async function update(Plotly, chart, before, figure, after) {
  const sameCount = before && before.data.length === after.data.length;
  if (!sameCount) return Plotly.react(chart, figure.data, figure.layout, CONFIG);
  const keys = new Set([...Object.keys(before.layout), ...Object.keys(after.layout)]);
  const sameLayout = [...keys].every((key) => before.layout[key] === after.layout[key]);
  const moves = sameLayout ? levelMoves(before, figure, after) : null;
  if (moves) return moveLevels(Plotly, chart, figure, before, moves);
  const sameData = after.data.every((trace, i) => trace === before.data[i]);
  if (!sameData) return Plotly.react(chart, figure.data, figure.layout, CONFIG);
  const changes = {};
  for (const key of keys) {
    if (before.layout[key] === after.layout[key]) continue;
    const old = JSON.parse(before.layout[key] ?? "null");
    const now = key in after.layout ? JSON.parse(after.layout[key]) : null;
    if (Array.isArray(old) && Array.isArray(now) && old.length === now.length) {
      // Shapes and annotations item by item, property by property: plotly.js then redraws
      // just those items instead of recalculating the chart.
      now.forEach((item, i) => {
        for (const prop of new Set([...Object.keys(old[i]), ...Object.keys(item)])) {
          if (JSON.stringify(old[i][prop]) !== JSON.stringify(item[prop])) {
            changes[`${key}[${i}].${prop}`] = prop in item ? item[prop] : null;
          }
        }
      });
    } else {
      changes[key] = now;
    }
  }
  return Object.keys(changes).length ? Plotly.relayout(chart, changes) : null;
}

// Plotly never wraps a title: on a phone the chart's title and subtitle ran off its edge.
// Break them into lines that fit the chart's width (by words; by characters for Chinese),
// and make room above the plot for the extra lines.
function wrapText(text, size, width) {
  const wide = (ch) => /[\u2e80-\u9fff\uff00-\uffef]/.test(ch);
  const measure = (t) => [...t].reduce((sum, ch) => sum + (wide(ch) ? 1 : 0.56), 0) * size;
  if (!text || measure(text) <= width) return [text];
  const parts = text.includes(" ") ? text.split(" ") : [...text];
  const joiner = text.includes(" ") ? " " : "";
  const lines = [""];
  for (const part of parts) {
    const line = lines[lines.length - 1];
    const next = line ? line + joiner + part : part;
    if (line && measure(next) > width) lines.push(part);
    else lines[lines.length - 1] = next;
  }
  return lines;
}

// On a projector (a 1920 px screen) every chart's words grow for the back of the room:
// axis labels 18 px and more, body text 20 px.
const PROJECTOR_WIDTH = 1800;

function projected(figure) {
  if (window.innerWidth < PROJECTOR_WIDTH || !figure.layout) return figure;
  const layout = { ...figure.layout };
  const big = (font, size) => ({ ...(font || {}), size: Math.max((font || {}).size || 0, size) });
  layout.font = big(layout.font, 20);
  layout.legend = { ...(layout.legend || {}), font: big((layout.legend || {}).font, 20) };
  for (const axis of ["xaxis", "yaxis"]) {
    const a = { ...(layout[axis] || {}) };
    a.tickfont = big(a.tickfont, 19);
    a.title = { ...(a.title || {}), font: big((a.title || {}).font, 21) };
    layout[axis] = a;
  }
  if (layout.title) {
    layout.title = { ...layout.title, font: big(layout.title.font, 26) };
    if (layout.title.subtitle) {
      layout.title.subtitle = { ...layout.title.subtitle,
                                font: big(layout.title.subtitle.font, 21) };
    }
  }
  if (layout.annotations) {  // the bars' numbers
    layout.annotations = layout.annotations.map((a) => ({ ...a, font: big(a.font, 18) }));
  }
  // Room below for the legend; a chart without one (a class column, named by the view's
  // key) keeps its own bottom margin, which automargin grows to the axis' words.
  const bottom = layout.showlegend === false ? (layout.margin || {}).b : 130;
  layout.margin = { ...layout.margin, l: 80, b: bottom, t: (layout.margin || {}).t + 12 };
  const data = figure.data.map((trace) => (trace.textfont
    ? { ...trace, textfont: big(trace.textfont, 18) } : trace));
  return { data, layout };
}

// A session tick needs this much room: on a 390 px phone, one label a session left
// "10 11 12" touching, so a narrow chart labels every second session.
const TICK_ROOM = 30;

function spacedTicks(figure, width) {
  const axis = figure.layout && figure.layout.xaxis;
  if (!axis || axis.dtick !== 1 || !axis.range || !width) return figure;
  const margin = figure.layout.margin || {};
  const plot = width - (margin.l || 0) - (margin.r || 0);
  const sessions = axis.range[1] - axis.range[0];
  if (plot / sessions >= TICK_ROOM) return figure;
  return { data: figure.data, layout: { ...figure.layout, xaxis: { ...axis, dtick: 2 } } };
}

function fitted(original, width) {
  const figure = spacedTicks(projected(levelled(original)), width);
  const title = figure.layout && figure.layout.title;
  if (!title || !width) return figure;
  const room = width - 12;
  const main = wrapText(title.text || "", (title.font || {}).size || 17, room);
  const subtitle = title.subtitle;
  const sub = subtitle ? wrapText(subtitle.text || "", (subtitle.font || {}).size || 15, room) : [];
  const extra = main.length - 1 + Math.max(sub.length - 1, 0);
  if (!extra) return figure;
  const layout = { ...figure.layout, margin: { ...figure.layout.margin } };
  // pinned to the top of the figure (plotly otherwise centres it in the grown margin);
  // plotly sets a title of several lines about half a line too high, so its first line
  // would be cut at large sizes (a projector): padded down by that much.
  const size = (title.font || {}).size || 17;
  const lower = Math.ceil(0.6 * size * (main.length - 1));
  layout.title = { ...title, text: main.join("<br>"), yref: "container", y: 1,
                   yanchor: "top", pad: { t: 10 + lower } };
  if (subtitle) layout.title.subtitle = { ...subtitle, text: sub.join("<br>") };
  layout.margin.t = (layout.margin.t || 40) + 24 * extra + lower;
  return { data: figure.data, layout };
}

async function render({ model, el }) {
  window.picoSessionEnded = model.get("ended_message");
  const chart = document.createElement("div");
  chart.className = "pico-chart";
  chart.setAttribute("data-testid", model.get("name"));
  // A picture to a screen reader, named by its title and pointing to the same numbers in
  // sentences (the "In words" view); plotly's SVG text inside is not read piecemeal.
  chart.setAttribute("role", "img");
  const name = () => chart.setAttribute("aria-label", model.get("label") || model.get("name"));
  name();
  model.on("change:label", name);
  el.appendChild(chart);
  const Plotly = await plotly(model);
  // Plotly sizes a chart to its column: draw only once the chart has a width in the page,
  // so a hidden view waits until it is shown.
  const sized = () => (chart.offsetWidth > 0 ? Promise.resolve() : new Promise((resolve) => {
    const watch = new ResizeObserver(() => {
      if (chart.offsetWidth > 0) { watch.disconnect(); resolve(); }
    });
    watch.observe(chart);
  }));
  let drawing = Promise.resolve();
  let shown = null;
  let drawnAs = null;  // snapshot() of the figure on screen
  let drawnWidth = 0;  // the chart's width when its titles were fitted
  // Every kernel render bumps `revision`. `data-revision` is present only while the chart
  // shows the kernel's newest figure. A draw takes the newest figure when its turn comes,
  // so updates queued behind a draw collapse into one; a never-filled view is not drawn.
  const draw = () => {
    delete chart.dataset.revision;
    drawing = drawing.then(sized).then(async () => {
      const figure = model.get("figure");
      const revision = model.get("revision");
      if (!figure || !figure.data) return;
      const width = chart.offsetWidth;
      if (figure !== shown || width !== drawnWidth) {
        const fit = fitted(figure, width);
        const after = snapshot(fit);
        await update(Plotly, chart, drawnAs, fit, after);
        drawnAs = after;
        drawnWidth = width;
      }
      shown = figure;
      if (revision !== model.get("revision")) return;  // a newer one is queued
      chart.dataset.revision = String(revision);
      chart.dispatchEvent(new CustomEvent("pico:drawn", { bubbles: true }));
    }).catch((err) => console.error("pico-widget: chart not drawn:", err));
  };
  draw();
  model.on("change:revision", draw);
  // Fit the container after layout settles or the tablet rotates; queued behind any draw
  // so that a chart first drawn before its column had a width is resized too.
  const resize = new ResizeObserver(() => {
    drawing = drawing.then(async () => {
      if (chart.offsetWidth <= 0) return null;
      // The titles' lines and the sessions' ticks follow the width (a tablet rotated, a
      // second class column beside this one): a fit that differs is drawn again.
      if (shown && drawnAs) {
        const fit = fitted(shown, chart.offsetWidth);
        const after = snapshot(fit);
        const keys = new Set([...Object.keys(after.layout), ...Object.keys(drawnAs.layout)]);
        if ([...keys].some((key) => after.layout[key] !== drawnAs.layout[key])) {
          await update(Plotly, chart, drawnAs, fit, after);
          drawnAs = after;
        }
        drawnWidth = chart.offsetWidth;
      }
      return Plotly.Plots.resize(chart);
    }).catch((err) => console.error("pico-widget: chart not resized:", err));
    // (Uncaught, a failed resize left `drawing` rejected, and every later figure for this
    // chart was skipped: empty axes until the page was reloaded.)
  });
  resize.observe(el);
  return () => {
    resize.disconnect();
    model.off("change:revision", draw);
    model.off("change:label", name);
    Plotly.purge(chart);
  };
}

export default { render };
