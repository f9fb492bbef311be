// Runs inside the console's sandboxed iframe on the instance's own origin: no access to the
// console page, only fetch() to this app's own endpoint.
const uptime = document.getElementById('uptime');
const views = document.getElementById('views');
const errorLine = document.getElementById('error');

function formatSeconds(total) {
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  return `${h}h ${m}m ${total % 60}s`;
}

async function refresh() {
  try {
    const response = await fetch(new URL('../api/summary', window.location.href));
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const summary = await response.json();
    uptime.textContent = formatSeconds(summary.uptimeSeconds);
    views.textContent = String(summary.pageViews);
    errorLine.hidden = true;
  } catch (error) {
    errorLine.textContent = `Could not load the summary: ${error.message}`;
    errorLine.hidden = false;
  }
}

document.getElementById('refresh').addEventListener('submit', (event) => {
  event.preventDefault();
  void refresh();
});
void refresh();
