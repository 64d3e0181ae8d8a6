// Commune autocomplete of the organisation form: suggestions in a <datalist>, fed by the API.
// Without JavaScript the field still accepts an INSEE code or an unambiguous commune name.

const form = document.querySelector("form[data-communes-url]");
const input = form?.querySelector("input[list='communes-suggestions']");
const suggestions = document.getElementById("communes-suggestions");
const status = document.getElementById("communes-status");
const CHOSEN = /\(\s*\d[\dAB]\d{3}\s*\)$/i;
let timer = null;
let controller = null;

function optionFor(commune) {
  const option = document.createElement("option");
  const postcodes = Array.isArray(commune.postcodes) ? commune.postcodes : String(commune.postcodes || "").split(";");
  option.value = `${commune.name} (${commune.code})`;
  option.label = `${commune.departement.name} (${commune.departement.code})${postcodes[0] ? ` — ${postcodes[0]}` : ""}`;
  return option;
}

async function suggest() {
  const query = input.value.trim();
  if (query.length < 2 || CHOSEN.test(query)) return;
  controller?.abort();
  controller = new AbortController();
  const url = `${form.dataset.communesUrl}?${new URLSearchParams({ q: query, limit: "15" })}`;
  try {
    const response = await fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(response.statusText);
    const communes = await response.json();
    suggestions.replaceChildren(...communes.map(optionFor));
    status.textContent = communes.length
      ? `${communes.length} commune${communes.length > 1 ? "s" : ""} proposée${communes.length > 1 ? "s" : ""} : utilisez les flèches pour choisir.`
      : "Aucune commune trouvée.";
  } catch (error) {
    if (error.name !== "AbortError") status.textContent = "Suggestions indisponibles : saisissez le code INSEE.";
  }
}

if (input && suggestions) {
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, 200);
  });
}
