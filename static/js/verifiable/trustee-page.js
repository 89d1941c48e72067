// The trustee's page: make a key, read a file into the upload box, decrypt in the browser.
// Everything sent goes through the page's ordinary form, so the server's named refusals show as usual.

import { readElection } from "./election.js";
import { generateTrusteeKey, partialDecryption } from "./trustee.js";

const now = document.getElementById("now");
const form = document.getElementById("upload-form");
const text = document.getElementById("upload-text");

function download(name, content) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([content], { type: "application/octet-stream" }));
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
}

const fileInput = document.getElementById("upload-file");
if (fileInput) fileInput.addEventListener("change", async () => {
  if (fileInput.files.length) text.value = await fileInput.files[0].text();
});

const makeKey = document.getElementById("make-key");
if (makeKey) {
  let publicKey = null;
  const saved = document.getElementById("key-saved");
  const upload = document.getElementById("upload");
  makeKey.addEventListener("click", async () => {
    makeKey.disabled = true;
    const pair = await generateTrusteeKey(now.dataset.group);
    const name = `trustee-${now.dataset.position}-${now.dataset.uuid}.privkey`;
    download(name, pair.privateKey);
    publicKey = pair.publicKey;
    document.getElementById("key-file").textContent = name;
    document.getElementById("key-made").hidden = false;
    text.value = publicKey;
    upload.disabled = true;
  });
  saved.addEventListener("change", () => { upload.disabled = !saved.checked && publicKey !== null; });
}

const decrypt = document.getElementById("decrypt");
if (decrypt) {
  const progress = document.getElementById("decrypt-progress");
  decrypt.addEventListener("click", async () => {
    const file = document.getElementById("privkey").files[0];
    if (!file) {
      progress.textContent = "Choose your key file first.";
      return;
    }
    decrypt.disabled = true;
    try {
      progress.textContent = "Loading the tally…";
      const [electionText, tallyText] = await Promise.all(
        [now.dataset.electionUrl, now.dataset.tallyUrl].map(async (url) => {
          const response = await fetch(url, { credentials: "same-origin" });
          if (!response.ok) throw new Error(`could not load ${url} (${response.status})`);
          return response.text();
        }),
      );
      const election = await readElection(electionText);
      const result = await partialDecryption(election, await file.text(), JSON.parse(tallyText), undefined, (done, total) => {
        progress.textContent = `Decrypting: ${done} of ${total}…`;
      });
      text.value = result;
      progress.textContent = "Done; sending.";
      form.requestSubmit();
    } catch (error) {
      progress.textContent = `Could not decrypt: ${error.message}`;
      decrypt.disabled = false;
    }
  });
}
