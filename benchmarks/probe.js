// Installed in every measured page before its own scripts. Times are performance.now(),
// milliseconds since navigation started. `ready`: the page first shows its result (the
// dashboard: its chart on view drawn; echo: the label; FigureWidget: the line). After a
// tap, `done` is when the page's result changed (dashboard: the chart on view redrawn).
(() => {
  const probe = (window.__probe = { ready: null, start: null, done: null, startSig: null });
  // The reference pages are named in the path; anything else (the served root) is the
  // dashboard.
  const kind = location.pathname.includes("figurewidget") ? "figurewidget"
    : location.pathname.includes("echo") ? "echo" : "dashboard";
  const signature = () => {
    if (kind === "dashboard") {
      // The charts on view (hidden views are drawn when chosen); a chart carries
      // data-revision only while it shows the kernel's newest figure.
      const charts = [...document.querySelectorAll(".pico-chart")]
        .filter((c) => c.offsetParent !== null);
      if (!charts.length || charts.some((c) => c.dataset.revision === undefined)) return null;
      return Math.min(...charts.map((c) => Number(c.dataset.revision)));
    }
    if (kind === "figurewidget") {
      const line = document.querySelector(".js-plotly-plot .scatterlayer path.js-line");
      return line ? line.getAttribute("d") : null;
    }
    const label = document.querySelector(".echo");
    return label ? label.textContent : null;
  };
  const changed = (sig) => kind === "dashboard" ? sig > probe.startSig : sig !== probe.startSig;
  const check = () => {
    const sig = signature();
    if (sig === null) return;
    if (probe.ready === null) probe.ready = performance.now();
    if (probe.start !== null && probe.done === null && changed(sig)) probe.done = performance.now();
  };
  new MutationObserver(check).observe(document, {
    subtree: true, childList: true, attributes: true, characterData: true,
  });
  // Called before each tap: remember what the page shows now; the tap's pointerdown starts
  // the clock.
  probe.arm = () => {
    probe.startSig = signature();
    probe.start = null;
    probe.done = null;
  };
  document.addEventListener("pointerdown", () => {
    if (probe.start === null) probe.start = performance.now();
  }, true);
})();
