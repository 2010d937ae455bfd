// Installed in every measured page before its own scripts: from an arrow key on a slider to
// the last change of the DOM inside any chart (every `.js-plotly-plot`, whichever code made
// it). Times are performance.now(). `key`: the arrow's keydown; `last`: the newest chart
// mutation since; `quiet()`: milliseconds since anything in a chart last changed.
// Where the time went, since the key: `frames`, each websocket message received (when, and
// its bytes), and `calls`, each call of window.Plotly's drawing functions (when it began,
// how long until its promise settled).
(() => {
  const probe = (window.__keys = { key: null, last: null, changes: 0, frames: [], calls: [] });
  document.addEventListener("keydown", (event) => {
    if (!event.key.startsWith("Arrow")) return;
    probe.key = performance.now();
    probe.last = null;
    probe.changes = 0;
    probe.frames = [];
    probe.calls = [];
  }, true);
  const since = () => performance.now() - probe.key;
  const inChart = (node) => {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return Boolean(element && element.closest(".js-plotly-plot"));
  };
  new MutationObserver((records) => {
    if (probe.key === null || !records.some((r) => inChart(r.target))) return;
    probe.last = performance.now();
    probe.changes += 1;
  }).observe(document, { subtree: true, childList: true, attributes: true,
                         characterData: true });
  probe.quiet = () => performance.now() - (probe.last ?? probe.key ?? 0);

  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (probe.key === null) return;
        const data = event.data;
        const bytes = typeof data === "string" ? data.length : data.byteLength ?? data.size;
        probe.frames.push({ at: since(), bytes });
      });
    }
  };

  const timed = (target, name, label) => {
    const original = target[name];
    if (typeof original !== "function") return;
    target[name] = function (...args) {
      const start = probe.key === null ? null : since();
      const result = original.apply(this, args);
      if (start !== null) {
        const done = () => probe.calls.push({ name: label, at: start, took: since() - start });
        Promise.resolve(result).then(done, done);
      }
      return result;
    };
  };
  let plotly;
  Object.defineProperty(window, "Plotly", {
    configurable: true,
    get: () => plotly,
    set: (value) => {
      plotly = value;
      if (!value) return;
      for (const name of ["newPlot", "react", "relayout", "restyle", "update", "animate"]) {
        timed(value, name, name);
      }
      if (value.Plots) timed(value.Plots, "resize", "Plots.resize");
    },
  });
})();
