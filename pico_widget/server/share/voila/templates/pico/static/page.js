// pico-widget's page script, loaded by the pico Voila template (index.html.j2) right after
// the plotly.js tag: it runs before Voila's own scripts open the kernel's websocket.

// The plotly.js tag says when it has loaded or failed (pico_widget/static/plotly_view.js waits on it).
// Listeners, not onload= attributes: the page's policy forbids inline event handlers.
(() => {
  const tag = document.querySelector("script[data-pico-plotly]");
  if (!tag) return;  // a notebook that draws no plotly chart
  const mark = (state) => () => { tag.dataset.done = state; };
  if (window.Plotly) return mark("loaded")();
  tag.addEventListener("load", mark("loaded"), { once: true });
  tag.addEventListener("error", mark("failed"), { once: true });
})();

// Never a white screen: say plainly when the session has ended (kernel died, was
// restarted or culled) or when the forecast has not appeared within PICO_SLOW_MS, and
// offer a reload (the case on screen comes back: pico_widget/static/case_memory.js). The sentences
// come from the server's wording file through the page config (serve.py page_config).
(() => {
  const PICO_SLOW_MS = window.picoSlowMs || 120000;  // tests may shorten it
  const text = (key, fallback) => {
    try {
      const config = JSON.parse(document.getElementById("jupyter-config-data").textContent);
      return (config.picoText || {})[key] || fallback;
    } catch { return fallback; }
  };
  const banner = (kind, sentence) => {
    const old = document.querySelector(".pico-ended");
    if (old && (old.dataset.kind === kind || kind === "slow")) return;
    if (old) old.remove();
    const box = document.createElement("div");
    box.className = "pico-ended";
    box.dataset.kind = kind;
    box.setAttribute("role", "alert");
    box.textContent = sentence;
    const reload = document.createElement("button");
    reload.textContent = text("reload", "Reload");
    reload.onclick = () => location.reload();
    box.appendChild(reload);
    document.body.prepend(box);
  };
  const ended = () => banner("ended", window.picoSessionEnded
    || text("ended", "This session has ended. Reload the page."));
  const shown = () => document.querySelector("[data-testid=improvement][data-revision]");
  const slow = () => {
    if (!shown()) banner("slow", text("slow", "The forecast has not appeared. Reload the page."));
  };
  // Voila streams the page: the config holding the sentences comes after the notebook
  // has run, so a notice due before then waits for the page to finish arriving (at most
  // 10 s more, then it shows in the template's own words).
  setTimeout(() => {
    if (document.readyState !== "loading") return slow();
    document.addEventListener("DOMContentLoaded", slow, { once: true });
    setTimeout(slow, 10000);
  }, PICO_SLOW_MS);
  const watch = setInterval(() => {  // a late forecast takes the "slow" notice away
    if (!shown()) return;
    clearInterval(watch);
    document.querySelectorAll(".pico-ended[data-kind=slow]").forEach((b) => b.remove());
  }, 1000);
  const Native = window.WebSocket;
  let timer = null;
  const stopped = (data) => /"execution_state":\s*"(restarting|dead)"/.test(data);
  class KernelSocket extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      if (!String(url).includes("/api/kernels/")) return;
      this.addEventListener("open", () => clearTimeout(timer));
      this.addEventListener("message", async (event) => {
        const data = event.data;
        const body = typeof data === "string" ? data
          : data instanceof Blob ? await data.text() : new TextDecoder().decode(data);
        if (stopped(body)) ended();
      });
      this.addEventListener("close", () => { timer = setTimeout(ended, 6000); });
    }
  }
  window.WebSocket = KernelSocket;
})();
