// Validates Kubernetes manifests against the API's own schema (the OpenAPI definitions of Kubernetes,
// as compiled by the kubernetes-models package): every document of every file given, by apiVersion and
// kind: types, required fields, enums and formats. Not unknown fields: the API's schema allows them
// (the API server drops them, or rejects them under --validate=strict); DeployManifestsTest reads the
// fields that matter.
//   node validate.mjs MODELS_DIR FILE...   (MODELS_DIR: where kubernetes-models and yaml are installed)
// Prints "ok FILE KIND NAME" or "invalid FILE KIND NAME: why" per document; exits 1 if any is invalid.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [modelsDir, ...files] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(modelsDir), "node_modules", "x.js"));
const YAML = require("yaml");

let bad = 0;
for (const file of files) {
  for (const doc of YAML.parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length) { console.log(`invalid ${file}: YAML: ${doc.errors[0].message}`); bad++; continue; }
    const obj = doc.toJS();
    if (obj == null) continue;
    const { apiVersion, kind } = obj;
    const name = obj.metadata?.name ?? "?";
    let model;
    try {
      // kubernetes-models/v1/Pod, kubernetes-models/apps/v1/DaemonSet, ...
      const mod = await import(pathToFileURL(path.resolve(modelsDir, "node_modules", "kubernetes-models", apiVersion, `${kind}.js`)));
      model = new mod[kind](obj);
    } catch (e) {
      console.log(`invalid ${file} ${kind} ${name}: no schema for ${apiVersion} ${kind} (${e.message.split("\n")[0]})`); bad++; continue;
    }
    try {
      model.validate();
      console.log(`ok ${file} ${kind} ${name}`);
    } catch (e) {
      console.log(`invalid ${file} ${kind} ${name}: ${e.message}`); bad++;
    }
  }
}
process.exit(bad ? 1 : 0);
