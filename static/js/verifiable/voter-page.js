// The voter's page of a verifiable ballot: build the paper from election.json,
// encrypt in the browser, offer a Benaloh audit, cast through the API, show the tracker.

import { benalohChallenge, createBallot, isValidCredential, readElection, warm } from "./index.js";

const form = document.getElementById("verifiable-paper");
const problems = document.getElementById("paper-problems");
const kinds = JSON.parse(document.getElementById("question-map").textContent).map((m) => m.kind);
const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
let election = null;
let pending = null;
let choices = null;

const show = (el, on = true) => { el.hidden = !on; };
function fail(message) {
  problems.textContent = message;
  show(problems);
  problems.focus();
}

function questionHtml(question, i) {
  const fieldset = document.createElement("fieldset");
  const legend = document.createElement("legend");
  legend.textContent = `${election.questions.length > 1 ? `${i + 1}. ` : ""}${question.text}`;
  fieldset.append(legend);
  const kind = kinds[i];
  if (kind === "ranks") {
    const help = document.createElement("p");
    help.className = "form-text";
    help.textContent = "Number the candidates in order of preference: 1 for your first choice, 2 for your second, and so on, without gaps or repeats. Rank as many or as few as you like.";
    fieldset.append(help);
  }
  question.answers.forEach((answer, j) => {
    const row = document.createElement("div");
    const id = `q${i}-a${j}`;
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = answer;
    const input = document.createElement("input");
    input.id = id;
    input.dataset.question = i;
    input.dataset.answer = j;
    if (kind === "ranks") {
      row.className = "rank-row";
      Object.assign(input, { type: "number", min: 1, max: question.answers.length, inputMode: "numeric", className: "form-control" });
      row.append(label, input);
    } else {
      row.className = "choice form-check";
      Object.assign(input, { type: kind === "choice" ? "radio" : "checkbox", name: `q${i}`, className: "form-check-input" });
      label.className = "form-check-label";
      row.append(input, label);
    }
    fieldset.append(row);
  });
  return fieldset;
}

/** The choices as Belenios encodes them; throws with a plain message for a paper that would be void. */
function readChoices() {
  return election.questions.map((question, i) => {
    const inputs = [...form.querySelectorAll(`input[data-question="${i}"]`)];
    if (kinds[i] !== "ranks") {
      const marks = inputs.map((input) => (input.checked ? 1 : 0));
      if (kinds[i] === "choice" && marks.reduce((a, b) => a + b, 0) !== 1) throw new Error(`Question ${i + 1}: choose one answer.`);
      if (kinds[i] === "marks" && !marks.some(Boolean)) throw new Error(`Question ${i + 1}: mark at least one candidate.`);
      return marks;
    }
    const ranks = inputs.map((input) => (input.value.trim() === "" ? 0 : Number(input.value)));
    const used = ranks.filter(Boolean).sort((a, b) => a - b);
    if (!used.length) throw new Error(`Question ${i + 1}: rank at least one candidate.`);
    if (!ranks.every((r) => Number.isInteger(r) && r >= 0 && r <= question.answers.length) || used.some((r, k) => r !== k + 1)) {
      throw new Error(`Question ${i + 1}: use the numbers 1, 2, 3… once each, without gaps.`);
    }
    return ranks;
  });
}

function credential() {
  const value = document.getElementById("credential").value.trim();
  if (!isValidCredential(value)) throw new Error("That is not a credential: check the 15 characters from your e-mail (XXX-XXX-XXX-XXX-XXX).");
  return value;
}

function describe(held) {
  return held.map((values, i) => {
    const q = election.questions[i];
    if (kinds[i] === "ranks") {
      const order = values.map((r, j) => [r, q.answers[j]]).filter(([r]) => r).sort((a, b) => a[0] - b[0]);
      return `${q.text}: ${order.map(([r, a]) => `${r}. ${a}`).join(", ")}`;
    }
    return `${q.text}: ${values.map((m, j) => (m ? q.answers[j] : null)).filter(Boolean).join(", ")}`;
  });
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  show(problems, false);
  try {
    choices = readChoices();
    const button = document.getElementById("encrypt");
    button.disabled = true;
    button.textContent = "Encrypting…";
    pending = await createBallot(election, credential(), choices);
    button.disabled = false;
    button.textContent = "Encrypt my vote";
    document.getElementById("pending-tracker").textContent = pending.tracker;
    show(form, false);
    show(document.getElementById("encrypted"));
  } catch (error) {
    document.getElementById("encrypt").disabled = false;
    fail(error.message);
  }
});

document.getElementById("change").addEventListener("click", () => {
  pending = null;
  show(document.getElementById("encrypted"), false);
  show(form);
});

document.getElementById("audit").addEventListener("click", async () => {
  const out = document.getElementById("audit-result");
  out.textContent = "Auditing: revealing the ballot's randomness and re-encrypting…";
  show(out);
  try {
    const { audited, held, matches, fresh } = await benalohChallenge(election, credential(), choices);
    out.replaceChildren();
    const head = document.createElement("p");
    head.className = matches ? "ok" : "alert alert-danger";
    head.id = "audit-verdict";
    head.textContent = matches
      ? `The audited ballot (tracker ${audited.tracker}) holds exactly your choices. It is spoiled and will not be cast; your choices are encrypted afresh below.`
      : `The audited ballot does NOT hold your choices. Do not vote on this device; tell the returning officer.`;
    const list = document.createElement("ul");
    for (const line of describe(held)) {
      const li = document.createElement("li");
      li.textContent = line;
      list.append(li);
    }
    const details = document.createElement("details");
    details.innerHTML = "<summary>The audit record (check it on another device)</summary>";
    const pre = document.createElement("pre");
    pre.textContent = JSON.stringify(audited);
    details.append(pre);
    out.append(head, list, details);
    pending = matches ? fresh : null;
    document.getElementById("pending-tracker").textContent = pending ? pending.tracker : "";
    document.getElementById("cast").disabled = !pending;
  } catch (error) {
    out.textContent = `The audit failed: ${error.message}`;
  }
});

document.getElementById("cast").addEventListener("click", async () => {
  if (!pending) return;
  const button = document.getElementById("cast");
  button.disabled = true;
  const response = await fetch(form.dataset.castUrl, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    body: JSON.stringify({ ballot: pending.ballot }),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    button.disabled = false;
    show(document.getElementById("encrypted"), false);
    show(form);
    fail(`Your ballot was refused (${data.code ?? response.status}): ${data.message ?? "try again"}`);
    return;
  }
  pending = null;
  show(document.getElementById("encrypted"), false);
  document.getElementById("tracker").textContent = data.tracker;
  document.getElementById("find-tracker").href = `${form.dataset.boxUrl}?tracker=${encodeURIComponent(data.tracker)}`;
  const done = document.getElementById("cast-done");
  show(done);
  done.focus();
});

(async () => {
  try {
    const response = await fetch(form.dataset.electionUrl, { credentials: "same-origin" });
    if (!response.ok) throw new Error("the election could not be loaded");
    election = await readElection(await response.text());
    const holder = document.getElementById("questions");
    holder.replaceChildren(...election.questions.map(questionHtml));
    show(form);
    setTimeout(() => warm(election), 0);
  } catch (error) {
    show(form);
    fail(`This page cannot make a ballot: ${error.message}.`);
  }
})();
